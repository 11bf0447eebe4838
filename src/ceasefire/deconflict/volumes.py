"""Exact 4D intersection of volumes, computed in a local metric projection.

Semantics (the InterUSS convention): every bound is inclusive. Two volumes intersect when
their time windows share at least one instant (touching ends count), their altitude bands
share at least one height (equal bounds count) and their outlines share at least one point
(touching edges count).

Accuracy: polygon edges are geodesics (F3548), densified to <= 1 km segments before being
projected into a local frame centred on the region where the two outlines can meet (the
intersection of their bounding boxes), so near-misses are decided where the projection is
exact to millimetres. A circle is handled exactly, not as a polygon: circle-circle by the
geodesic distance of the centres, circle-polygon by the distance from the centre in a frame
centred on it. Agreement zones (GeoJSON) have edges straight in lon/lat, as RFC 7946 says;
they are clipped to the neighbourhood and densified in lon/lat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray

from ceasefire.domain.intent import Circle, Volume4D
from ceasefire.geo.local import LocalFrame, densify_geodesic, geodesic_distance_m

_CIRCLE_SEGMENTS = 64
_MAX_SEGMENT_M = 1_000.0
_ZONE_SEGMENT_DEG = 0.01  # ~1 km: densification of lon/lat-straight zone edges
_BBOX_MARGIN_DEG = 1e-6  # ~0.1 m: touching outlines must survive the bounding-box test
_M_PER_DEG_LAT = 110_574.0  # smallest metres per degree of latitude (at the equator)


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
        local = shapely.Point(0.0, 0.0).buffer(r, quad_segs=_CIRCLE_SEGMENTS // 4)
        return shapely.transform(local, lambda xy: _inverse(frame, xy))
    poly = _dense_polygon(v)
    if pad_m > 0.0:
        frame = LocalFrame(*poly.centroid.coords[0])
        local = frame.geometry(poly).buffer(pad_m)
        return shapely.transform(local, lambda xy: _inverse(frame, xy))
    return poly


def _inverse(frame: LocalFrame, xy: NDArray[np.float64]) -> NDArray[np.float64]:
    arr = np.asarray(xy)
    lon, lat = frame.inverse(arr[:, 0], arr[:, 1])
    return np.column_stack([lon, lat])


@lru_cache(maxsize=65_536)
def _dense_polygon(v: Volume4D) -> shapely.Polygon:
    """The polygon outline with geodesic edges densified (cached: volumes are immutable)."""
    assert not isinstance(v.outline, Circle)
    return shapely.Polygon(densify_geodesic(list(v.outline), _MAX_SEGMENT_M))


def _bounds(v: Volume4D) -> tuple[float, float, float, float]:
    """Lon/lat bounding box that contains the outline (generously for circles)."""
    if isinstance(v.outline, Circle):
        c = v.outline
        dlat = 1.01 * c.radius_m / _M_PER_DEG_LAT
        dlon = dlat / max(math.cos(math.radians(abs(c.lat) + dlat)), 1e-6)
        return c.lon - dlon, c.lat - dlat, c.lon + dlon, c.lat + dlat
    b = _dense_polygon(v).bounds
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


def _meet_box(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    m = _BBOX_MARGIN_DEG
    box = (max(a[0], b[0]) - m, max(a[1], b[1]) - m, min(a[2], b[2]) + m, min(a[3], b[3]) + m)
    return box if box[0] <= box[2] and box[1] <= box[3] else None


def time_overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Closed intervals share an instant (touching ends count)."""
    return a_start <= b_end and b_start <= a_end


def band_overlap(a_lo: float, a_hi: float, b_lo: float, b_hi: float) -> bool:
    """Closed altitude bands share a height (equal bounds count)."""
    return a_lo <= b_hi and b_lo <= a_hi


def _horizontal_area(a: Volume4D, b: Volume4D) -> float | None:
    """Area (m^2) shared by the outlines, 0.0 if they only touch, None if disjoint."""
    box = _meet_box(_bounds(a), _bounds(b))
    if box is None:
        return None
    ca, cb = a.outline, b.outline
    if isinstance(ca, Circle) and isinstance(cb, Circle):
        if geodesic_distance_m(ca.lon, ca.lat, cb.lon, cb.lat) > ca.radius_m + cb.radius_m:
            return None
        frame = LocalFrame((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
        disc_a = _disc(frame, ca)
        disc_b = _disc(frame, cb)
        return float(shapely.area(shapely.intersection(disc_a, disc_b)))
    if isinstance(ca, Circle) or isinstance(cb, Circle):
        circle, other = (ca, b) if isinstance(ca, Circle) else (cb, a)
        assert isinstance(circle, Circle)
        frame = LocalFrame(circle.lon, circle.lat)
        poly = frame.geometry(_dense_polygon(other))
        if float(shapely.distance(shapely.Point(0.0, 0.0), poly)) > circle.radius_m:
            return None
        disc = _disc(frame, circle)
        return float(shapely.area(shapely.intersection(disc, poly)))
    frame = LocalFrame((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
    pa, pb = frame.geometry(_dense_polygon(a)), frame.geometry(_dense_polygon(b))
    if not shapely.intersects(pa, pb):
        return None
    return float(shapely.area(shapely.intersection(pa, pb)))


def _disc(frame: LocalFrame, c: Circle) -> shapely.Geometry:
    x, y = frame.forward(np.array([c.lon]), np.array([c.lat]))
    return shapely.Point(float(x[0]), float(y[0])).buffer(c.radius_m, quad_segs=32)


def intersect(a: Volume4D, b: Volume4D) -> Overlap | None:
    """The overlap of two volumes, or None when they are disjoint in time, height or area."""
    if not time_overlap(a.start, a.end, b.start, b.end):
        return None
    if not band_overlap(a.lower_m, a.upper_m, b.lower_m, b.upper_m):
        return None
    area = _horizontal_area(a, b)
    if area is None:
        return None
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
    vb = _bounds(v)
    margin = 0.05  # degrees: a few km beyond the volume, well outside any decision
    near = shapely.clip_by_rect(
        geometry, vb[0] - margin, vb[1] - margin, vb[2] + margin, vb[3] + margin
    )
    if near.is_empty:
        return None
    nb = near.bounds
    box = _meet_box(vb, (float(nb[0]), float(nb[1]), float(nb[2]), float(nb[3])))
    if box is None:
        return None
    near = shapely.segmentize(near, _ZONE_SEGMENT_DEG)
    if isinstance(v.outline, Circle):
        c = v.outline
        frame = LocalFrame(c.lon, c.lat)
        zone = frame.geometry(near)
        if float(shapely.distance(shapely.Point(0.0, 0.0), zone)) > c.radius_m:
            return None
        area = float(shapely.area(shapely.intersection(_disc(frame, c), zone)))
    else:
        frame = LocalFrame((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
        pv, zone = frame.geometry(_dense_polygon(v)), frame.geometry(near)
        if not shapely.intersects(pv, zone):
            return None
        area = float(shapely.area(shapely.intersection(pv, zone)))
    return Overlap(
        start=max(v.start, start),
        end=min(v.end, end),
        lower_m=max(v.lower_m, lower_m),
        upper_m=min(v.upper_m, upper_m),
        area_m2=area,
    )
