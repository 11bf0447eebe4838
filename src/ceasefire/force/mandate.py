"""Mandates as data, and the clause-by-clause rules that read them.

A mandate is any legal framework that binds contributing nations: a national parliament's
vote, a government decision, a coalition decision, the agreement itself. Each is checked on
its own and all that apply are checked together, so the narrowest one decides: one clause
forbidding is enough, and the refusal names that mandate and that clause (`Refusal`). The
functions here take values and return refusals; they read no file and know no intent format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import shapely
from shapely.geometry.base import BaseGeometry

from ceasefire.force.model import NATIONAL_ISSUERS, IssuerKind, Period, Task, UnitKind


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an operation (or a track) is not covered: the mandate and its clause that forbid
    it, or, for rules of the registry itself, the rule (`command`, `units[0]`)."""

    clause: str
    reason: str
    mandate: str | None = None

    def __str__(self) -> str:
        where = f"mandate {self.mandate}, clause {self.clause}" if self.mandate else self.clause
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class AreaClause:
    """One area of a mandate, with the clause path that names it in refusals."""

    clause: str
    description: str
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class Caps:
    """Most personnel, assets and assets of a kind that the bound nations may commit at once."""

    personnel: int | None = None
    assets: int | None = None
    kinds: Mapping[UnitKind, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Mandate:
    """One mandate; `binds` None means every contributing nation (a coalition decision or
    the agreement), `tasks` None means any task."""

    id: str
    title: str
    issuer: IssuerKind
    issuer_name: str
    binds: frozenset[str] | None
    tasks: frozenset[Task] | None
    within: tuple[AreaClause, ...]
    excluded: tuple[AreaClause, ...]
    caps: Caps
    period: Period
    conditions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def national(self) -> bool:
        """Whether this is a nation's own legal basis (parliament or government)."""
        return self.issuer in NATIONAL_ISSUERS

    def binds_nation(self, nation: str) -> bool:
        return self.binds is None or nation in self.binds

    @cached_property
    def allowed(self) -> BaseGeometry | None:
        """The union of the `within` areas, or None when the mandate names none (anywhere)."""
        if not self.within:
            return None
        return shapely.union_all([a.geometry for a in self.within])


def period_refusals(mandate: Mandate, start: datetime, end: datetime) -> list[Refusal]:
    """The mandate's time limit against the half-open span [start, end)."""
    p = mandate.period
    if start < p.start:
        reason = f"not in force before {p.start.isoformat()}"
        return [Refusal("valid.from", reason, mandate.id)]
    if p.end is not None and end > p.end:
        when = "expired" if start >= p.end else "expires"
        reason = f"{when} at {p.end.isoformat()}"
        if mandate.conditions:
            reason += f"; a new decision is needed: {mandate.conditions[0]}"
        return [Refusal("valid.until", reason, mandate.id)]
    return []


def task_refusals(mandate: Mandate, task: Task) -> list[Refusal]:
    """The mandate's list of tasks against the operation's task."""
    if mandate.tasks is None or task in mandate.tasks:
        return []
    allowed = ", ".join(sorted(t.value for t in mandate.tasks))
    return [Refusal("tasks", f"task {task.value} is not among {allowed}", mandate.id)]


def area_refusals(mandate: Mandate, shape: BaseGeometry, what: str) -> list[Refusal]:
    """The mandate's areas against `shape` (WGS84): it must lie inside the `within` areas
    and touch none of the `excluded` ones (boundaries count as inside, as in deconfliction)."""
    out: list[Refusal] = []
    allowed = mandate.allowed
    if allowed is not None and not allowed.covers(shape):
        clause = mandate.within[0].clause if len(mandate.within) == 1 else "area.within"
        names = " or ".join(a.description for a in mandate.within)
        out.append(Refusal(clause, f"{what} is not wholly within {names}", mandate.id))
    for area in mandate.excluded:
        if area.geometry.intersects(shape):
            out.append(Refusal(area.clause, f"{what} enters {area.description}", mandate.id))
    return out
