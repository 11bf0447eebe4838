"""Coarse 4D filter: H3 cells for space, closed intervals for time and altitude.

Each indexed volume is registered under every H3 cell its (slightly grown) outline overlaps.
A query returns every indexed volume that shares a cell and whose time window and altitude
band overlap the query's: a superset of the true intersections, which the exact check in
`volumes.py` then decides. Cells never decide a conflict on their own: InterUSS's
"must not conflict" pairs are metres apart and would share cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import h3
import shapely

from ceasefire.deconflict.volumes import band_overlap, wgs84_outline
from ceasefire.domain.intent import Volume4D

#: Default H3 resolution: cells of ~36 km^2 (edge ~3.7 km), the scale of military operating
#: areas; a submission touches few cells and each cell holds few volumes.
DEFAULT_RESOLUTION = 6
#: Outlines are grown by this much before covering, so rounding in the projection and H3's
#: geodesic cell edges can never drop a touching neighbour.
_COVER_PAD_M = 25.0

Key = tuple[str, int]  # (owner id, volume index)


@dataclass(frozen=True, slots=True)
class _Entry:
    key: Key
    start: float
    end: float
    lower: float
    upper: float


@lru_cache(maxsize=65_536)
def cover(v: Volume4D, resolution: int) -> frozenset[str]:
    """H3 cells overlapping the volume's outline (grown by a small pad).

    Cached: a submission's cells are computed for the area view, the conflict check and the
    insertion; volumes are immutable, so the cache can never be stale."""
    geom = wgs84_outline(v, pad_m=_COVER_PAD_M)
    polys = list(geom.geoms) if isinstance(geom, shapely.MultiPolygon) else [geom]
    cells: set[str] = set()
    for poly in polys:
        if not isinstance(poly, shapely.Polygon) or poly.is_empty:
            continue
        outer = [(lat, lon) for lon, lat in poly.exterior.coords[:-1]]
        holes = [[(lat, lon) for lon, lat in r.coords[:-1]] for r in poly.interiors]
        shape = h3.LatLngPoly(outer, *holes)
        cells.update(h3.h3shape_to_cells_experimental(shape, resolution, contain="overlap"))
    if not cells:  # degenerate outline: fall back to the cell of its centre
        c = geom.centroid
        cells.add(h3.latlng_to_cell(c.y, c.x, resolution))
    return frozenset(cells)


class VolumeIndex:
    """Maps H3 cells to the volumes registered there; supports add, remove and query."""

    def __init__(self, resolution: int = DEFAULT_RESOLUTION) -> None:
        self.resolution = resolution
        self._cells: dict[str, list[_Entry]] = defaultdict(list)
        self._owned: dict[str, list[tuple[str, _Entry]]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._owned)

    def add(self, owner: str, volumes: tuple[Volume4D, ...]) -> None:
        """Register all volumes of one owner (an intent id)."""
        for i, v in enumerate(volumes):
            entry = _Entry((owner, i), v.start.timestamp(), v.end.timestamp(), v.lower_m, v.upper_m)
            for cell in cover(v, self.resolution):
                self._cells[cell].append(entry)
                self._owned[owner].append((cell, entry))

    def remove(self, owner: str) -> None:
        """Forget every volume of one owner."""
        for cell, entry in self._owned.pop(owner, []):
            bucket = self._cells[cell]
            bucket.remove(entry)
            if not bucket:
                del self._cells[cell]

    def query(self, v: Volume4D) -> set[Key]:
        """Keys of indexed volumes that may intersect `v` (shared cell, time and altitude)."""
        t0, t1 = v.start.timestamp(), v.end.timestamp()
        found: set[Key] = set()
        for cell in cover(v, self.resolution):
            for e in self._cells.get(cell, ()):
                if (
                    e.key not in found
                    and t0 <= e.end
                    and e.start <= t1
                    and band_overlap(v.lower_m, v.upper_m, e.lower, e.upper)
                ):
                    found.add(e.key)
        return found
