"""Caps: how much of the force the accepted operations commit at once, against each cap.

"At once" is exact: the peak is taken over every instant at which an overlapping accepted
operation starts inside the new one's span (between two such instants the set of operations
in progress cannot grow). A unit in two operations at the same time counts once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ceasefire.force.mandate import Mandate, Refusal
from ceasefire.force.model import Unit


@dataclass(frozen=True, slots=True)
class Commitment:
    """The units one operation commits over the half-open span [start, end)."""

    intent_id: str
    units: tuple[Unit, ...]
    start: datetime
    end: datetime

    def active_at(self, t: datetime) -> bool:
        if self.start == self.end:
            return t == self.start
        return self.start <= t < self.end


@dataclass(frozen=True, slots=True)
class Load:
    """What is committed at one instant, by the nations one mandate binds."""

    at: datetime
    intents: tuple[str, ...]
    units: tuple[Unit, ...]

    @property
    def personnel(self) -> int:
        return sum(u.personnel for u in self.units)

    def assets(self, kind: str | None = None) -> int:
        return sum(1 for u in self.units if u.is_asset and (kind is None or u.kind == kind))


def _load_at(t: datetime, new: Commitment, others: Iterable[Commitment], m: Mandate) -> Load:
    parts = [new, *(c for c in others if c.active_at(t))]
    units: dict[str, Unit] = {}
    intents: list[str] = []
    for part in parts:
        bound = [u for u in part.units if m.binds_nation(u.nation)]
        if bound:
            intents.append(part.intent_id)
        for unit in bound:
            units.setdefault(unit.id, unit)
    return Load(t, tuple(intents), tuple(units.values()))


def cap_refusals(
    mandate: Mandate, new: Commitment, accepted: Sequence[Commitment]
) -> list[Refusal]:
    """The mandate's caps against the peak of `new` plus the accepted operations."""
    caps = mandate.caps
    measures: list[tuple[str, int | None, str, Callable[[Load], int]]] = [
        ("caps.personnel", caps.personnel, "personnel", lambda load: load.personnel),
        ("caps.assets", caps.assets, "assets", lambda load: load.assets()),
    ]
    measures += [
        (f"caps.kinds.{kind.value}", cap, f"{kind.value} assets", _kind_measure(kind.value))
        for kind, cap in caps.kinds.items()
    ]
    if all(cap is None for _, cap, _, _ in measures):
        return []
    instants = [new.start, *sorted(c.start for c in accepted if new.start < c.start < new.end)]
    loads = [_load_at(t, new, accepted, mandate) for t in instants]
    out: list[Refusal] = []
    for clause, cap, what, measure in measures:
        worst = max(loads, key=measure)
        if cap is not None and measure(worst) > cap:
            with_ = ", ".join(worst.intents)
            reason = (
                f"{measure(worst)} {what} committed at {worst.at.isoformat()}"
                f" (operations {with_}); the cap is {cap}"
            )
            out.append(Refusal(clause, reason, mandate.id))
    return out


def _kind_measure(kind: str) -> Callable[[Load], int]:
    return lambda load: load.assets(kind)
