"""Track store: the latest state of each object, with a smoothed velocity.

Reported velocities are noisy (ADS-B track jitters, AIS COG wanders at low speed), and a CPA
prediction extrapolates them for minutes, so the store keeps an exponentially smoothed
velocity vector (east, north, up) with a time constant `tau_s`: alpha = 1 - exp(-dt / tau).
Out-of-order states are refused, and so are states whose position jump from the previous one
implies an impossible speed (a spoofed or corrupt position must not steer the picture).
A snapshot extrapolates every track to one common time, which CPA detection requires.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ceasefire.deconflict.tactical import Traffic
from ceasefire.domain.errors import Problem
from ceasefire.domain.track import MAX_GROUND_SPEED_MPS, TrackState
from ceasefire.geo.local import EARTH_RADIUS_M

#: Slack on the plausible maximum when judging a position jump (position noise, rounding).
_JUMP_SLACK_M = 500.0
#: Smoothed vertical speeds below this are zero: a third of ADS-B's 64 ft/min resolution.
#: Without it the exponential tail after a level-off (e.g. -0.001 m/s) would make two aircraft
#: at adjacent flight levels "converge" and enter each other's protected zone at t = 0.
VS_DEADBAND_MPS = 0.1


@dataclass(frozen=True, slots=True)
class StoredTrack:
    """Latest reported state plus the smoothed velocity used for prediction."""

    state: TrackState
    ve_mps: float
    vn_mps: float
    vu_mps: float
    updates: int

    @property
    def gs_mps(self) -> float:
        return math.hypot(self.ve_mps, self.vn_mps)

    @property
    def trk_deg(self) -> float:
        return math.degrees(math.atan2(self.ve_mps, self.vn_mps)) % 360.0


def _components(s: TrackState) -> tuple[float, float, float]:
    trk = math.radians(s.trk_deg)
    return s.gs_mps * math.sin(trk), s.gs_mps * math.cos(trk), s.vs_mps


def _flat_distance(a: TrackState, b: TrackState) -> float:
    dlat = math.radians(b.lat - a.lat)
    dlon = math.radians((b.lon - a.lon + 180.0) % 360.0 - 180.0)
    c = math.cos(math.radians(0.5 * (a.lat + b.lat)))
    return EARTH_RADIUS_M * math.hypot(dlat, dlon * c)


class TrackStore:
    """Latest state per object id; feed it states in any mix of sources."""

    def __init__(self, tau_s: float = 10.0) -> None:
        if tau_s <= 0.0:
            raise ValueError("tau_s must be positive")
        self.tau_s = tau_s
        self._tracks: dict[str, StoredTrack] = {}

    def __len__(self) -> int:
        return len(self._tracks)

    def get(self, track_id: str) -> StoredTrack | None:
        """The stored track, or None."""
        return self._tracks.get(track_id)

    def update(self, s: TrackState) -> Problem | None:
        """Take one state; returns why it was refused, or None when stored."""
        prev = self._tracks.get(s.id)
        ve, vn, vu = _components(s)
        if prev is None:
            self._tracks[s.id] = StoredTrack(s, ve, vn, vu, 1)
            return None
        dt = s.t - prev.state.t
        if dt < 0.0:
            reason = f"out of order: t={s.t} before {prev.state.t}"
            return Problem(s.source.value, reason, pointer=s.id)
        jump = _flat_distance(prev.state, s)
        if jump > MAX_GROUND_SPEED_MPS * dt + _JUMP_SLACK_M:
            return Problem(
                s.source.value,
                f"position jumped {jump:.0f} m in {dt:.1f} s (impossible speed)",
                pointer=s.id,
            )
        a = 1.0 - math.exp(-dt / self.tau_s)
        vu_s = prev.vu_mps + a * (vu - prev.vu_mps)
        self._tracks[s.id] = StoredTrack(
            s,
            prev.ve_mps + a * (ve - prev.ve_mps),
            prev.vn_mps + a * (vn - prev.vn_mps),
            0.0 if abs(vu_s) < VS_DEADBAND_MPS else vu_s,
            prev.updates + 1,
        )
        return None

    def update_all(self, states: Iterable[TrackState]) -> list[Problem]:
        """Take many states in order; returns the refusals."""
        return [e for s in states if (e := self.update(s)) is not None]

    def expire(self, now: float, max_age_s: float) -> int:
        """Drop tracks not updated within `max_age_s` of `now`; returns how many."""
        old = [k for k, v in self._tracks.items() if now - v.state.t > max_age_s]
        for k in old:
            del self._tracks[k]
        return len(old)

    def snapshot(self, now: float | None = None) -> Traffic:
        """All tracks as arrays, extrapolated along the smoothed velocity to `now`
        (default: the latest time in the store). Ids are sorted for reproducible output."""
        items = sorted(self._tracks.items())
        if not items:
            e = np.empty(0, dtype=float)
            return Traffic(np.empty(0, dtype=np.str_), e, e, e, e, e, e)
        t_ref = max(v.state.t for _, v in items) if now is None else now
        dt = np.array([t_ref - v.state.t for _, v in items])
        ve = np.array([v.ve_mps for _, v in items])
        vn = np.array([v.vn_mps for _, v in items])
        vu = np.array([v.vu_mps for _, v in items])
        lat = np.array([v.state.lat for _, v in items])
        lon = np.array([v.state.lon for _, v in items])
        alt = np.array([v.state.alt_m for _, v in items])
        lat2 = lat + np.degrees(vn * dt / EARTH_RADIUS_M)
        lon2 = lon + np.degrees(ve * dt / (EARTH_RADIUS_M * np.cos(np.radians(lat))))
        return Traffic(
            np.array([k for k, _ in items], dtype=np.str_),
            lat2,
            (lon2 + 180.0) % 360.0 - 180.0,
            alt + vu * dt,
            np.degrees(np.arctan2(ve, vn)) % 360.0,
            np.hypot(ve, vn),
            vu,
        )
