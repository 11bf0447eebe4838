"""Where uncertain points lie relative to an area, for many points at once."""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry


class Placement(StrEnum):
    INSIDE = "inside"  # the whole uncertainty disc is inside the area
    STRADDLES = "straddles"  # the disc crosses the area's edge
    OUTSIDE = "outside"  # the whole disc is outside


def place_discs(
    area: BaseGeometry,
    boundary: BaseGeometry,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    radius: NDArray[np.float64],
) -> tuple[list[Placement], NDArray[np.float64]]:
    """Placement of each disc (x, y, radius) in metres, and its centre's distance to the edge.

    A disc whose centre lies exactly on the edge straddles it, whatever its radius: the edge
    itself is where the agreement's text is least precise.
    """
    if len(x) == 0:
        return [], np.empty(0)
    inside = shapely.contains_xy(area, x, y) | shapely.intersects_xy(boundary, x, y)
    to_edge = shapely.distance(boundary, shapely.points(x, y))
    placements = [
        Placement.STRADDLES if d <= r else (Placement.INSIDE if centre_in else Placement.OUTSIDE)
        for centre_in, d, r in zip(inside.tolist(), to_edge.tolist(), radius.tolist(), strict=True)
    ]
    return placements, np.asarray(to_edge, dtype=np.float64)


def distances_to(
    geometry: BaseGeometry, x: NDArray[np.float64], y: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Distance in metres from each point to a (projected) geometry."""
    if len(x) == 0:
        return np.empty(0)
    return np.asarray(shapely.distance(geometry, shapely.points(x, y)), dtype=np.float64)
