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

import numpy as np
import shapely
from pyproj import Geod

from ceasefire.domain.errors import InvalidInputError

#: Farthest an outline may reach from its centre, in metres: a circle's radius, or for a
#: polygon the distance from the mean of its vertices to the farthest vertex. Strategic
#: deconfliction covers each outline with H3 cells (about 89,000 at resolution 6 for this
#: radius, one second) and decides near-misses in local tangent frames; both were checked
#: against geodesic distances up to this size. Larger outlines cost memory and time that grow
#: with the area (a 3,000 km circle is 800,000 cells) and, once they reach a pole or the
#: antimeridian, are covered wrongly and miss conflicts: they are refused. Split a larger
#: operation into several volumes.
MAX_OUTLINE_RADIUS_M = 1_000_000.0
#: The supported area: an outline must lie within these latitudes and not cross lon = +-180.
MAX_ABS_LAT = 85.0
_RIM_SAMPLES = 720  # rim points checked against the supported area (every half degree)
_GEOD = Geod(ellps="WGS84")


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
        if not problems:
            problems.extend(_extent_problems(c.lon, c.lat, c.radius_m, "circle"))
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
        if not problems:
            problems.extend(_polygon_extent_problems(v.outline))
    return problems


def _polygon_extent_problems(vertices: tuple[tuple[float, float], ...]) -> list[str]:
    """A polygon is checked as the smallest cap about its vertex mean holding every vertex:
    geodesic edges between points of a cap stay in it, so the cap bounds the polygon."""
    lons = np.array([p[0] for p in vertices], dtype=float)
    lats = np.array([p[1] for p in vertices], dtype=float)
    if float(lons.max() - lons.min()) > 180.0:  # the short way round is across lon +-180
        return ["polygon crosses the antimeridian: leaves the supported area (lon +-180)"]
    lon0, lat0 = float(lons.mean()), float(lats.mean())
    _, _, dist = _GEOD.inv(np.full_like(lons, lon0), np.full_like(lats, lat0), lons, lats)
    return _extent_problems(lon0, lat0, float(np.max(dist)), "polygon")


def _extent_problems(lon: float, lat: float, radius_m: float, what: str) -> list[str]:
    """Why the cap of `radius_m` about (lon, lat) cannot be deconflicted correctly, if so.

    Checked on the geodesic rim (ellipsoid, pyproj), not on the centre only: a circle centred
    in the theatre can still reach over a pole or across the antimeridian, where the H3 cover
    and the local frames are wrong and a conflict would be missed silently."""
    if radius_m > MAX_OUTLINE_RADIUS_M:
        return [
            f"{what} reaches {radius_m / 1000:.1f} km from its centre; at most"
            f" {MAX_OUTLINE_RADIUS_M / 1000:.0f} km can be indexed correctly"
            " (split the operation into several volumes)"
        ]
    _, _, to_pole = _GEOD.inv(lon, lat, lon, math.copysign(90.0, lat))
    az = np.linspace(0.0, 360.0, _RIM_SAMPLES, endpoint=False)
    rim_lon, rim_lat, _ = _GEOD.fwd(
        np.full_like(az, lon), np.full_like(az, lat), az, np.full_like(az, radius_m)
    )
    unwrapped = lon + (np.asarray(rim_lon) - lon + 180.0) % 360.0 - 180.0
    if (
        float(to_pole) <= radius_m
        or float(np.max(np.abs(rim_lat))) > MAX_ABS_LAT
        or float(np.max(np.abs(unwrapped))) >= 180.0
    ):
        return [
            f"{what} of {radius_m / 1000:.1f} km about ({lon:.4f}, {lat:.4f}) leaves the"
            f" supported area (|lat| <= {MAX_ABS_LAT:g}, not across lon +-180)"
        ]
    return []


def _point_problems(lon: float, lat: float) -> list[str]:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return [f"vertex ({lon}, {lat}) is not finite"]
    # The antimeridian and the poles are out of scope (docs/deconfliction.md): refuse them
    # loudly rather than compute a wrong local projection.
    if not (-180.0 < lon < 180.0 and -MAX_ABS_LAT <= lat <= MAX_ABS_LAT):
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
