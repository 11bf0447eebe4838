"""Typed records for planned operations: operational intents made of 4D volumes.

The shape follows ASTM F3548-21 (Volume4D = extruded outline + altitude band + time window)
so that intents can be exchanged with UTM tooling; the force-specific fields (owning command,
nation, mandate) ride alongside. Altitudes are metres above the WGS84 ellipsoid; times are
UTC-aware datetimes; coordinates are WGS84 (lon, lat) degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import shapely

from ceasefire.domain.errors import InvalidInputError


class IntentState(StrEnum):
    """Lifecycle states of an operational intent (F3548 names, lower-case)."""

    ACCEPTED = "accepted"
    ACTIVATED = "activated"
    NONCONFORMING = "nonconforming"
    CONTINGENT = "contingent"
    ENDED = "ended"


#: States in which an intent still occupies airspace and must be deconflicted against.
LIVE_STATES = frozenset(
    {IntentState.ACCEPTED, IntentState.ACTIVATED, IntentState.NONCONFORMING, IntentState.CONTINGENT}
)
#: States an aircraft is put in by events, not by plans: they cannot be refused (see docs).
OFF_NOMINAL_STATES = frozenset({IntentState.NONCONFORMING, IntentState.CONTINGENT})


class IntentError(InvalidInputError):
    """An intent or volume that cannot be deconflicted; the message names the reason."""


@dataclass(frozen=True, slots=True)
class Circle:
    """A circular outline: centre (lon, lat) in degrees, radius in metres."""

    lon: float
    lat: float
    radius_m: float


@dataclass(frozen=True, slots=True)
class Volume4D:
    """One block of spacetime: an outline (polygon vertices or a circle), an altitude band and
    a time window. Bounds are inclusive (see docs/deconfliction.md, "Boundary semantics")."""

    outline: tuple[tuple[float, float], ...] | Circle
    lower_m: float
    upper_m: float
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for problem in volume_problems(self):
            raise IntentError(problem)


def volume_problems(v: Volume4D) -> list[str]:
    """Every reason why a volume is malformed (empty list if it is fine)."""
    problems: list[str] = []
    if not (math.isfinite(v.lower_m) and math.isfinite(v.upper_m)):
        problems.append("altitude bounds must be finite numbers")
    elif v.lower_m > v.upper_m:
        problems.append(f"altitude lower {v.lower_m} m is above upper {v.upper_m} m")
    if v.start.tzinfo is None or v.end.tzinfo is None:
        problems.append("start and end times must be timezone-aware (UTC)")
    elif v.end < v.start:
        problems.append(f"end {v.end.isoformat()} is before start {v.start.isoformat()}")
    if isinstance(v.outline, Circle):
        c = v.outline
        if not (math.isfinite(c.radius_m) and c.radius_m > 0.0):
            problems.append(f"circle radius {c.radius_m} must be a positive number of metres")
        problems.extend(_point_problems(c.lon, c.lat))
    else:
        if len(v.outline) < 3:
            problems.append(f"polygon needs at least 3 vertices, got {len(v.outline)}")
        for lon, lat in v.outline:
            problems.extend(_point_problems(lon, lat))
        if not problems and len(v.outline) >= 3:
            poly = shapely.Polygon(v.outline)
            if not poly.is_valid or poly.area == 0.0:
                why = shapely.is_valid_reason(poly)
                problems.append(f"polygon is not a simple area (edges cross or collapse: {why})")
    return problems


def _point_problems(lon: float, lat: float) -> list[str]:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return [f"vertex ({lon}, {lat}) is not finite"]
    # The antimeridian and the poles are out of scope (docs/deconfliction.md): refuse them
    # loudly rather than compute a wrong local projection.
    if not (-180.0 < lon < 180.0 and -85.0 <= lat <= 85.0):
        return [f"vertex ({lon}, {lat}) outside the supported area (|lat| <= 85, |lon| < 180)"]
    return []


@dataclass(frozen=True, slots=True)
class OperationalIntent:
    """A planned operation: who (command, nation), under which mandate, what priority, where
    and when (volumes). `version` is assigned by the deconflictor on each accepted change."""

    id: str
    command: str
    nation: str
    mandate: str
    priority: int
    state: IntentState
    volumes: tuple[Volume4D, ...]
    version: int = 0
    off_nominal_volumes: tuple[Volume4D, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.id:
            raise IntentError("intent id is empty")
        if not self.volumes and self.state is not IntentState.ENDED:
            raise IntentError(f"intent {self.id!r} has no volumes")

    def occupied_volumes(self) -> tuple[Volume4D, ...]:
        """Volumes that occupy airspace now: off-nominal ones too when the flight is off-nominal."""
        if self.state in OFF_NOMINAL_STATES:
            return self.volumes + self.off_nominal_volumes
        return self.volumes

    @property
    def start(self) -> datetime:
        """Earliest start over all occupied volumes."""
        return min(v.start for v in self.occupied_volumes())

    @property
    def end(self) -> datetime:
        """Latest end over all occupied volumes."""
        return max(v.end for v in self.occupied_volumes())
