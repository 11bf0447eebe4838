"""Count every launch once: regional tallies and repeated rows as supporting evidence.

A regional air command's tally counts what it shot down in its region; the Air Force
headquarters' launch report of the same weapon and period already counts those weapons among
the country's. A tally covered by such a row is supporting evidence of it, not a second attack;
a row identical to another in everything but the post it came from is the same report twice.
The rules and the evidence for them: docs/assessment.md, "Point 1". Pure: no I/O.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ceasefire.assess.clauses import never_in_force_prefix, verdict_wording
from ceasefire.domain import Finding, Observation, ReportKind, Verdict, WeaponClass
from ceasefire.domain.agreement import Agreement

#: Model names the bulletins use for "a weapon of this class, model unknown": a tally of one
#: may repeat any headquarters row of a class it could be.
GENERIC_MODELS = frozenset(
    {
        "Unknown UAV",
        "Unknown Missile",
        "Unknown Ballistic Missile",
        "Ballistic Missile",
        "Reconnaissance UAV",
        "Aerial Bomb",
    }
)

#: The classes a tally's class may stand for: an unidentified drone may be an attack drone.
_MAY_BE: Mapping[WeaponClass, frozenset[WeaponClass]] = {
    WeaponClass.UNIDENTIFIED_DRONE: frozenset(
        {WeaponClass.UNIDENTIFIED_DRONE, WeaponClass.ATTACK_DRONE}
    ),
}

#: Clause name prefix of a finding that is supporting evidence of another observation.
SUPPORTS = "supports:"


def _parts(model: str) -> frozenset[str]:
    """'Iskander-M/KN-23 and Kalibr' -> {'Iskander-M', 'KN-23', 'Kalibr'}."""
    return frozenset(
        alt.strip() for part in model.split(" and ") for alt in part.split("/") if alt.strip()
    )


def names_same_weapon(tally: Observation, row: Observation) -> bool:
    """Could `tally` count some of the weapons `row` counts?

    The classes must agree (an unidentified drone may be an attack drone); the models must too:
    every part of the tally's model is a part of the row's, or either side is a generic name.
    A front-line Molniya tally does not repeat the headquarters' Shahed row, though both are
    attack drones.
    """
    if row.weapon_class not in _MAY_BE.get(tally.weapon_class, frozenset({tally.weapon_class})):
        return False
    if tally.weapon_class is WeaponClass.UNKNOWN:
        return False
    tally_model, row_model = tally.weapon_model or "", row.weapon_model or ""
    if tally_model in GENERIC_MODELS or row_model in GENERIC_MODELS:
        return True
    return bool(tally_model) and _parts(tally_model) <= _parts(row_model)


def _duplicate_key(observation: Observation) -> tuple[object, ...]:
    """Everything a row says except where it was posted."""
    raw = tuple(sorted((k, str(v)) for k, v in observation.extras.items() if k != "source"))
    return (observation.source, raw)


def supported_rows(observations: Sequence[Observation]) -> dict[str, tuple[str, ...]]:
    """Observation id -> the ids of the rows it is supporting evidence of (only those that are).

    * An exact duplicate (every column but `source` equal, from the same feed) supports the
      copy with the smallest id, so the choice does not depend on input order.
    * A regional tally supports every launch report whose interval overlaps its own and which
      names the same weapon (`names_same_weapon`).
    """
    supports: dict[str, list[str]] = defaultdict(list)
    first: dict[tuple[object, ...], Observation] = {}
    for observation in sorted(observations, key=lambda o: o.id):
        key = _duplicate_key(observation)
        if observation.report_kind in (ReportKind.LAUNCH_REPORT, ReportKind.REGIONAL_TALLY):
            kept = first.setdefault(key, observation)
            if kept is not observation:
                supports[observation.id].append(kept.id)
    duplicates = set(supports)
    reports = sorted(
        (
            o
            for o in observations
            if o.report_kind is ReportKind.LAUNCH_REPORT and o.id not in duplicates
        ),
        key=lambda o: (o.interval.start, o.id),
    )
    starts = [o.interval.start for o in reports]
    longest = max((o.interval.duration for o in reports), default=None)
    for tally in observations:
        if tally.report_kind is not ReportKind.REGIONAL_TALLY or tally.id in duplicates:
            continue
        if longest is None:
            break
        upper = bisect.bisect_left(starts, tally.interval.end)
        lower = bisect.bisect_left(starts, tally.interval.start - longest)
        for row in reports[lower:upper]:
            if row.interval.end > tally.interval.start and names_same_weapon(tally, row):
                supports[tally.id].append(row.id)
    return {k: tuple(v) for k, v in supports.items()}


def count_once(
    findings: Sequence[Finding],
    observations: Mapping[str, Observation],
    supported: Mapping[str, tuple[str, ...]],
    agreement: Agreement,
) -> list[Finding]:
    """Findings with every supporting row's act counted once, in the same order.

    Under an agreement never in force, the rewritten reasons keep its "would have been"
    wording (`clauses.never_in_force_prefix`), so no reason quotes a bare verdict.

    A row that supports rows whose strongest verdict is at least its own becomes `not_covered`
    with clauses `supports:<id>` (strongest first): its act is already counted there, with at
    least the same verdict. If the rows it supports are all weaker (the tally alone would be a
    violation, the row it repeats only possible), it cannot be told whether it is that row or
    another attack: it becomes (at most) `possible`, still counted, and says which rows it may
    repeat.
    """
    by_subject = {f.subject.id: f for f in findings}
    out: list[Finding] = []
    for finding in findings:
        targets = supported.get(finding.subject.id)
        if not targets or finding.verdict is Verdict.NOT_COVERED:
            out.append(finding)
            continue
        ranked = sorted(
            (by_subject[t] for t in targets if t in by_subject),
            key=lambda f: (-f.verdict.rank, f.subject.id),
        )
        if not ranked:
            out.append(finding)
            continue
        strongest = ranked[0].verdict
        repeated = ", ".join(f"{f.subject.id} ({f.verdict})" for f in ranked)
        own = observations[finding.subject.id]
        what = "a copy of" if own.report_kind is not ReportKind.REGIONAL_TALLY else "covered by"
        if strongest.rank >= finding.verdict.rank:
            alone = (
                finding.reason
                if agreement.never_in_force is not None
                else f"{finding.verdict}, {finding.reason}"
            )
            reason = (
                never_in_force_prefix(Verdict.NOT_COVERED, agreement)
                + f"supporting evidence, not a second act: {what} {repeated}; counted there, "
                f"not here (on its own: {alone})"
            )
            clauses = tuple(f"{SUPPORTS}{f.subject.id}" for f in ranked)
            out.append(
                replace(
                    finding,
                    verdict=Verdict.NOT_COVERED,
                    clauses=clauses,
                    reason=reason,
                    certainty=0.0,
                )
            )
            continue
        is_ = "is " if agreement.never_in_force is None else ""
        reason = (
            f"{finding.reason} | may repeat {repeated}: if it does, that row's verdict "
            f"holds; if not, it {is_}{verdict_wording(finding.verdict, agreement)} on its own"
        )
        certainty = round(min(finding.certainty, 0.5), 4)
        out.append(replace(finding, verdict=Verdict.POSSIBLE, reason=reason, certainty=certainty))
    return out


def is_supporting(finding: Finding) -> bool:
    """Is this finding supporting evidence of another row (not counted on its own)?"""
    return any(c.startswith(SUPPORTS) for c in finding.clauses)
