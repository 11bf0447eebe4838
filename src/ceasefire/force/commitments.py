"""Pledges by nation, their progress pledged -> contracted -> delivered, and the view of
pledged against delivered by nation and category (as the Kiel Institute's Ukraine Support
Tracker reports commitments against allocations).

Pure: a `Commitment` keeps its whole history and `advance` returns a new one; each step
becomes a `domain.commitment.CommitmentChange` record in the ledger (`force.ledgered`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from ceasefire.domain.commitment import CommitmentCategory, CommitmentStatus
from ceasefire.domain.errors import InvalidInputError

__all__ = [
    "Commitment",
    "CommitmentCategory",
    "CommitmentError",
    "CommitmentStatus",
    "ProgressRow",
    "StatusChange",
    "advance",
    "progress",
]


_ORDER = list(CommitmentStatus)


class CommitmentError(InvalidInputError):
    """A status change that is not allowed; the message names the commitment and why."""


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One step of a commitment's history, with the public source that reported it."""

    status: CommitmentStatus
    on: date
    source: str = ""


@dataclass(frozen=True, slots=True)
class Commitment:
    """One pledge: `value_eur` is what it is worth (the tracker's unit); `history` starts
    with the pledge and only moves forward."""

    id: str
    nation: str
    category: CommitmentCategory
    item: str
    value_eur: float
    history: tuple[StatusChange, ...]

    @property
    def status(self) -> CommitmentStatus:
        return self.history[-1].status


def advance(c: Commitment, status: CommitmentStatus, on: date, source: str = "") -> Commitment:
    """`c` moved on to `status`. Moves go forward only (contracted may be skipped: financial
    aid is paid without a contract) and never back in time: a delivered pledge cannot be
    pledged again, it is a new pledge."""
    if _ORDER.index(status) <= _ORDER.index(c.status):
        raise CommitmentError(
            f"commitment {c.id}: cannot move from {c.status.value} to {status.value}"
            " (only pledged -> contracted -> delivered)"
        )
    last = c.history[-1].on
    if on < last:
        raise CommitmentError(
            f"commitment {c.id}: {status.value} on {on.isoformat()} is before its"
            f" {c.status.value} on {last.isoformat()}"
        )
    return replace(c, history=(*c.history, StatusChange(status, on, source)))


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """Value by status for one nation and category: `pledged` counts every pledge (it is the
    total promised), `contracted` those contracted or delivered, `delivered` those delivered."""

    nation: str
    category: CommitmentCategory
    pledged_eur: float
    contracted_eur: float
    delivered_eur: float
    pledged_items: int
    delivered_items: int

    @property
    def delivered_share(self) -> float:
        """Share of the pledged value delivered; by items when nothing has a value (a force
        contribution of troops is counted, not priced)."""
        if self.pledged_eur:
            return self.delivered_eur / self.pledged_eur
        return self.delivered_items / self.pledged_items if self.pledged_items else 0.0


def progress(commitments: Iterable[Commitment], as_of: date | None = None) -> list[ProgressRow]:
    """Pledged, contracted and delivered value by nation and category, as of a day (the
    status each commitment had then; None: its latest). Sorted by nation, then category."""
    sums: dict[tuple[str, CommitmentCategory], list[float]] = {}
    items: dict[tuple[str, CommitmentCategory], list[int]] = {}
    for c in commitments:
        reached = [h.status for h in c.history if as_of is None or h.on <= as_of]
        if not reached:
            continue
        level = _ORDER.index(reached[-1])
        key = (c.nation, c.category)
        row = sums.setdefault(key, [0.0, 0.0, 0.0])
        for k in range(level + 1):
            row[k] += c.value_eur
        count = items.setdefault(key, [0, 0])
        count[0] += 1
        count[1] += reached[-1] is CommitmentStatus.DELIVERED
    return [
        ProgressRow(key[0], key[1], pledged, contracted, delivered, *items[key])
        for key, (pledged, contracted, delivered) in sorted(sums.items())
    ]
