"""Lines of contact and the bands that agreements draw along them (all in metres)."""

from __future__ import annotations

import shapely
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry

from ceasefire.geo.projection import LocalProjection

#: How far inside the country's outline (the international border, or the coast) an
#: occupied-area edge must lie to be front: DeepState polygons follow the border and the shore
#: only roughly.
DEFAULT_BORDER_TOLERANCE_M = 3_000.0
#: Shorter leftovers are slivers where the occupied edge leaves and rejoins the border band.
DEFAULT_MIN_SEGMENT_M = 2_000.0


def derive_line_of_contact(
    occupied: BaseGeometry,
    country: BaseGeometry,
    projection: LocalProjection,
    border_tolerance_m: float = DEFAULT_BORDER_TOLERANCE_M,
    min_segment_m: float = DEFAULT_MIN_SEGMENT_M,
) -> BaseGeometry:
    """The front line: where the occupied area meets unoccupied *land*.

    Returns WGS84 (Multi)LineString. Only the occupied area's edge that lies on land, at least
    `border_tolerance_m` inside the country's outline, is front: nearer the outline it is the
    state border or the shore, and outside it, it runs over the sea (DeepState draws its
    polygons into the Sea of Azov and the Black Sea) or over the neighbour's territory, where
    there is nobody to be in contact with. Subtracting only a band along the outline, as this
    once did, kept an edge drawn more than `border_tolerance_m` out to sea as front.
    """
    occupied_m = projection.to_metres(occupied)
    inland = projection.to_metres(country).buffer(-border_tolerance_m)
    front = occupied_m.boundary.intersection(inland)
    if front.geom_type == "MultiLineString":
        front = shapely.line_merge(front)
    pieces = [
        g
        for g in getattr(front, "geoms", [front])
        if g.geom_type == "LineString" and g.length >= min_segment_m
    ]
    if not pieces:
        return MultiLineString()
    return projection.to_lonlat(MultiLineString(pieces))


def band_along(
    line: BaseGeometry,
    distance_m: float,
    projection: LocalProjection,
    within: BaseGeometry | None = None,
    tolerance_m: float = 0.0,
) -> BaseGeometry:
    """Everything within `distance_m` of the line, optionally clipped to one side's territory.

    With `tolerance_m` > 0 the line is first simplified by up to that much and the band grown
    by as much, so it still holds everything within `distance_m` (and at most `tolerance_m`
    more): buffering a front of thousands of vertices costs half a second, its simplification
    a few milliseconds."""
    metres = projection.to_metres(line)
    if tolerance_m > 0.0:
        metres = metres.simplify(tolerance_m)
    band = metres.buffer(distance_m + tolerance_m, quad_segs=8)
    if within is not None:
        band = band.intersection(projection.to_metres(within))
    return projection.to_lonlat(band)
