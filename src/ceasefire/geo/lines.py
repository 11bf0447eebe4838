"""Lines of contact and the bands that agreements draw along them (all in metres)."""

from __future__ import annotations

import shapely
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry

from ceasefire.geo.projection import LocalProjection

#: How far from the international border (or coast) an occupied-area edge counts as border,
#: not front: DeepState polygons follow the border only roughly.
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
    """The front line: the occupied area's edge, less what runs along the border or coast.

    Returns WGS84 (Multi)LineString. Edges within `border_tolerance_m` of the country's outline
    are the state border or the shore, where there is no line of contact.
    """
    occupied_m = projection.to_metres(occupied)
    country_m = projection.to_metres(country)
    border_band = country_m.boundary.buffer(border_tolerance_m)
    front = occupied_m.boundary.difference(border_band)
    if front.geom_type == "MultiLineString":
        front = shapely.line_merge(front)
    pieces = [g for g in getattr(front, "geoms", [front]) if g.length >= min_segment_m]
    if not pieces:
        return MultiLineString()
    return projection.to_lonlat(MultiLineString(pieces))


def band_along(
    line: BaseGeometry,
    distance_m: float,
    projection: LocalProjection,
    within: BaseGeometry | None = None,
) -> BaseGeometry:
    """Everything within `distance_m` of the line, optionally clipped to one side's territory."""
    band = projection.to_metres(line).buffer(distance_m, quad_segs=8)
    if within is not None:
        band = band.intersection(projection.to_metres(within))
    return projection.to_lonlat(band)
