"""The demo's report: one section per agreement, tables a reviewer can check against sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ceasefire.assess.clauses import verdict_wording
from ceasefire.assess.same_event import probable_same_events
from ceasefire.domain import Observation, Verdict
from ceasefire.domain.agreement import Agreement
from ceasefire.pipeline import Assessment

MAX_GEOCODED_ROWS = 40


@dataclass(frozen=True)
class LedgerSummary:
    """What the evidence ledger committed to in this run, for the report's last section."""

    origin: str
    size: int
    root_hex: str
    checkpoint: str
    verified: bool
    verify_reason: str
    bundle_path: str
    bundle_record_id: str


PREAMBLE = """\
Every observation in the bundled real data was assessed against every shipped agreement.
How to read the verdicts:

* **violation**: a prohibited act whose reported interval lies wholly inside the window (and,
  for zone clauses, whose location uncertainty lies wholly inside the zone);
* **possible**: prohibited, but the interval only partly overlaps the window (a bulletin row
  dated only by day covers that Kyiv day and the day before it, since it may be a report of
  the previous 24 hours, so a row near a boundary is only *possible*), or the location
  straddles a zone edge, or the clause names targets the source does not state;
* **not covered**: outside the window, or not prohibited, or supporting evidence of another
  row (a regional tally repeating a launch report of the same weapon and period: clause
  `supports:<id>`), so that every launch is counted once.

Time precision: Air Force bulletin rows carry either minutes (Kyiv local time, converted to
UTC with daylight saving) or only a date; Bellingcat/CIR incidents only a date; UCDP events a
date range graded by `date_prec`. "Launched" and "destroyed" are the bulletins' own counts;
geocoded incidents carry no counts.
"""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_lines(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table, cells escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")


def _weapon_rows(assessment: Assessment) -> list[list[object]]:
    groups: dict[tuple[str, str, str, str], list[Observation]] = defaultdict(list)
    for finding in assessment.findings:
        if finding.verdict is Verdict.NOT_COVERED:
            continue
        o = assessment.observations[finding.subject.id]
        if o.launched is None and o.source != "airforce":
            continue
        key = (
            verdict_wording(finding.verdict, assessment.agreement),
            o.source,
            str(o.category),
            o.weapon_model or "",
        )
        groups[key].append(o)
    rows: list[list[object]] = []
    for (verdict, source, category, model), members in sorted(groups.items()):
        launched = sum(m.launched or 0 for m in members)
        destroyed = sum(m.destroyed or 0 for m in members)
        rows.append([verdict, source, category, model, len(members), launched, destroyed])
    return rows


def _geocoded_rows(assessment: Assessment) -> tuple[list[list[object]], int]:
    chosen = []
    for finding in assessment.findings:
        o = assessment.observations[finding.subject.id]
        if finding.verdict is Verdict.NOT_COVERED or not o.location.has_point:
            continue
        chosen.append((finding, o))
    chosen.sort(key=lambda fo: (-fo[0].verdict.rank, fo[1].interval.start, fo[1].id))
    rows: list[list[object]] = []
    for finding, o in chosen[:MAX_GEOCODED_ROWS]:
        distance = assessment.line_distance_m.get(o.id)
        rows.append(
            [
                verdict_wording(finding.verdict, assessment.agreement),
                o.source,
                o.interval.start.astimezone(ZoneInfo("Europe/Kyiv")).date().isoformat(),
                o.interval.precision,
                o.location.region or f"{o.location.lat:.3f}, {o.location.lon:.3f}",
                o.category,
                f"{distance / 1000:.1f}" if distance is not None else "",
                o.description[:120],
            ]
        )
    return rows, len(chosen)


def bound_lines(agreement: Agreement) -> list[str]:
    """Which parties the agreement binds, and what that does to the other side's acts."""
    bound = ", ".join(f"{p.name} ({p.id})" for p in agreement.bound_parties)
    if agreement.binds_every_party:
        return [f"- binds every party: {bound}"]
    others = ", ".join(p.id for p in agreement.parties if p not in agreement.bound_parties)
    return [
        f"- binds only {bound}: acts attributed to {others} are not covered; acts whose source "
        "does not say which party acted are at most *possible*"
    ]


def never_in_force_lines(agreement: Agreement) -> list[str]:
    """The warning a never-in-force agreement's section opens with, so no count is misquoted."""
    why = agreement.never_in_force
    if why is None:
        return []
    return [
        f"**{why[0].upper()}{why[1:]}.** Every count below is what *would have been* a violation "
        "had it been in force; none of it is a breach of anything.",
        "",
    ]


def agreement_section(assessment: Assessment) -> list[str]:
    a = assessment.agreement
    lines = [f"## {a.title}", "", *never_in_force_lines(a)]
    lines.append(f"- id `{a.id}`, status **{a.status}**")
    lines += bound_lines(a)
    lines.append(
        f"- window {_local(a.window.start, a.timezone)} to {_local(a.window.end, a.timezone)} "
        f"{a.timezone} ({_utc(a.window.start)} to {_utc(a.window.end)})"
    )
    prohibited = ", ".join(sorted(a.scope.prohibited_categories))
    lines.append(f"- prohibited everywhere: {prohibited}")
    if a.scope.target_classes:
        lines.append(f"- only against targets: {', '.join(sorted(a.scope.target_classes))}")
    if a.line_of_contact is not None:
        lines.append(
            f"- line of contact of {a.line_of_contact.valid_on.isoformat()} "
            f"(from {a.line_of_contact.source})"
        )
    for zone in a.zones:
        lines.append(f"- zone `{zone.id}` ({zone.kind}): {zone.description}")
    lines += [f"- source: {s}" for s in a.sources]
    lines += ["", "### Totals", ""]
    summary = [
        [
            verdict_wording(verdict, a),
            totals.findings,
            totals.launched,
            totals.destroyed,
            ", ".join(f"{k} {v}" for k, v in sorted(totals.by_source.items())),
        ]
        for verdict, totals in assessment.summary.totals.items()
    ]
    lines += table_lines(["verdict", "findings", "launched", "destroyed", "by source"], summary)
    lines += evidence_basis_lines(assessment)
    weapon_rows = _weapon_rows(assessment)
    lines += ["", "### Air Force bulletin rows by weapon model", ""]
    if weapon_rows:
        header = ["verdict", "source", "category", "model", "rows", "launched", "destroyed"]
        lines += table_lines(header, weapon_rows)
    else:
        lines.append("No bulletin row falls in this window.")
    geocoded, total = _geocoded_rows(assessment)
    lines += ["", "### Geocoded incidents", ""]
    if geocoded:
        header = ["verdict", "source", "date", "precision", "place", "category", "km to line"]
        lines += table_lines([*header, "description"], geocoded)
        if total > len(geocoded):
            lines.append(f"\n({total - len(geocoded)} more not shown; `ceasefire assess --json`)")
    else:
        lines.append("No geocoded incident falls in this window.")
    return [*lines, *same_event_section(assessment), ""]


def same_event_section(assessment: Assessment) -> list[str]:
    """The findings that probably report one event, so that nobody counts it twice.

    Until fusion builds incidents, each source's report is its own finding; this lists the
    groups `assess.same_event` finds (close in place and time, compatible categories).
    """
    groups = probable_same_events(assessment.findings, assessment.observations)
    if not groups:
        return []
    lines = [
        "",
        "### Probably the same event",
        "",
        f"{len(groups)} {'group' if len(groups) == 1 else 'groups'} of this agreement's "
        "findings probably report one event each; the totals still count every finding "
        "(docs/assessment.md, point 9):",
        "",
    ]
    for group in groups:
        ids = ", ".join(f"`{i}`" for i in group.finding_ids)
        lines.append(f"- probably the same event: {ids}: {group.reason}")
    return lines


def evidence_basis_lines(assessment: Assessment) -> list[str]:
    """How many violation/possible findings rest on regional tallies or on rows dated by day,
    and how many tallies or repeated rows were counted as supporting evidence instead."""
    totals = assessment.summary.totals
    lines = ["", "What the findings rest on:", ""]
    for verdict in (Verdict.VIOLATION, Verdict.POSSIBLE):
        t = totals[verdict]
        lines.append(
            f"- {verdict_wording(verdict, assessment.agreement)}: {t.findings} findings, of "
            f"which {t.regional_tally} rest on a regional "
            f"air command's tally (its count is a lower bound of what was launched) and "
            f"{t.day_precision} on a row dated only by day or more coarsely"
        )
    supporting = totals[Verdict.NOT_COVERED].supporting
    lines.append(
        f"- {supporting} regional tallies or repeated rows overlap a launch report of the same "
        "weapon: supporting evidence of that row, counted there and not again"
    )
    return lines


def ledger_section(sealed: LedgerSummary) -> list[str]:
    lines = ["## Evidence ledger", ""]
    lines.append(
        f"Every observation and every finding above is a record in the RFC 9162 Merkle log "
        f"`{sealed.origin}`: {sealed.size} records, root `{sealed.root_hex}`. "
        f"Re-hashing every record and rebuilding every tile: "
        f"**{'verified' if sealed.verified else 'FAILED: ' + sealed.verify_reason}**."
    )
    lines += ["", "Signed checkpoint (C2SP signed note):", "", "```", sealed.checkpoint.rstrip()]
    lines += ["```", ""]
    if sealed.bundle_path:
        lines.append(
            f"Evidence bundle for `{sealed.bundle_record_id}` written to `{sealed.bundle_path}`; "
            "any party checks it offline with the log's public key:"
        )
        lines += [
            "",
            "```",
            f"ceasefire ledger verify-bundle {sealed.bundle_path} --log-key reports/demo-log.vkey",
            "```",
            "",
        ]
    return lines


def render_report(
    assessments: Sequence[Assessment],
    generated: datetime,
    sealed: LedgerSummary | None = None,
    extra: Sequence[str] = (),
) -> str:
    """The report; `extra` lines (the monitoring section) come before the ledger's."""
    lines = [
        "# ceasefire: assessment of the shipped agreements on the bundled real data",
        "",
        f"Generated {_utc(generated)}.",
        "",
        PREAMBLE,
        "## Overview",
        "",
    ]
    overview = [
        [
            a.agreement.id,
            a.agreement.never_in_force or a.agreement.status,
            a.summary.totals[Verdict.VIOLATION].findings,
            a.summary.totals[Verdict.VIOLATION].launched,
            a.summary.totals[Verdict.POSSIBLE].findings,
            a.summary.totals[Verdict.POSSIBLE].launched,
        ]
        for a in assessments
    ]
    header = ["agreement", "status", "violations", "launched", "possible", "launched (possible)"]
    lines += [
        "An agreement that was never in force (a rejected or pending proposal, a hypothetical "
        "settlement) counts what *would have been* a violation; its status column says so.",
        "",
    ]
    lines += table_lines(header, overview)
    lines.append("")
    for assessment in assessments:
        lines += agreement_section(assessment)
    lines += extra
    if sealed is not None:
        lines += ledger_section(sealed)
    return "\n".join(lines)
