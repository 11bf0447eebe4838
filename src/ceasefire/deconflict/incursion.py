"""Zone-incursion prediction: which tracks will enter a constraint within the lookahead, when.

Each track is extrapolated in a straight line (the same state model as CPA detection). The
first instant t in [0, lookahead] at which it is at once inside the zone's outline (closed),
inside its altitude band (closed) and inside its time window (closed) is the predicted entry
time; a track already inside now gets entry 0 and `inside_now`. The geometry is evaluated in
a local frame centred on each track, on the zone clipped to the track's reach, so a zone
hundreds of kilometres long is handled accurately. An STRtree pre-selects (track, zone) pairs
whose reach box touches the zone: no track x zone loop over the whole picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely

from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.deconflict.tactical import Traffic
from ceasefire.geo.local import EARTH_RADIUS_M, LocalFrame

_REACH_PAD_M = 1_000.0
_ZONE_SEGMENT_DEG = 0.01


@dataclass(frozen=True, slots=True)
class Incursion:
    """A predicted (or ongoing) entry of a track into a constraint."""

    track_id: str
    constraint_id: str
    kind: str
    entry_s: float
    inside_now: bool
    entry_lat: float
    entry_lon: float
    entry_alt_m: float


def _interval_vertical(alt: float, vs: float, lo: float, hi: float) -> tuple[float, float] | None:
    if abs(vs) < 1e-9:
        return (-np.inf, np.inf) if lo <= alt <= hi else None
    a, b = (lo - alt) / vs, (hi - alt) / vs
    return (min(a, b), max(a, b))


def _horizontal_intervals(
    zone_local: shapely.Geometry, ve: float, vn: float, horizon: float
) -> list[tuple[float, float]]:
    """Closed time intervals in [0, horizon] during which the track (at the origin, moving
    with (ve, vn)) is inside the zone."""
    speed2 = ve * ve + vn * vn
    if speed2 < 1e-12:
        inside = shapely.intersects(shapely.Point(0.0, 0.0), zone_local)
        return [(0.0, horizon)] if inside else []
    path = shapely.LineString([(0.0, 0.0), (ve * horizon, vn * horizon)])
    hit = shapely.intersection(path, zone_local)
    if hit.is_empty:
        return []
    parts = list(getattr(hit, "geoms", [hit]))
    out: list[tuple[float, float]] = []
    for part in parts:
        coords = np.asarray(part.coords) if hasattr(part, "coords") else np.empty((0, 2))
        if coords.size == 0:
            continue
        ts = (coords[:, 0] * ve + coords[:, 1] * vn) / speed2
        out.append((float(ts.min()), float(ts.max())))
    return out


def predict_incursions(
    traffic: Traffic,
    constraints: Sequence[AirspaceConstraint],
    now: datetime,
    lookahead_s: float,
    exempt: Callable[[str, AirspaceConstraint], bool] | None = None,
) -> list[Incursion]:
    """Every (track, constraint) entry predicted within `lookahead_s` of `now`, by entry time.

    `exempt(track_id, constraint)` lets the caller apply exemptions (e.g. the monitoring
    mission's aircraft in a no-fly zone), since tracks carry no command or mandate.
    """
    if lookahead_s <= 0.0:
        raise ValueError("lookahead_s must be positive")
    if len(traffic) == 0 or not constraints:
        return []
    reach = traffic.gs_mps * lookahead_s + _REACH_PAD_M
    dlat = np.degrees(reach / EARTH_RADIUS_M)
    dlon = dlat / np.maximum(np.cos(np.radians(traffic.lat)), 1e-6)
    boxes = shapely.box(
        traffic.lon - dlon, traffic.lat - dlat, traffic.lon + dlon, traffic.lat + dlat
    )
    tree = shapely.STRtree([c.geometry for c in constraints])
    track_idx, zone_idx = tree.query(boxes, predicate="intersects")
    found: list[Incursion] = []
    for k, z in zip(track_idx.tolist(), zone_idx.tolist(), strict=True):
        c = constraints[z]
        tid = str(traffic.ids[k])
        if exempt is not None and exempt(tid, c):
            continue
        t_lo = max(0.0, (c.start - now).total_seconds())
        t_hi = min(lookahead_s, (c.end - now).total_seconds())
        if t_lo > t_hi:
            continue
        vert = _interval_vertical(
            float(traffic.alt_m[k]), float(traffic.vs_mps[k]), c.lower_m, c.upper_m
        )
        if vert is None:
            continue
        t_lo, t_hi = max(t_lo, vert[0]), min(t_hi, vert[1])
        if t_lo > t_hi:
            continue
        lat, lon = float(traffic.lat[k]), float(traffic.lon[k])
        near = shapely.clip_by_rect(
            c.geometry, lon - dlon[k], lat - dlat[k], lon + dlon[k], lat + dlat[k]
        )
        if near.is_empty:
            continue
        near = shapely.segmentize(near, _ZONE_SEGMENT_DEG)  # GeoJSON edges: straight in lon/lat
        frame = LocalFrame(lon, lat)
        trk = np.radians(traffic.trk_deg[k])
        ve, vn = float(traffic.gs_mps[k] * np.sin(trk)), float(traffic.gs_mps[k] * np.cos(trk))
        entry: float | None = None
        for a, b in _horizontal_intervals(frame.geometry(near), ve, vn, lookahead_s):
            lo, hi = max(a, t_lo), min(b, t_hi)
            if lo <= hi and (entry is None or lo < entry):
                entry = lo
        if entry is None:
            continue
        ex, ey = frame.inverse(np.array([ve * entry]), np.array([vn * entry]))
        found.append(
            Incursion(
                track_id=tid,
                constraint_id=c.id,
                kind=c.kind,
                entry_s=entry,
                inside_now=entry == 0.0,
                entry_lat=float(ey[0]),
                entry_lon=float(ex[0]),
                entry_alt_m=float(traffic.alt_m[k] + traffic.vs_mps[k] * entry),
            )
        )
    found.sort(key=lambda i: (i.entry_s, i.track_id, i.constraint_id))
    return found
