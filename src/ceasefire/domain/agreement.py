"""A ceasefire agreement as data: who, when, what is prohibited, and where.

Geometry is WGS84 longitude/latitude (shapely); the rule compiler projects it into metres.
A different settlement is a different YAML file, never different code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from shapely.geometry.base import BaseGeometry

from ceasefire.domain.taxonomy import Category, TargetClass, WeaponClass
from ceasefire.domain.timeinterval import TimeInterval


class ZoneKind(StrEnum):
    """What a zone is for; decides which observations its clause looks at."""

    BUFFER = "buffer"
    WITHDRAWAL = "withdrawal"
    NO_FLY = "no_fly"
    MARITIME_CORRIDOR = "maritime_corridor"


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    """Short id that observations' `side` and zones' `exempt` lists refer to."""
    name: str
    """The party's name as a reader should see it."""


#: Statuses of an agreement that never bound anyone: its findings say what *would* have been
#: a violation, so that no reader can quote them as breaches of an agreement in force.
NEVER_IN_FORCE: dict[str, str] = {
    "proposed": "proposal, not in force",
    "rejected": "proposal rejected; never in force",
    "hypothetical": "hypothetical agreement; never in force",
}


@dataclass(frozen=True, slots=True)
class Scope:
    """Which acts the agreement prohibits everywhere during its window.

    `target_classes` narrows the prohibition to strikes on those targets (an energy
    moratorium); None means any target.
    """

    prohibited_categories: frozenset[Category]
    target_classes: frozenset[TargetClass] | None = None


@dataclass(frozen=True, slots=True)
class LineOfContact:
    """The line between the parties' forces on a given day, derived from a territory map."""

    valid_on: date
    line: BaseGeometry
    occupied: BaseGeometry
    occupied_side: str
    source: str


@dataclass(frozen=True, slots=True)
class Zone:
    """An area with its own prohibitions, in force during the agreement's window.

    A withdrawal zone prohibits the presence (and use) of its weapon classes; a buffer zone
    prohibits the listed categories of act and presence; a no-fly zone prohibits military flights
    between `lower_m` and `upper_m` except by the exempt parties; a maritime corridor prohibits
    attacks on and military presence in the shipping lane.
    """

    id: str
    kind: ZoneKind
    geometry: BaseGeometry
    prohibited_categories: frozenset[Category]
    weapon_classes: frozenset[WeaponClass] = frozenset()
    lower_m: float | None = None
    upper_m: float | None = None
    exempt: frozenset[str] = frozenset()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Agreement:
    """A whole agreement, loaded and validated; nothing in it is half-built."""

    id: str
    title: str
    status: str
    parties: tuple[Party, ...]
    window: TimeInterval
    timezone: str
    scope: Scope
    line_of_contact: LineOfContact | None = None
    zones: tuple[Zone, ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)
    notes: str = ""
    bound: frozenset[str] | None = None
    """Ids of the parties the agreement binds; None binds every party. A unilateral truce
    binds only the party that declared it: the other side's acts are not covered by it."""

    @property
    def bound_parties(self) -> tuple[Party, ...]:
        """The parties whose acts the agreement governs, in the file's order."""
        return tuple(p for p in self.parties if self.bound is None or p.id in self.bound)

    @property
    def binds_every_party(self) -> bool:
        """True when no party's acts fall outside the agreement (the side does not matter)."""
        return len(self.bound_parties) == len(self.parties)

    @property
    def never_in_force(self) -> str | None:
        """Why the agreement never bound anyone (a rejected proposal...), else None."""
        return NEVER_IN_FORCE.get(self.status)
