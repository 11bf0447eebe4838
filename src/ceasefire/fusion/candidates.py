"""Candidate pairs in near-linear time: a sort-based grid join per pair of size classes.

Checking every pair is O(N^2): 5 * 10^11 pairs at a million sightings. Instead each sighting
becomes a point (X, Y, Z, c): X, Y, Z its position on a sphere of the Earth's radius (metres)
and c the middle of its interval (seconds). Two sightings that pass the gates lie within S of
each other in X, Y and Z, S = r1 + r2 + `SPATIAL_TOLERANCE_M` (a chord is never longer than its
arc), and within T = max(h1, h2) in c, h the half-length of a widened interval: widened
intervals that share half of the shorter one have the shorter one's middle inside the longer
one. The search is only a superset; `gates.pass_mask` decides.

Wide discs and long intervals pass no gate, so they are left out before searching. One box
cannot fit both a minute-dated site of 200 m and a day-dated town of 5 km (it would be 100
times too long in one of the two), so the others are put into classes by radius and by
half-length (factors of 4) and each pair of classes is searched with its own S and T:

- the larger class is the *data*: sorted by one int64 key packing its cell of a grid in X, Y,
  Z (15 bits each: the Earth is under 2^15 cells of 500 m across) and, last, its cell of c
  (cells of T / 2, or coarser when the data spans more than 2^18 of them: only pruning);
- each point of the smaller class is a *query*: its box (side 2S) meets at most two cells
  along each axis, and in each cell it meets the data points within T in c are one contiguous
  run of the sorted keys, found by two `searchsorted` calls;
- cells are 2S across the surface and 8S along the axis closest to the points' mean
  direction, which crosses the surface steeply: most boxes then meet one cell along it, not
  two, so a query costs about four runs, not eight. Points elsewhere on the globe only make
  the search slower, never wrong (tests/test_fusion_search.py checks poles, antimeridian,
  equator and decades against every pair).

Arrays only, no tree to rebuild per pair of classes and no Python loop over points; memory is
linear in the sightings plus the candidate pairs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ceasefire.fusion.columns import Columns
from ceasefire.fusion.gates import (
    EARTH_RADIUS_M,
    LONG_INTERVAL_S,
    SPATIAL_TOLERANCE_M,
    WIDE_RADIUS_M,
    pass_mask,
)

#: Smallest class bounds; each class is 4 times the one below.
_RADIUS_BASE_M = 500.0
_HALF_BASE_S = 1_800.0
_FACTOR = 4.0
#: Floating-point slack on the search bounds (metres, seconds): the grid must never miss a
#: pair the exact gates accept because a sum was rounded the other way.
_SLACK_M = 1.0
_SLACK_S = 1.0
#: Bits of the packed key: three spatial cell numbers and, least significant, a time cell.
_SPACE_BITS = 15
#: Cell sides in units of the box's half-side: 2 across the surface (a box meets at most two
#: cells per axis), longer along the axis that crosses the surface steeply.
_NEAR = 2.0
_FAR = 8.0
_TIME_BITS = 18

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def _bucket(values: FloatArray, base: float) -> IntArray:
    ratio = np.maximum(values, base) / base
    return np.asarray(np.ceil(np.log(ratio) / np.log(_FACTOR) - 1e-12), dtype=np.int64)


def _classes(columns: Columns, half: FloatArray) -> list[IntArray]:
    """Row indices per (radius class, half-length class), in key order; rows that can pass no
    gate (wide discs, long intervals) are left out."""
    keep = np.flatnonzero(
        (columns.radius <= WIDE_RADIUS_M) & (columns.end - columns.start <= LONG_INTERVAL_S)
    )
    key = _bucket(columns.radius[keep], _RADIUS_BASE_M) * 1_000
    key += _bucket(half[keep], _HALF_BASE_S)
    order = np.argsort(key, kind="stable")
    _, starts = np.unique(key[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    return [keep[order[bounds[n] : bounds[n + 1]]] for n in range(len(starts))]


def _xyz(columns: Columns) -> FloatArray:
    lat, lon = np.radians(columns.lat), np.radians(columns.lon)
    out = np.empty((len(lat), 3), dtype=np.float64)
    out[:, 0] = EARTH_RADIUS_M * np.cos(lat) * np.cos(lon)
    out[:, 1] = EARTH_RADIUS_M * np.cos(lat) * np.sin(lon)
    out[:, 2] = EARTH_RADIUS_M * np.sin(lat)
    return out


def candidate_edges(columns: Columns, fresh: NDArray[np.bool_] | None = None) -> IntArray:
    """Every pair (i < j) of rows that passes the gates, as an (m, 2) array sorted by (i, j).

    With `fresh`, only pairs with at least one fresh row (what adding those rows to a fused
    set can add).
    """
    if len(columns) < 2:
        return np.empty((0, 2), dtype=np.int64)
    tol = columns.tolerance
    half = (columns.end - columns.start) / 2 + tol
    grid = _Grid(_xyz(columns), (columns.start + columns.end) / 2)
    classes = _classes(columns, half)
    found: list[IntArray] = []
    for n, a in enumerate(classes):
        for b in classes[n:]:
            space = float(columns.radius[a].max() + columns.radius[b].max())
            space += SPATIAL_TOLERANCE_M + _SLACK_M
            span = max(float(half[a].max()), float(half[b].max())) + _SLACK_S
            found.extend(_class_pairs(grid, space, span, a, b, a is b, fresh))
    pairs = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    if fresh is not None:  # fresh rows of one class were searched against all of it
        pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
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
    # One int64 key per pair sorts by (i, j) several times faster than lexsort.
    n = len(columns)
    key = np.sort(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((key // n, key % n))


def _class_pairs(
    grid: _Grid,
    space: float,
    span: float,
    a: IntArray,
    b: IntArray,
    same: bool,
    fresh: NDArray[np.bool_] | None,
) -> list[IntArray]:
    """Pairs (i < j) of global rows, one from a and one from b, within the box of the pair."""
    if fresh is None:
        data, query = (a, b) if len(a) >= len(b) else (b, a)
        return [grid.join(data, query, space, span, same)]
    out: list[IntArray] = []
    new_b = b[fresh[b]]
    if len(new_b):
        out.append(grid.join(a, new_b, space, span, False))
    new_a = a[fresh[a]]
    if not same and len(new_a):
        out.append(grid.join(b, new_a, space, span, False))
    return out


class _Grid:
    """Points (X, Y, Z, c) of every row, joined by packed grid keys (module docstring)."""

    def __init__(self, xyz: FloatArray, mid: FloatArray) -> None:
        self.axes = [np.ascontiguousarray(xyz[:, k]) for k in range(3)]
        self.mid = mid

    def join(
        self, data: IntArray, query: IntArray, space: float, span: float, same: bool
    ) -> IntArray:
        """Pairs (i < j) with one row of `query` and one of `data` within `space` in X, Y, Z
        and `span` in c. With `same` (the two are one class), each pair once."""
        at_data = [axis[data] for axis in self.axes]
        at_query = [axis[query] for axis in self.axes]
        mid_data, mid_query = self.mid[data], self.mid[query]
        # The axis the points' mean direction is closest to crosses the surface at a steep
        # angle: long cells along it cost few extra candidates, and few boxes meet two.
        steep = int(np.argmax([abs(float(v.mean())) for v in at_data]))
        side = [(_FAR if k == steep else _NEAR) * space for k in range(3)]
        t0 = min(float(mid_data.min()), float(mid_query.min())) - 2.0 * span
        extent = max(float(mid_data.max()), float(mid_query.max())) + 2.0 * span - t0
        step = max(span / 2.0, extent / (2**_TIME_BITS - 2))

        # Cell numbers start at 0 and stay below 2^15 (sides of 500 m or more).
        key = np.zeros(len(data), dtype=np.int64)
        for k in range(3):
            cell = np.floor((at_data[k] + (EARTH_RADIUS_M + side[k])) / side[k])
            key = (key << _SPACE_BITS) | cell.astype(np.int64)
        key = (key << _TIME_BITS) | np.floor((mid_data - t0) / step).astype(np.int64)
        order = np.argsort(key)
        sorted_key = key[order]

        base = np.zeros(len(query), dtype=np.int64)
        two: list[NDArray[np.bool_]] = []
        for k in range(3):
            low = np.floor((at_query[k] - space + (EARTH_RADIUS_M + side[k])) / side[k])
            high = np.floor((at_query[k] + space + (EARTH_RADIUS_M + side[k])) / side[k])
            base = (base << _SPACE_BITS) | low.astype(np.int64)
            two.append(high > low)
        first = np.floor((mid_query - span - t0) / step).astype(np.int64)
        last = np.floor((mid_query + span - t0) / step).astype(np.int64)
        # Queries in key order: every searchsorted below then walks forward through the data.
        by_key = np.argsort((base << _TIME_BITS) | first)
        base, first, last = base[by_key], first[by_key], last[by_key]
        two = [t[by_key] for t in two]
        found_q: list[IntArray] = []
        found_d: list[IntArray] = []
        for dx in (0, 1):
            for dy in (0, 1):
                for dz in (0, 1):
                    pick = _needs(two, dx, dy, dz)
                    cell = (base[pick] + _pack_offset(dx, dy, dz)) << _TIME_BITS
                    lo = np.searchsorted(sorted_key, cell | first[pick], side="left")
                    hi = np.searchsorted(sorted_key, cell | last[pick], side="right")
                    q, d = _expand(lo, hi)
                    found_q.append(by_key[pick[q]])
                    found_d.append(order[d])
        qi, dj = np.concatenate(found_q), np.concatenate(found_d)
        keep = np.abs(mid_query[qi] - mid_data[dj]) <= span
        for k in range(3):
            keep &= np.abs(at_query[k][qi] - at_data[k][dj]) <= space
        i, j = query[qi[keep]], data[dj[keep]]
        if same:
            distinct = i < j
            return np.column_stack((i[distinct], j[distinct]))
        return np.column_stack((np.minimum(i, j), np.maximum(i, j)))


def _needs(two: list[NDArray[np.bool_]], dx: int, dy: int, dz: int) -> IntArray:
    """The queries whose box reaches the neighbour cell (dx, dy, dz) of its lowest one."""
    mask = np.ones(len(two[0]), dtype=np.bool_)
    for flag, t in zip((dx, dy, dz), two, strict=True):
        if flag:
            mask &= t
    return np.flatnonzero(mask)


def _pack_offset(dx: int, dy: int, dz: int) -> int:
    return (dx << (2 * _SPACE_BITS)) | (dy << _SPACE_BITS) | dz


def _expand(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """(which range, position) for every position of the ranges [lo[k], hi[k])."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    which = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    offsets = np.cumsum(counts) - counts
    position = np.arange(total, dtype=np.int64) - np.repeat(offsets - lo, counts)
    return which, position
