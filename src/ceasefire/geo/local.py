"""Local metric frames (east, north in metres) for exact geometry near a point.

A local ENU (east-north-up) tangent frame: WGS84 geodetic -> geocentric (ECEF) through one
cached pyproj transformer, then a rotation to the tangent plane at the frame's origin. This is
exact in 3D; using only (east, north) of surface points is an orthographic projection whose
distance error is about (d / R)^2 / 2: 1e-6 at 10 km, 1e-4 at 100 km from the origin, which is
what the exact deconfliction checks need. Building a frame costs microseconds (a per-centre
pyproj CRS would cost ~20 ms), so every pair check can have its own frame.
The antimeridian and the poles are out of scope.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod, Transformer

EARTH_RADIUS_M = 6_371_000.0
_GEOD = Geod(ellps="WGS84")


@lru_cache(maxsize=1)
def _to_ecef() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)


class LocalFrame:
    """An east/north metric frame (metres) tangent to the WGS84 ellipsoid at (lon0, lat0)."""

    __slots__ = ("_origin", "_rot", "lat0", "lon0")

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0 = float(lon0)
        self.lat0 = float(lat0)
        x, y, z = _to_ecef().transform(self.lon0, self.lat0, 0.0)
        self._origin = np.array([x, y, z], dtype=float)
        lam, phi = np.radians(self.lon0), np.radians(self.lat0)
        sl, cl, sp, cp = np.sin(lam), np.cos(lam), np.sin(phi), np.cos(phi)
        # Rows: unit east, north, up vectors in ECEF.
        self._rot = np.array(
            [[-sl, cl, 0.0], [-sp * cl, -sp * sl, cp], [cp * cl, cp * sl, sp]], dtype=float
        )

    def forward(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(lon, lat) degrees on the ellipsoid -> (x east, y north) metres."""
        lon_a = np.asarray(lon, dtype=float)
        lat_a = np.asarray(lat, dtype=float)
        x, y, z = _to_ecef().transform(lon_a, lat_a, np.zeros_like(lon_a))
        d = np.stack([np.asarray(x), np.asarray(y), np.asarray(z)], axis=-1) - self._origin
        enu = d @ self._rot.T
        return enu[..., 0], enu[..., 1]

    def inverse(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(x east, y north) metres -> (lon, lat) degrees of the surface point below."""
        e = np.asarray(x, dtype=float)
        n = np.asarray(y, dtype=float)
        u = -(e * e + n * n) / (2.0 * EARTH_RADIUS_M)  # drop to the surface (sphere approx.)
        xyz = np.stack([e, n, u], axis=-1) @ self._rot + self._origin
        lon, lat, _ = _to_ecef().transform(
            xyz[..., 0], xyz[..., 1], xyz[..., 2], direction="INVERSE"
        )
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    def geometry(self, geom: shapely.Geometry) -> shapely.Geometry:
        """Project a WGS84 (lon, lat) shapely geometry into this frame."""
        return shapely.transform(geom, self._project_coords)

    def _project_coords(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = self.forward(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])


def geodesic_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance along the WGS84 ellipsoid (pyproj Geod), metres."""
    _, _, d = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(d)


def densify_geodesic(
    ring: list[tuple[float, float]], max_segment_m: float
) -> list[tuple[float, float]]:
    """Insert points along each edge of a closed ring (last edge back to the first vertex) so
    that no segment is longer than `max_segment_m` along the geodesic.

    F3548 polygon edges are geodesics; a local projection maps them to straight lines only
    approximately, and the error grows with edge length. Short segments make it negligible.
    """
    out: list[tuple[float, float]] = []
    n = len(ring)
    for k in range(n):
        lon1, lat1 = ring[k]
        lon2, lat2 = ring[(k + 1) % n]
        out.append((lon1, lat1))
        d = geodesic_distance_m(lon1, lat1, lon2, lat2)
        extra = int(np.ceil(d / max_segment_m)) - 1
        if extra > 0:
            out.extend((float(x), float(y)) for x, y in _GEOD.npts(lon1, lat1, lon2, lat2, extra))
    return out
