"""Assess observations against a compiled agreement, many at a time.

Spatial work is vectorised per zone over all point observations; the per-observation part is
plain rule evaluation (see `clauses`). Pure: reads no files, opens no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ceasefire.agreement.compiled import CompiledAgreement
from ceasefire.assess.clauses import (
    ClauseResult,
    TimeFit,
    never_in_force_prefix,
    scope_clause,
    unbound_party_clause,
    with_party,
    zone_applies,
    zone_clause,
)
from ceasefire.assess.coverage import count_once, supported_rows
from ceasefire.assess.spatial import Placement, distances_to, place_discs
from ceasefire.assess.undecided import unnamed_weapon_clause
from ceasefire.domain import (
    Finding,
    Observation,
    RecordKind,
    RecordRef,
    TimeInterval,
    Verdict,
    WindowOverlap,
)
from ceasefire.domain.agreement import Agreement


def _utc(interval: TimeInterval) -> str:
    fmt = "%Y-%m-%d %H:%MZ"
    return f"{interval.start.strftime(fmt)} to {interval.end.strftime(fmt)}"


def time_fit(interval: TimeInterval, window: TimeInterval) -> TimeFit:
    """Where an interval lies in the window, and the words a reviewer needs to check it."""
    overlap = interval.overlap_with(window)
    if interval.duration.total_seconds() > 0:
        start, end = max(interval.start, window.start), min(interval.end, window.end)
        inside_s = max(0.0, (end - start).total_seconds())
        share = inside_s / interval.duration.total_seconds()
    else:
        share = 1.0 if overlap is WindowOverlap.INSIDE else 0.0
    dated = f"reported for {_utc(interval)} ({interval.precision} precision)"
    if overlap is WindowOverlap.INSIDE:
        wording = f"{dated}, wholly inside the window {_utc(window)}"
    elif overlap is WindowOverlap.PARTIAL:
        wording = f"{dated}, only {share:.0%} of it inside the window {_utc(window)}"
    else:
        wording = f"{dated}, outside the window {_utc(window)}"
    return TimeFit(overlap, share, wording)


def _strongest(
    observation: Observation,
    agreement: Agreement,
    agreement_sha256: str,
    results: list[ClauseResult],
) -> Finding:
    ranked = sorted(results, key=lambda r: (-r.verdict.rank, -r.certainty, r.clause))
    top = ranked[0]
    deciding = [r for r in ranked if r.verdict is top.verdict]
    agreement_id = agreement.id
    return Finding(
        id=f"{agreement_id}:{observation.id}",
        agreement_id=agreement_id,
        subject=RecordRef(RecordKind.OBSERVATION, observation.id),
        verdict=top.verdict,
        clauses=tuple(r.clause for r in deciding),
        reason=never_in_force_prefix(top.verdict, agreement)
        + " | ".join(r.reason for r in deciding),
        certainty=round(top.certainty, 4),
        agreement_sha256=agreement_sha256,
    )


@dataclass(frozen=True)
class PointTable:
    """The observations that have coordinates, projected once: slot[i] is row k of x/y/radius."""

    slot: dict[int, int]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    radius: NDArray[np.float64]


def point_table(observations: Sequence[Observation], compiled: CompiledAgreement) -> PointTable:
    with_point = [i for i, o in enumerate(observations) if o.location.has_point]
    lon = np.array([observations[i].location.lon for i in with_point], dtype=np.float64)
    lat = np.array([observations[i].location.lat for i in with_point], dtype=np.float64)
    radius = np.array(
        [observations[i].location.uncertainty_m for i in with_point], dtype=np.float64
    )
    x, y = compiled.projection.points_to_metres(lon, lat)
    return PointTable({obs: k for k, obs in enumerate(with_point)}, x, y, radius)


def line_distances(
    observations: Sequence[Observation], compiled: CompiledAgreement
) -> dict[str, float]:
    """Metres from each geocoded observation to the agreement's line of contact."""
    if compiled.line_m is None:
        return {}
    table = point_table(observations, compiled)
    distances = distances_to(compiled.line_m, table.x, table.y)
    return {observations[i].id: float(distances[k]) for i, k in table.slot.items()}


def assess(
    observations: Sequence[Observation], compiled: CompiledAgreement, agreement_sha256: str = ""
) -> list[Finding]:
    """One Finding per observation, in input order; `agreement_sha256` (the digest of the
    agreement file) is stamped on each, so a finding names the exact text it applied.

    A regional tally or repeated row that only supports another row's act is `not_covered`
    with clauses `supports:<id>` (`coverage.count_once`), so every launch is counted once."""
    agreement = compiled.agreement
    table = point_table(observations, compiled)
    slot, x, y, radius = table.slot, table.x, table.y, table.radius
    placements = {
        cz.zone.id: place_discs(cz.area_m, cz.boundary_m, x, y, radius) for cz in compiled.zones
    }
    line_distance = distances_to(compiled.line_m, x, y) if compiled.line_m is not None else None

    findings: list[Finding] = []
    for index, observation in enumerate(observations):
        fit = time_fit(observation.interval, agreement.window)
        k = slot.get(index)
        context = ""
        if line_distance is not None and k is not None and agreement.line_of_contact is not None:
            context = (
                f" [{line_distance[k] / 1000:.1f} km from the line of contact of "
                f"{agreement.line_of_contact.valid_on.isoformat()}]"
            )
        if fit.overlap is WindowOverlap.OUTSIDE:
            results = [ClauseResult("window", Verdict.NOT_COVERED, fit.wording + context, 0.0)]
            findings.append(_strongest(observation, agreement, agreement_sha256, results))
            continue
        if (unbound := unbound_party_clause(observation, agreement, fit)) is not None:
            results = [replace(unbound, reason=unbound.reason + context)]
            findings.append(_strongest(observation, agreement, agreement_sha256, results))
            continue
        results = []
        if (scoped := scope_clause(observation, agreement.scope, fit)) is not None:
            results.append(scoped)
        unplaced_zones = []
        for cz in compiled.zones:
            if not zone_applies(observation, cz.zone):
                continue
            if k is None:
                unplaced_zones.append(cz.zone.id)
                continue
            zone_placements, edge = placements[cz.zone.id]
            zoned = zone_clause(observation, cz.zone, zone_placements[k], float(edge[k]), fit)
            if zoned is not None:
                results.append(zoned)
        if not results and (unnamed := unnamed_weapon_clause(observation, agreement.scope, fit)):
            results.append(unnamed)
        if not results:
            why = f"{observation.category} is not prohibited by the scope"
            if unplaced_zones:
                why += f"; zones {', '.join(unplaced_zones)} not checked: no coordinates"
            elif any(zone_applies(observation, cz.zone) for cz in compiled.zones):
                why += "; outside every zone that prohibits it"
            results.append(ClauseResult("none", Verdict.NOT_COVERED, why + context, 0.0))
        else:
            results = [
                with_party(
                    ClauseResult(r.clause, r.verdict, r.reason + context, r.certainty),
                    observation,
                    agreement,
                )
                for r in results
            ]
        findings.append(_strongest(observation, agreement, agreement_sha256, results))
    by_id = {o.id: o for o in observations}
    return count_once(findings, by_id, supported_rows(observations), agreement)


__all__ = ["Placement", "assess", "line_distances", "point_table", "time_fit"]
