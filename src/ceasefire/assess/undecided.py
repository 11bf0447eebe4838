"""Rows whose weapon nobody could name: possible wherever a weapon of theirs would be prohibited.

An Air Force bulletin row reports a weapon used in the air war even when the catalogue does
not know its model (or the row names none): it is a missile, a drone or a bomb, so it is
prohibited wherever the scope prohibits any of those, but which one the data cannot say. It is
therefore `possible`, never a violation, and the reason says why (docs/assessment.md, "Point 8").
Pure: no I/O.
"""

from __future__ import annotations

from ceasefire.assess.clauses import UNRESOLVED_DOUBT, ClauseResult, TimeFit
from ceasefire.domain import Category, Observation, ReportKind, Verdict, WeaponClass
from ceasefire.domain.agreement import Scope

#: What a weapon in an air-war report can be: every category the weapons catalogue maps to.
AIR_WAR_CATEGORIES = frozenset(
    {
        Category.LONG_RANGE_MISSILE,
        Category.ONE_WAY_ATTACK_DRONE,
        Category.TACTICAL_DRONE,
        Category.RECONNAISSANCE_DRONE,
        Category.UNIDENTIFIED_DRONE,
        Category.AIR_STRIKE,
    }
)

_AIR_WAR_REPORTS = frozenset({ReportKind.LAUNCH_REPORT, ReportKind.REGIONAL_TALLY})


def unnamed_weapon_clause(
    observation: Observation, scope: Scope, time: TimeFit
) -> ClauseResult | None:
    """`possible` for an air-war report row of unknown weapon whose possible categories the
    scope prohibits; None for any other observation."""
    if observation.report_kind not in _AIR_WAR_REPORTS:
        return None
    if observation.category is not Category.OTHER:
        return None
    if observation.weapon_class is not WeaponClass.UNKNOWN:
        return None
    could_be = sorted(AIR_WAR_CATEGORIES & scope.prohibited_categories)
    if not could_be:
        return None
    model = observation.weapon_model or "no model"
    reason = (
        f"weapon unknown ({model!r} is not in the weapons catalogue): it could be "
        f"{', '.join(could_be)}, prohibited during the window; {time.wording}"
    )
    return ClauseResult("scope.unknown_weapon", Verdict.POSSIBLE, reason,
                        time.share_inside * UNRESOLVED_DOUBT)
