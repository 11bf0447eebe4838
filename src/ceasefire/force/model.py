"""The force as typed values: nations, commands, units and the authority between them.

Everything here is a plain frozen record; the rules that read them live in `registry.py`
(who answers for what) and `mandate.py` (what is allowed). Times are UTC-aware datetimes and
every period is half-open, [start, end): a transfer of authority at 06:00 means the old
relationship holds until 05:59:59.999... and the new one from 06:00 on, so exactly one of
them answers at every instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Authority(StrEnum):
    """The kinds of command relationship the registry records (NATO AAP-06 terms).

    `national_command` never leaves the unit's nation; `opcon` and `tacon` are what a nation
    transfers to the force for a period (a transfer of authority)."""

    NATIONAL_COMMAND = "national_command"
    OPCON = "opcon"
    TACON = "tacon"


class CommandKind(StrEnum):
    """What a command is, so a reader sees the structure of the force at a glance."""

    FORCE_HQ = "force_hq"
    AIR_COMPONENT = "air_component"
    MARITIME_COMPONENT = "maritime_component"
    LAND_COMPONENT = "land_component"
    NATIONAL_CONTINGENT = "national_contingent"


class UnitKind(StrEnum):
    """Units and assets; every kind counts towards a mandate's asset cap but `unit` (a body
    of people without a tracked platform, counted by personnel only)."""

    AIRCRAFT = "aircraft"
    SHIP = "ship"
    AIR_DEFENCE = "air_defence"
    MONITORING_POST = "monitoring_post"
    SENSOR = "sensor"
    UNIT = "unit"


class Task(StrEnum):
    """The tasks a mandate may allow; an intent names exactly one."""

    AIR_POLICING = "air_policing"
    MARITIME_SECURITY = "maritime_security"
    MINE_COUNTERMEASURES = "mine_countermeasures"
    TRAINING = "training"
    MONITORING = "monitoring"
    FORCE_PROTECTION = "force_protection"


class IssuerKind(StrEnum):
    """Who issued a mandate. A nation's own (parliament or government) is its legal basis:
    without one in force, none of its units may act, whatever the coalition decided."""

    PARLIAMENT = "parliament"
    GOVERNMENT = "government"
    COALITION = "coalition"
    AGREEMENT = "agreement"


NATIONAL_ISSUERS = frozenset({IssuerKind.PARLIAMENT, IssuerKind.GOVERNMENT})


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open period [start, end); `end` None means open-ended."""

    start: datetime
    end: datetime | None = None

    def holds_at(self, t: datetime) -> bool:
        """Whether `t` lies inside the period (its start included, its end not)."""
        return self.start <= t and (self.end is None or t < self.end)

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether the whole half-open span [start, end) lies inside the period."""
        return self.start <= start and (self.end is None or end <= self.end)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether the period shares an instant with [start, end) (an instant if equal)."""
        if start == end:
            return self.holds_at(start)
        return start < (self.end or end) and self.start < end

    def meets(self, other: Period) -> bool:
        """Whether two periods share an instant (open ends reach forever)."""
        before_other_ends = other.end is None or self.start < other.end
        return before_other_ends and (self.end is None or other.start < self.end)

    def describe(self) -> str:
        until = self.end.isoformat() if self.end else "further notice"
        return f"{self.start.isoformat()} until {until}"


@dataclass(frozen=True, slots=True)
class Nation:
    """A contributing nation: ISO 3166-1 alpha-2 code and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Command:
    """A headquarters or component; `nation` is set for national contingents."""

    id: str
    name: str
    kind: CommandKind
    nation: str | None = None


@dataclass(frozen=True, slots=True)
class Station:
    """Where a unit is based or posted over a period (a monitoring post, a ship's patrol
    box centre, an air base), so `force who` can answer "who is there then"."""

    lat: float
    lon: float
    period: Period
    name: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit or asset of one nation; `tracks` are the ids it reports under (ICAO 24-bit
    address of an aircraft, MMSI of a ship), which tie a live track to the registry."""

    id: str
    name: str
    kind: UnitKind
    nation: str
    personnel: int = 0
    tracks: tuple[str, ...] = ()
    stations: tuple[Station, ...] = ()

    @property
    def is_asset(self) -> bool:
        return self.kind is not UnitKind.UNIT


@dataclass(frozen=True, slots=True)
class Relationship:
    """`superior` holds `authority` over `subordinate` (a unit or a command) over `period`."""

    id: str
    authority: Authority
    superior: str
    subordinate: str
    period: Period
