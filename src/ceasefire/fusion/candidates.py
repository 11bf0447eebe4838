"""Candidate pairs in near-linear time: a k-d tree search per class of size, then the gates.

Checking every pair is O(N^2): 5 * 10^11 pairs at a million sightings. Instead each sighting
becomes a point (X, Y, Z, c * v): X, Y, Z its position on a sphere of the Earth's radius
(metres), c the middle of its widened interval and v a speed that turns seconds into metres.
Two sightings that pass the place and time gates then lie within S of each other in every
coordinate (Chebyshev distance), where S bounds r1 + r2 + tolerance, because a chord is never
longer than its arc, and |c1 - c2| <= h1 + h2 (the half-lengths of the widened intervals) with
v = S / (bound on h1 + h2). The tree search is only a superset; `gates.pass_mask` decides.

One scale cannot fit both a minute-dated site of 200 m and a day-dated town of 5 km (the box
would be 100 times too long in one of the two), so sightings are put into classes by radius
and by interval length (factors of 4) and each pair of classes is searched with its own
bounds. Memory is linear in the sightings plus the candidate pairs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ceasefire.fusion.columns import Columns
from ceasefire.fusion.gates import EARTH_RADIUS_M, SPATIAL_TOLERANCE_M, WIDE_RADIUS_M, pass_mask

#: Smallest class bounds; each class is 4 times the one below.
_RADIUS_BASE_M = 500.0
_HALF_BASE_S = 1_800.0
_FACTOR = 4.0
#: Floating-point slack on the search radius (metres): the tree must never miss a pair the
#: exact gate accepts because a sum was rounded the other way.
_SLACK_M = 1.0

IntArray = NDArray[np.int64]


def _bucket(values: NDArray[np.float64], base: float) -> NDArray[np.int64]:
    ratio = np.maximum(values, base) / base
    return np.asarray(np.ceil(np.log(ratio) / np.log(_FACTOR) - 1e-12), dtype=np.int64)


def _classes(columns: Columns) -> dict[tuple[int, int], IntArray]:
    """Row indices per (radius class, half-length class); wide discs are left out."""
    tol = columns.tolerance
    half = (columns.end - columns.start) / 2 + tol
    keep = np.flatnonzero(columns.radius <= WIDE_RADIUS_M)
    rb = _bucket(columns.radius[keep], _RADIUS_BASE_M)
    hb = _bucket(half[keep], _HALF_BASE_S)
    key = rb * 1_000 + hb
    order = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    return {
        (int(k) // 1_000, int(k) % 1_000): keep[order[bounds[n] : bounds[n + 1]]]
        for n, k in enumerate(keys)
    }


def _xyz(columns: Columns) -> NDArray[np.float64]:
    lat, lon = np.radians(columns.lat), np.radians(columns.lon)
    out = np.empty((len(lat), 4), dtype=np.float64)
    out[:, 0] = EARTH_RADIUS_M * np.cos(lat) * np.cos(lon)
    out[:, 1] = EARTH_RADIUS_M * np.cos(lat) * np.sin(lon)
    out[:, 2] = EARTH_RADIUS_M * np.sin(lat)
    return out


def _tree(points: NDArray[np.float64], mid: NDArray[np.float64], v: float) -> cKDTree:
    scaled = points.copy()
    scaled[:, 3] = mid * v
    return cKDTree(scaled)


def candidate_edges(columns: Columns, fresh: NDArray[np.bool_] | None = None) -> IntArray:
    """Every pair (i < j) of rows that passes the gates, as an (m, 2) array sorted by (i, j).

    With `fresh`, only pairs with at least one fresh row (what adding those rows to a fused
    set can add).
    """
    if len(columns) < 2:
        return np.empty((0, 2), dtype=np.int64)
    tol = columns.tolerance
    half = (columns.end - columns.start) / 2 + tol
    mid = (columns.start + columns.end) / 2
    xyz = _xyz(columns)
    classes = _classes(columns)
    keys = sorted(classes)
    found: list[IntArray] = []
    for n, ka in enumerate(keys):
        for kb in keys[n:]:
            a, b = classes[ka], classes[kb]
            space = float(columns.radius[a].max() + columns.radius[b].max()) + SPATIAL_TOLERANCE_M
            span = float(half[a].max() + half[b].max())
            v = space / span
            reach = space + _SLACK_M
            found.extend(_class_pairs(xyz, mid, v, reach, a, b, ka == kb, fresh))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if fresh is not None:
        pairs = np.unique(pairs, axis=0)
    ok = pass_mask(
        columns.lat,
        columns.lon,
        columns.radius,
        columns.start,
        columns.end,
        tol,
        columns.category,
        pairs[:, 0],
        pairs[:, 1],
    )
    pairs = pairs[ok]
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return np.asarray(pairs[order])


def _class_pairs(
    xyz: NDArray[np.float64],
    mid: NDArray[np.float64],
    v: float,
    reach: float,
    a: IntArray,
    b: IntArray,
    same: bool,
    fresh: NDArray[np.bool_] | None,
) -> list[IntArray]:
    """Pairs of global indices (one from a, one from b) within `reach` in the scaled space."""
    if fresh is None:
        tree_a = _tree(xyz[a], mid[a], v)
        if same:
            local = tree_a.query_pairs(reach, p=np.inf, output_type="ndarray")
            return [np.column_stack((a[local[:, 0]], a[local[:, 1]]))]
        tree_b = _tree(xyz[b], mid[b], v)
        return [_cross(tree_a, tree_b, a, b, reach)]
    out: list[IntArray] = []
    tree_b = _tree(xyz[b], mid[b], v)
    new_a = a[fresh[a]]
    if len(new_a):
        out.append(_cross(_tree(xyz[new_a], mid[new_a], v), tree_b, new_a, b, reach))
    new_b = b[fresh[b]]
    if not same and len(new_b):
        tree_a = _tree(xyz[a], mid[a], v)
        out.append(_cross(_tree(xyz[new_b], mid[new_b], v), tree_a, new_b, a, reach))
    return out


def _cross(tree_p: cKDTree, tree_q: cKDTree, p: IntArray, q: IntArray, reach: float) -> IntArray:
    hits = tree_p.sparse_distance_matrix(tree_q, reach, p=np.inf, output_type="ndarray")
    return np.column_stack((p[hits["i"]], q[hits["j"]])).astype(np.int64)
