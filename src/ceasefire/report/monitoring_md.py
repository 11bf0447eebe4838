"""The demo report's monitoring section: incidents, corroboration, the two feeds' overlap,
examples with their reasoning, and the review queue."""

from __future__ import annotations

from ceasefire.domain import Incident
from ceasefire.monitoring.summary import MonitoringSummary
from ceasefire.report.markdown import table_lines
from ceasefire.verify.territory import map_day


def _example(incident: Incident) -> list[str]:
    loc = incident.location
    lines = [
        f"**{incident.id}** — {incident.category}, {map_day(incident.interval)} (Kyiv date,"
        f" dated to the {incident.interval.precision}), {loc.region or 'no oblast'}"
        f" ({loc.lat:.4f}, {loc.lon:.4f} ± {loc.uncertainty_m:.0f} m):"
        f" {len(incident.observation_ids)} observations,"
        f" {incident.independent_sources} independent sources,"
        f" confidence {incident.confidence:.2f}.",
        "",
    ]
    for link in incident.links[:5]:
        lines.append(
            f"- `{link.observation_id}` joined `{link.partner_id}`: {link.distance_m:.0f} m apart"
            f" (gate {link.reach_m:.0f} m), {link.gap_s:.0f} s between their times"
            f" (tolerance {link.tolerance_s:.0f} s), {link.categories[0]} ~ {link.categories[1]}"
        )
    if len(incident.links) > 5:
        lines.append(f"- ... and {len(incident.links) - 5} more joins")
    for group in incident.sources[:5]:
        if len(group.observation_ids) > 1:
            lines.append(f"- one source: {', '.join(group.observation_ids)} — {group.reason}")
    for support in incident.supporting[:2]:
        lines.append(f"- supported by `{support.observation_id}`: {support.reason}")
    lines.append(f"- attribution: {'; '.join(incident.attribution.reasons)}")
    return [*lines, ""]


def monitoring_section(s: MonitoringSummary) -> list[str]:
    o = s.overlap
    lines = [
        "## Monitoring: incidents fused from the observations",
        "",
        f"{s.fused_observations:,} of the {s.observations:,} stored observations have a point"
        f" and were fused into **{s.incidents:,} incidents**; **{s.corroborated:,}** are"
        " corroborated by at least two independent sources (rows that cite the same original"
        " post count once). The other observations are region-only bulletin rows: they are"
        f" linked as supporting evidence ({s.supporting_rows:,} rows support"
        f" {s.supported_incidents:,} incidents; {s.unplaced_rows} rows name a region that"
        " cannot be mapped to oblasts), never fused. Rules: docs/fusion.md,"
        " docs/monitoring.md; counts re-derived from the raw files in docs/hand-check.md.",
        "",
    ]
    lines += table_lines(["independent sources", "incidents"],
                         [[k, v] for k, v in s.by_sources.items()])
    lines += [
        "",
        "### Bellingcat and CIR: two feeds, often one post",
        "",
        f"{o.shared_incidents:,} incidents hold rows of both feeds ({o.bellingcat_rows:,}"
        f" Bellingcat rows, {o.cir_rows:,} CIR rows). In {o.same_post_incidents:,} of them a"
        f" Bellingcat row and a CIR row cite the same original post ({o.same_post_pairs:,}"
        f" pairs); such pairs counted as two sources: **{o.counted_twice}**; incidents"
        " counted as corroborated only because the other feed republished the same post:"
        f" **{o.corroborated_only_by_other_feed}**.",
        "",
        "### Attribution",
        "",
    ]
    lines += table_lines(["attribution", "incidents"], [[k, v] for k, v in s.attribution.items()])
    lines += ["", "### Examples, with their reasoning", ""]
    for incident in s.examples:
        lines += _example(incident)
    if s.incident_verdicts:
        lines += [
            "### Incidents against the agreements",
            "",
            "An incident's finding is what its reports' findings agree on; where they disagree,"
            " or one was not assessed, it widens to possible (docs/monitoring.md). Incidents"
            " whose reports are all out of scope get no finding.",
            "",
        ]
        lines += table_lines(
            ["agreement", "violation", "possible"],
            [[a, v.get("violation", 0), v.get("possible", 0)]
             for a, v in s.incident_verdicts.items()],
        )
        lines.append("")
    lines += [
        "### Review queue",
        "",
        f"{s.waiting:,} incidents wait for a reviewer ({s.waiting_corroborated:,} corroborated);"
        " oldest first:",
        "",
    ]
    lines += table_lines(
        ["incident", "state", "waiting since", "age"],
        [[e.incident_id, str(e.state), e.waiting_since.isoformat(timespec="seconds"),
          f"{e.age.total_seconds() / 3600:.1f} h"] for e in s.oldest],
    )
    return [*lines, ""]
