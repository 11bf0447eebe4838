"""Exact 4D intersection of volumes, computed in a local metric projection.

Semantics (the InterUSS convention): every bound is inclusive. Two volumes intersect when
their time windows share at least one instant (touching ends count), their altitude bands
share at least one height (equal bounds count) and their outlines share at least one point
(touching edges count). A circle is handled exactly (distance to the centre against the
radius), not as a polygon approximation, so "metres apart" cases are decided correctly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely
from numpy.typing import NDArray

from ceasefire.domain.intent import Circle, Volume4D
from ceasefire.geo.local import LocalFrame

_CIRCLE_SEGMENTS = 64


@dataclass(frozen=True, slots=True)
class Overlap:
    """Where two volumes meet: the shared time window, altitude band and area (0 if touching)."""

    start: datetime
    end: datetime
    lower_m: float
    upper_m: float
    area_m2: float


def wgs84_outline(v: Volume4D, *, pad_m: float = 0.0) -> shapely.Geometry:
    """The outline as a WGS84 polygon, grown by `pad_m` metres.

    Circles become a circumscribed polygon (never smaller than the circle), so the result is
    safe to use for a conservative coarse filter.
    """
    if isinstance(v.outline, Circle):
        c = v.outline
        frame = LocalFrame(c.lon, c.lat)
        r = (c.radius_m + pad_m) / math.cos(math.pi / _CIRCLE_SEGMENTS)
        local = shapely.Point(*_xy(frame, c.lon, c.lat)).buffer(r, quad_segs=_CIRCLE_SEGMENTS // 4)
        return shapely.transform(local, lambda xy: _inverse(frame, xy))
    poly = shapely.Polygon(v.outline)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    if pad_m > 0.0:
        frame = LocalFrame(*poly.centroid.coords[0])
        local = frame.geometry(poly).buffer(pad_m)
        return shapely.transform(local, lambda xy: _inverse(frame, xy))
    return poly


def _xy(frame: LocalFrame, lon: float, lat: float) -> tuple[float, float]:
    x, y = frame.forward(np.array([lon]), np.array([lat]))
    return float(x[0]), float(y[0])


def _inverse(frame: LocalFrame, xy: NDArray[np.float64]) -> NDArray[np.float64]:
    arr = np.asarray(xy)
    lon, lat = frame.inverse(arr[:, 0], arr[:, 1])
    return np.column_stack([lon, lat])


def _local(frame: LocalFrame, v: Volume4D) -> tuple[shapely.Geometry, float]:
    """(geometry in the frame, radius): a point and its radius for circles, a polygon and 0."""
    if isinstance(v.outline, Circle):
        return shapely.Point(*_xy(frame, v.outline.lon, v.outline.lat)), v.outline.radius_m
    poly = shapely.Polygon(v.outline)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    return frame.geometry(poly), 0.0


def _centre(v: Volume4D) -> tuple[float, float]:
    if isinstance(v.outline, Circle):
        return v.outline.lon, v.outline.lat
    lons = [p[0] for p in v.outline]
    lats = [p[1] for p in v.outline]
    return (min(lons) + max(lons)) / 2.0, (min(lats) + max(lats)) / 2.0


def time_overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Closed intervals share an instant (touching ends count)."""
    return a_start <= b_end and b_start <= a_end


def band_overlap(a_lo: float, a_hi: float, b_lo: float, b_hi: float) -> bool:
    """Closed altitude bands share a height (equal bounds count)."""
    return a_lo <= b_hi and b_lo <= a_hi


def intersect(a: Volume4D, b: Volume4D) -> Overlap | None:
    """The overlap of two volumes, or None when they are disjoint in time, height or area."""
    if not time_overlap(a.start, a.end, b.start, b.end):
        return None
    if not band_overlap(a.lower_m, a.upper_m, b.lower_m, b.upper_m):
        return None
    ca, cb = _centre(a), _centre(b)
    frame = LocalFrame((ca[0] + cb[0]) / 2.0, (ca[1] + cb[1]) / 2.0)
    ga, ra = _local(frame, a)
    gb, rb = _local(frame, b)
    if ra == 0.0 and rb == 0.0:
        if not shapely.intersects(ga, gb):
            return None
        area = float(shapely.area(shapely.intersection(ga, gb)))
    else:
        if float(shapely.distance(ga, gb)) > ra + rb:
            return None
        fa = ga.buffer(ra, quad_segs=16) if ra > 0.0 else ga
        fb = gb.buffer(rb, quad_segs=16) if rb > 0.0 else gb
        area = float(shapely.area(shapely.intersection(fa, fb)))
    return Overlap(
        start=max(a.start, b.start),
        end=min(a.end, b.end),
        lower_m=max(a.lower_m, b.lower_m),
        upper_m=min(a.upper_m, b.upper_m),
        area_m2=area,
    )


def intersect_area(
    v: Volume4D,
    geometry: shapely.Geometry,
    lower_m: float,
    upper_m: float,
    start: datetime,
    end: datetime,
) -> Overlap | None:
    """The overlap of a volume with a 4D block given as a WGS84 (multi)polygon (a constraint).

    The block is clipped to the neighbourhood of the volume before projecting, so a zone
    hundreds of kilometres long is handled accurately and fast near the volume.
    """
    if not time_overlap(v.start, v.end, start, end):
        return None
    if not band_overlap(v.lower_m, v.upper_m, lower_m, upper_m):
        return None
    outline = wgs84_outline(v)
    minx, miny, maxx, maxy = outline.bounds
    margin = 0.05  # degrees: a few km, far more than any projection error near the volume
    near = shapely.clip_by_rect(
        geometry, minx - margin, miny - margin, maxx + margin, maxy + margin
    )
    if near.is_empty:
        return None
    frame = LocalFrame(*_centre(v))
    gv, rv = _local(frame, v)
    gz = frame.geometry(near)
    if rv == 0.0:
        if not shapely.intersects(gv, gz):
            return None
        area = float(shapely.area(shapely.intersection(gv, gz)))
    else:
        if float(shapely.distance(gv, gz)) > rv:
            return None
        area = float(shapely.area(shapely.intersection(gv.buffer(rv, quad_segs=16), gz)))
    return Overlap(
        start=max(v.start, start),
        end=min(v.end, end),
        lower_m=max(v.lower_m, lower_m),
        upper_m=min(v.upper_m, upper_m),
        area_m2=area,
    )
