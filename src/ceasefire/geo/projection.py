"""A metric projection for one theatre, so buffers and distances are in metres.

Lambert azimuthal equal-area centred on the theatre: within ~1,000 km of the centre the scale
error along any direction stays below about 0.5 %, small against the kilometres an agreement's
distances are written in. Antimeridian and poles are out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class LocalProjection:
    """WGS84 lon/lat <-> metres east/north of (lon0, lat0)."""

    lon0: float
    lat0: float
    _forward: Transformer = field(init=False, repr=False, compare=False)
    _inverse: Transformer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        crs = f"+proj=laea +lat_0={self.lat0} +lon_0={self.lon0} +datum=WGS84 +units=m +no_defs"
        object.__setattr__(self, "_forward", Transformer.from_crs("EPSG:4326", crs, always_xy=True))
        object.__setattr__(self, "_inverse", Transformer.from_crs(crs, "EPSG:4326", always_xy=True))

    @classmethod
    def centred_on(cls, geometry: BaseGeometry) -> LocalProjection:
        """Centre on a geometry's bounding box, rounded so the same area gives the same CRS."""
        minx, miny, maxx, maxy = geometry.bounds
        return cls(round((minx + maxx) / 2, 1), round((miny + maxy) / 2, 1))

    def to_metres(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, self._forward_xy)

    def to_lonlat(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, self._inverse_xy)

    def points_to_metres(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        x, y = self._forward.transform(lon, lat)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def _forward_xy(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = self._forward.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def _inverse_xy(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = self._inverse.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])
