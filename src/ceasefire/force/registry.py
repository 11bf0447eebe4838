"""Who answers for a unit at a given instant: the chain of command read from the registry.

How the three authorities combine (docs/force.md, "Chain of command"):

- **national command** stays with the unit's nation for good; it is shown in every answer
  but directs operations only while the nation has transferred nothing;
- **OPCON** (operational control) is what a nation transfers to the force for a period; the
  holder, and every command above it by OPCON at that instant, may direct the unit;
- **TACON** (tactical control), delegated under OPCON, puts the local direction of the unit
  with another command; that command answers first, the OPCON chain stays above it.

The command that *answers* for the unit is therefore the TACON holder, else the OPCON holder,
else the national command. Relationships are half-open, so a transfer of authority at 06:00
changes the answer exactly at 06:00.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ceasefire.force.model import Authority, Command, Nation, Relationship, Unit

#: Deepest chain of command followed upward; the loader refuses cycles, this only bounds a bug.
_MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Chain:
    """The chain of command of one unit at one instant."""

    unit: Unit
    at: datetime
    tactical: Relationship | None
    operational: Relationship | None
    above: tuple[Relationship, ...]
    national: Relationship | None

    @property
    def answering(self) -> str | None:
        """The command that answers for the unit's operations at this instant."""
        for rel in (self.tactical, self.operational, self.national):
            if rel is not None:
                return rel.superior
        return None

    @property
    def directing(self) -> tuple[str, ...]:
        """Every command that may direct an operation of the unit, nearest first."""
        if self.tactical is None and self.operational is None:
            return (self.national.superior,) if self.national else ()
        links = [r for r in (self.tactical, self.operational) if r is not None]
        links.extend(self.above)
        out: list[str] = []
        for rel in links:
            if rel.superior not in out:
                out.append(rel.superior)
        return tuple(out)

    @property
    def links(self) -> tuple[Relationship, ...]:
        """The relationships the answer rests on, nearest first, national command last."""
        found = [r for r in (self.tactical, self.operational) if r is not None]
        found.extend(self.above)
        if self.national is not None:
            found.append(self.national)
        return tuple(found)

    def describe(self) -> str:
        """One line: ``TACON a < OPCON b < OPCON c; national command d``."""
        operational = [
            f"{r.authority.value.upper()} {r.superior}"
            for r in self.links
            if r.authority is not Authority.NATIONAL_COMMAND
        ]
        national = self.national.superior if self.national else "none recorded"
        head = " < ".join(operational) if operational else "under national command only"
        return f"{head}; national command {national}"


@dataclass(frozen=True)
class Registry:
    """Nations, commands, units and relationships, validated by the loader (force/loader.py)."""

    id: str
    title: str
    nations: Mapping[str, Nation]
    commands: Mapping[str, Command]
    units: Mapping[str, Unit]
    relationships: tuple[Relationship, ...]

    def _holding(self, subordinate: str, authority: Authority, t: datetime) -> Relationship | None:
        """The relationship of this authority over `subordinate` at `t` (the loader refuses
        two that overlap, so there is at most one)."""
        for rel in self.relationships:
            if (
                rel.subordinate == subordinate
                and rel.authority is authority
                and rel.period.holds_at(t)
            ):
                return rel
        return None

    def chain_at(self, unit_id: str, t: datetime) -> Chain:
        """The chain of command of `unit_id` at `t` (KeyError if the unit is unknown)."""
        unit = self.units[unit_id]
        tactical = self._holding(unit_id, Authority.TACON, t)
        operational = self._holding(unit_id, Authority.OPCON, t)
        above: list[Relationship] = []
        start = operational or tactical
        current = start.superior if start is not None else None
        while current is not None and len(above) < _MAX_DEPTH:
            rel = self._holding(current, Authority.OPCON, t)
            if rel is None:
                break
            above.append(rel)
            current = rel.superior
        national = self._holding(unit_id, Authority.NATIONAL_COMMAND, t)
        return Chain(unit, t, tactical, operational, tuple(above), national)

    def unit_for_track(self, track_id: str) -> Unit | None:
        """The unit that reports under `track_id` (ids compared without case: ICAO addresses
        are written both ways)."""
        key = track_id.strip().lower()
        for unit in self.units.values():
            if key in (t.lower() for t in unit.tracks):
                return unit
        return None

    def boundaries(self, unit_ids: Iterable[str]) -> list[datetime]:
        """Every instant at which a relationship of these units (or of a command) starts or
        ends: between two of them the chain of command cannot change."""
        wanted = set(unit_ids) | set(self.commands)
        times: set[datetime] = set()
        for rel in self.relationships:
            if rel.subordinate in wanted:
                times.add(rel.period.start)
                if rel.period.end is not None:
                    times.add(rel.period.end)
        return sorted(times)
