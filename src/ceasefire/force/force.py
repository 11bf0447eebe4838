"""The force as one value: its registry and its mandates, and the rules per nation.

`nation_refusals` is the one place that decides whether a nation's mandates, taken
together, cover something done at a place and time; operations (`checks.py`) and live
tracks (`tracks.py`) both ask it, so the two can never disagree about a clause.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from ceasefire.force.mandate import (
    Mandate,
    Refusal,
    area_refusals,
    period_refusals,
    task_refusals,
)
from ceasefire.force.model import Task
from ceasefire.force.registry import Registry


@dataclass(frozen=True)
class Force:
    """A registry and the mandates that bind its nations (both validated by the loader)."""

    registry: Registry
    mandates: Mapping[str, Mandate]

    def binding(self, nation: str) -> list[Mandate]:
        """Every mandate that binds `nation`, in file order."""
        return [m for m in self.mandates.values() if m.binds_nation(nation)]


def in_force(mandate: Mandate, start: datetime, end: datetime) -> bool:
    """Whether the mandate holds over the whole span (an instant when start == end)."""
    if start == end:
        return mandate.period.holds_at(start)
    return mandate.period.covers(start, end)


def _basis_refusals(force: Force, nation: str, start: datetime, end: datetime) -> list[Refusal]:
    """A nation acts only on a national mandate (parliament or government) in force for the
    whole span; if none is, the refusal names the one nearest in time, with its limit."""
    national = [m for m in force.binding(nation) if m.national]
    if any(in_force(m, start, end) for m in national):
        return []
    if not national:
        reason = f"nation {nation} has no national mandate (parliament or government)"
        return [Refusal("mandates", reason)]
    overlapping = [m for m in national if m.period.overlaps(start, end)]
    before = [m for m in national if m.period.end is not None and m.period.end <= start]
    if overlapping:
        nearest = overlapping[0]
    elif before:
        nearest = max(before, key=lambda m: m.period.end or start)
    else:
        nearest = min(national, key=lambda m: m.period.start)
    return period_refusals(nearest, start, end)


def nation_refusals(
    force: Force,
    nation: str,
    start: datetime,
    end: datetime,
    shapes: Sequence[tuple[str, BaseGeometry]],
    task: Task | None = None,
) -> list[Refusal]:
    """Everything a nation's mandates forbid about doing `task` (None: any, for tracks) in
    `shapes` (what, WGS84 geometry) over [start, end). All mandates that bind the nation and
    are in force at some instant of the span apply, national, coalition and agreement alike;
    an empty list means every one of them allows it."""
    out = _basis_refusals(force, nation, start, end)
    for mandate in force.binding(nation):
        if not mandate.period.overlaps(start, end):
            continue
        if not mandate.national:  # a national one's limit is the basis rule above
            out += period_refusals(mandate, start, end)
        if task is not None:
            out += task_refusals(mandate, task)
        for what, shape in shapes:
            out += area_refusals(mandate, shape, what)
    return out


def unique(refusals: Sequence[Refusal]) -> tuple[Refusal, ...]:
    """Refusals without repeats, in first-seen order (two units of one nation hit the same
    clause once)."""
    return tuple(dict.fromkeys(refusals))
