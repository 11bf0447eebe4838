"""Each clause kind as a pure function: (observation, its placement) -> ClauseResult or None.

Verdict rules (docs/assessment.md):
* violation - the act is prohibited by the clause, its interval lies wholly inside the window
  and, for a zone clause, its whole uncertainty disc lies inside the zone;
* possible - prohibited, but the interval only partly overlaps the window, or the disc
  straddles the zone's edge, or the clause names targets and the source does not say, or a
  withdrawal clause meets an unnamed weapon or a report of use (impact, not weapon);
* not_covered from the scope when it names targets and the source states another one (the
  reason says which);
* otherwise the clause does not apply (None).
Certainty is the share of the interval inside the window, halved for each unresolved doubt
(a straddled edge, an unknown target): a ranking aid for reviewers, not a probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ceasefire.assess.spatial import Placement
from ceasefire.domain import (
    Category,
    Observation,
    Side,
    TargetClass,
    Verdict,
    WeaponClass,
    WindowOverlap,
)
from ceasefire.domain.agreement import Agreement, Scope, Zone, ZoneKind
from ceasefire.domain.taxonomy import CLASS_CANDIDATES

UNRESOLVED_DOUBT = 0.5


@dataclass(frozen=True, slots=True)
class ClauseResult:
    clause: str
    verdict: Verdict
    reason: str
    certainty: float


@dataclass(frozen=True, slots=True)
class TimeFit:
    """How the observation's interval sits in the window, worded for the reason text."""

    overlap: WindowOverlap
    share_inside: float
    wording: str


def scope_clause(observation: Observation, scope: Scope, time: TimeFit) -> ClauseResult | None:
    if observation.category not in scope.prohibited_categories:
        return None
    doubt = 1.0
    target_wording = ""
    if scope.target_classes is not None:
        targets = ", ".join(sorted(scope.target_classes))
        if observation.target_class in scope.target_classes:
            target_wording = f" on a target of class {observation.target_class}"
        elif observation.target_class is TargetClass.UNKNOWN:
            doubt *= UNRESOLVED_DOUBT
            target_wording = f"; the source does not say whether the target was {targets}"
        else:
            return _other_target(observation, targets, time)
    certain = time.overlap is WindowOverlap.INSIDE and doubt == 1.0
    verdict = Verdict.VIOLATION if certain else Verdict.POSSIBLE
    reason = (
        f"{observation.category} is prohibited everywhere during the window{target_wording}; "
        f"{time.wording}"
    )
    return ClauseResult("scope", verdict, reason, time.share_inside * doubt)


def _other_target(observation: Observation, targets: str, time: TimeFit) -> ClauseResult:
    """Not covered because the source states a target the scope does not protect: the reason
    says so, with the words that stated it, instead of blaming the category."""
    said = _classified_by(observation, "target")
    stated = f" ('{said}')" if said else ""
    reason = (
        f"the source states a {observation.target_class} target{stated}; the scope prohibits "
        f"{observation.category} only on {targets} targets; {time.wording}"
    )
    return ClauseResult("scope", Verdict.NOT_COVERED, reason, 0.0)


def _classified_by(observation: Observation, what: str) -> str:
    """The keyword that set `what` (category, target) when the source was classified by words."""
    rules = observation.extras.get("classified_by")
    said = rules.get(what) if isinstance(rules, Mapping) else None
    return said if isinstance(said, str) else ""


def _withdrawn_class_doubts(observation: Observation, zone: Zone) -> list[str]:
    """What keeps a withdrawal clause from deciding: an unstated weapon class that may be one
    of the withdrawn ones, and a report of use, which places the impact, not the weapon."""
    doubts = []
    if observation.weapon_class not in zone.weapon_classes:
        could_be = sorted(CLASS_CANDIDATES.get(observation.category, frozenset()))
        doubts.append(
            f"the source names no weapon ({observation.category}; it could be "
            f"{' or '.join(str(c) for c in could_be if c in zone.weapon_classes)})"
        )
    if observation.category is not Category.HEAVY_WEAPON_PRESENT:
        doubts.append("a report of use places the impact, not the weapon that fired")
    return doubts


def _party_list(agreement: Agreement) -> str:
    return ", ".join(p.id for p in agreement.bound_parties)


def unbound_party_clause(
    observation: Observation, agreement: Agreement, time: TimeFit
) -> ClauseResult | None:
    """Not covered: the act is attributed to a party the agreement does not bind.

    A unilateral truce binds only the party that declared it; the other side's acts during
    its window break nothing, whatever they are (docs/assessment.md, point 5).
    """
    side = observation.side
    if side is Side.UNKNOWN or agreement.bound is None or str(side) in agreement.bound:
        return None
    reason = (
        f"attributed to {side}, which this agreement does not bind "
        f"(it binds {_party_list(agreement)} only); {time.wording}"
    )
    return ClauseResult("bound", Verdict.NOT_COVERED, reason, 0.0)


def with_party(
    result: ClauseResult, observation: Observation, agreement: Agreement
) -> ClauseResult:
    """Say who acted in a clause that fired, and weaken it when that decides and is unknown.

    The act of a bound party is reported with the attribution and its basis. When the source
    does not say who acted and the agreement binds only some parties, the clause is at most
    possible: a doubt about the actor is a doubt like a straddled edge, so the certainty is
    halved too (docs/assessment.md, point 5).
    """
    if result.verdict is Verdict.NOT_COVERED:
        return result
    side = observation.side
    if side is not Side.UNKNOWN:
        basis = observation.extras.get("attributed_by") or f"by the {observation.source} source"
        reason = f"{result.reason}; attributed to {side} ({basis})"
        return ClauseResult(result.clause, result.verdict, reason, result.certainty)
    if agreement.binds_every_party:
        reason = f"{result.reason}; the source does not say which party acted"
        return ClauseResult(result.clause, result.verdict, reason, result.certainty)
    reason = (
        f"{result.reason}; the source does not say which party acted, and this agreement "
        f"binds {_party_list(agreement)} only"
    )
    return ClauseResult(
        result.clause, Verdict.POSSIBLE, reason, result.certainty * UNRESOLVED_DOUBT
    )


_WOULD_HAVE = {
    Verdict.VIOLATION: "would have been a violation",
    Verdict.POSSIBLE: "would possibly have been a violation",
    Verdict.NOT_COVERED: "would not have been covered",
}


def verdict_wording(verdict: Verdict, agreement: Agreement) -> str:
    """The verdict as a person should read it: its value, or under an agreement that never
    bound anyone, what it would have been (the value itself stays for programs)."""
    return str(verdict) if agreement.never_in_force is None else _WOULD_HAVE[verdict]


def never_in_force_prefix(verdict: Verdict, agreement: Agreement) -> str:
    """The words that open every reason under an agreement that never bound anyone.

    The verdict values stay (programs read them), but a person quoting the reason quotes
    "would have been a violation (proposal rejected; never in force)", never "violation".
    """
    why = agreement.never_in_force
    return "" if why is None else f"{verdict_wording(verdict, agreement)} ({why}): "


def zone_applies(observation: Observation, zone: Zone) -> bool:
    """Does this zone's clause speak of this kind of act, by this party?

    A withdrawal zone speaks of its weapon classes: of an observation of one of them, and of
    one whose source names no weapon but whose category may be one of them (possible at most).
    """
    if str(observation.side) in zone.exempt:
        return False
    if observation.category in zone.prohibited_categories:
        return True
    if zone.kind is not ZoneKind.WITHDRAWAL:
        return False
    if observation.weapon_class in zone.weapon_classes:
        return True
    if observation.weapon_class is not WeaponClass.UNKNOWN:
        return False
    return bool(CLASS_CANDIDATES.get(observation.category, frozenset()) & zone.weapon_classes)


def zone_clause(
    observation: Observation,
    zone: Zone,
    placement: Placement,
    edge_distance_m: float,
    time: TimeFit,
) -> ClauseResult | None:
    if placement is Placement.OUTSIDE:
        return None
    what = (
        f"{observation.weapon_class} in a withdrawal zone"
        if zone.kind is ZoneKind.WITHDRAWAL
        else f"{observation.category} in {zone.kind} zone"
    )
    radius_km = observation.location.uncertainty_m / 1000
    if placement is Placement.INSIDE:
        where = f"its {radius_km:g} km uncertainty lies wholly inside ({zone.description})"
        doubt = 1.0
    else:
        where = (
            f"its {radius_km:g} km uncertainty straddles the zone edge "
            f"({edge_distance_m / 1000:.1f} km away; {zone.description})"
        )
        doubt = UNRESOLVED_DOUBT
    if zone.kind is ZoneKind.WITHDRAWAL and (doubts := _withdrawn_class_doubts(observation, zone)):
        doubt *= UNRESOLVED_DOUBT
        where += "; but " + " and ".join(doubts)
    certain = time.overlap is WindowOverlap.INSIDE and doubt == 1.0
    verdict = Verdict.VIOLATION if certain else Verdict.POSSIBLE
    reason = f"{what} '{zone.id}': {where}; {time.wording}"
    return ClauseResult(f"zone.{zone.id}", verdict, reason, time.share_inside * doubt)
