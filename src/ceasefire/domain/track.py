"""Typed records for live tracks (aircraft and vessels), and the checks that keep them plausible.

SI units inside: metres, seconds, metres per second; positions are WGS84 degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

# Physical plausibility limits. A record outside them is a sensor or decoding error, not a
# very fast aircraft: rejecting it protects the conflict detector from absurd predictions.
MAX_GROUND_SPEED_MPS = 800.0  # above Mach 2 at altitude; no crewed aircraft of the force is faster
MAX_VERTICAL_SPEED_MPS = 200.0
MIN_ALTITUDE_M = -1_000.0
MAX_ALTITUDE_M = 40_000.0


class TrackSource(StrEnum):
    """Which feed a state came from; kept so a conflict can be traced back to its sensors."""

    ADSB = "adsb"
    AIS = "ais"
    CSV = "csv"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TrackState:
    """One observed kinematic state of one object at one time.

    `t` is POSIX seconds (UTC). Track angle is degrees clockwise from true north.
    """

    id: str
    t: float
    lat: float
    lon: float
    alt_m: float
    trk_deg: float
    gs_mps: float
    vs_mps: float
    source: TrackSource = TrackSource.OTHER


def state_problems(
    lat: float, lon: float, alt_m: float, trk_deg: float, gs_mps: float, vs_mps: float
) -> list[str]:
    """Return every reason why these kinematics are not a plausible state (empty if fine)."""
    problems: list[str] = []
    values = {
        "lat": lat,
        "lon": lon,
        "alt_m": alt_m,
        "trk_deg": trk_deg,
        "gs_mps": gs_mps,
        "vs_mps": vs_mps,
    }
    for name, value in values.items():
        if not math.isfinite(value):
            problems.append(f"{name} is not a finite number ({value})")
    if problems:
        return problems
    if not -90.0 <= lat <= 90.0:
        problems.append(f"lat {lat} outside [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        problems.append(f"lon {lon} outside [-180, 180]")
    if not MIN_ALTITUDE_M <= alt_m <= MAX_ALTITUDE_M:
        problems.append(f"alt_m {alt_m} outside [{MIN_ALTITUDE_M}, {MAX_ALTITUDE_M}]")
    if gs_mps < 0.0:
        problems.append(f"gs_mps {gs_mps} is negative")
    elif gs_mps > MAX_GROUND_SPEED_MPS:
        problems.append(f"gs_mps {gs_mps} exceeds the plausible maximum {MAX_GROUND_SPEED_MPS}")
    if abs(vs_mps) > MAX_VERTICAL_SPEED_MPS:
        problems.append(f"vs_mps {vs_mps} exceeds the plausible maximum {MAX_VERTICAL_SPEED_MPS}")
    return problems
