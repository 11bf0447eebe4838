"""Tactical conflict detection between live tracks: state-based closest point of approach.

Definition (pair for pair the one of BlueSky 1.1.1 `StateBased.detect`, numpy version):
relative position from the flat-earth ("kwik") approximation between the two positions
(earth radius 6,371 km, cosine of the mean latitude), straight-line extrapolation of both
states, then for each unordered pair
  tcpa = -(dx.du + dy.dv) / |dv|^2            (|dv|^2 floored at 1e-6, as BlueSky)
  dcpa^2 = |d^2 - tcpa^2 |dv|^2|
  horizontal conflict when dcpa <= rpz; tinhor/touthor = tcpa -/+ sqrt(rpz^2 - dcpa^2)/|dv|
  vertical: tcrosshi/lo = (dalt +/- hpz) / -dvs, tinver = min, toutver = max
  tin = max(tinhor, tinver), tout = min(touthor, toutver)
  conflict when horizontal conflict, tin <= tout, tout > 0 and tin < lookahead.

The one deliberate difference: horizontally the protected zone is closed. A pair predicted
to pass at exactly rpz is a conflict here (dcpa <= rpz) and not in BlueSky (dcpa < rpz): a
predicted CPA is an extrapolation, and a prediction with zero margin deserves attention.
Vertically we keep BlueSky's strict rule (|dalt| < hpz), because there equality is the normal
case, not an edge case: aircraft are stacked at flight levels exactly one minimum apart
(FL360/FL370 with hpz = 1,000 ft) and are separated. To make that robust we compare with a
1 micrometre tolerance (FL370 - FL360 is 304.79999999999927 m in doubles), and decide level
pairs (|dvs| < 1e-6 m/s) as BlueSky's C++ CStateBased does (loss of vertical separation now
or never, tinver/toutver = -/+1e9 s), not through its numpy version's floored division by
+1e-6 m/s, whose sign makes the numpy version flag level pairs exactly hpz apart.

Scaling: no N x N arrays. Candidate pairs come from a k-d tree on the positions each track
will have at half the lookahead (on a sphere, in metres). Two tracks that come within rpz of
each other at some t in [0, T] are, at T/2, within rpz + (T/2)(gs_i + gs_j) of each other,
so a radius of rpz + T * max(gs) (plus margins for the flat-earth model) misses no conflict.

Memory: the candidate pairs, and the two dozen per-pair arrays of the CPA, grow with the number
of pairs, not of tracks (200,000 tracks in one dense theatre are 7.6 x 10^8 pairs, 12 GB and
more). So candidates are produced and checked in chunks of at most `CHUNK_PAIRS`, and a picture
with more than `MAX_CANDIDATE_PAIRS` candidate pairs is refused (`TooManyPairsError`) after
counting at most that many, before any pair is built: peak memory is bounded by the chunk plus
the conflicts found (docs/deconfliction.md, docs/benchmarks.md). The pairs, and every number
computed for them, are the same whatever the chunk size: each pair is computed on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ceasefire.domain.errors import InvalidInputError
from ceasefire.geo.local import EARTH_RADIUS_M

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

_BIG_S = 1e9
_DV2_FLOOR = 1e-6
_DVS_FLOOR = 1e-6
_ALT_TOL_M = 1e-6  # absorbs ft -> m rounding at exactly one vertical minimum

#: Candidate pairs checked at once: two dozen arrays of this length, ~225 MiB at the peak.
CHUNK_PAIRS = 1_000_000
#: Above this many candidate pairs a picture is refused: about 10 s of CPA, and room for the
#: conflicts (48 bytes each) even if every candidate were one. 200,000 tracks at en-route
#: density (one per 500 km^2) with 5 NM and 300 s give 1.8 x 10^7 and pass.
MAX_CANDIDATE_PAIRS = 25_000_000
_COUNT_BLOCK = 4096  # tracks whose neighbours are counted at once


class TooManyPairsError(InvalidInputError):
    """The picture is too dense for these minima and look-ahead: more candidate pairs than the
    documented limit. Refused, rather than exhausting the machine's memory."""


@dataclass(frozen=True, slots=True)
class Traffic:
    """A snapshot of N tracks as parallel arrays (SI units, degrees for angles)."""

    ids: NDArray[np.str_]
    lat: FloatArray
    lon: FloatArray
    alt_m: FloatArray
    trk_deg: FloatArray
    gs_mps: FloatArray
    vs_mps: FloatArray

    def __len__(self) -> int:
        return int(self.lat.shape[0])

    @staticmethod
    def from_columns(
        ids: list[str],
        lat: list[float],
        lon: list[float],
        alt_m: list[float],
        trk_deg: list[float],
        gs_mps: list[float],
        vs_mps: list[float],
    ) -> Traffic:
        """Build from plain lists (validated upstream)."""
        f = np.asarray
        return Traffic(
            np.asarray(ids, dtype=np.str_),
            f(lat, dtype=float),
            f(lon, dtype=float),
            f(alt_m, dtype=float),
            f(trk_deg, dtype=float),
            f(gs_mps, dtype=float),
            f(vs_mps, dtype=float),
        )


@dataclass(frozen=True, slots=True)
class PairConflicts:
    """Conflicting pairs as parallel arrays; i < j index into the Traffic snapshot."""

    i: IntArray
    j: IntArray
    tcpa_s: FloatArray
    dcpa_m: FloatArray
    tin_s: FloatArray
    tout_s: FloatArray
    candidates: int

    def __len__(self) -> int:
        return int(self.i.shape[0])


def _midpoint_xyz(t: Traffic, half_t: float) -> FloatArray:
    """Positions after `half_t` seconds of straight flight, on a sphere, as (n, 3) metres."""
    lat = np.radians(t.lat)
    lon = np.radians(t.lon)
    trk = np.radians(t.trk_deg)
    ve = t.gs_mps * np.sin(trk) * half_t
    vn = t.gs_mps * np.cos(trk) * half_t
    slat, clat, slon, clon = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    x = EARTH_RADIUS_M * clat * clon - ve * slon - vn * slat * clon
    y = EARTH_RADIUS_M * clat * slon + ve * clon - vn * slat * slon
    z = EARTH_RADIUS_M * slat + vn * clat
    return np.column_stack([x, y, z])


def _search_radius(t: Traffic, rpz_m: float, lookahead_s: float) -> float:
    """Tracks farther apart than this at T/2 cannot conflict within the look-ahead."""
    gs_max = float(np.max(t.gs_mps))
    # Margins: 20 % on rpz covers BlueSky's |dv|^2 floor for near-zero relative speed;
    # 2 % + 50 m covers flat-earth vs chord differences and the tangent-plane step at T/2.
    return 1.2 * rpz_m + 1.02 * lookahead_s * gs_max + 50.0


def candidate_pairs(t: Traffic, rpz_m: float, lookahead_s: float) -> tuple[IntArray, IntArray]:
    """Unordered pairs (i < j) that could come within rpz inside the lookahead, all at once
    (memory grows with the pairs: `candidate_chunks` is the bounded form)."""
    n = len(t)
    if n < 2:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    tree = cKDTree(_midpoint_xyz(t, lookahead_s / 2.0))
    pairs = tree.query_pairs(_search_radius(t, rpz_m, lookahead_s), output_type="ndarray")
    return pairs[:, 0].astype(np.intp), pairs[:, 1].astype(np.intp)


def _neighbour_counts(
    tree: cKDTree, xyz: FloatArray, radius: float, max_pairs: int, n_tracks: int
) -> IntArray:
    """Per track, how many tracks (itself included) lie within `radius`; counted a block at a
    time, so a picture far over the limit is refused after counting about `max_pairs` pairs."""
    counts = np.empty(n_tracks, dtype=np.intp)
    ordered = 0  # (i, j) and (j, i) both counted: twice the unordered pairs seen so far, at most
    for a in range(0, n_tracks, _COUNT_BLOCK):
        block = tree.query_ball_point(xyz[a : a + _COUNT_BLOCK], radius, return_length=True)
        counts[a : a + _COUNT_BLOCK] = block
        ordered += int(block.sum()) - len(block)
        if ordered > 2 * max_pairs:
            raise TooManyPairsError(
                f"{n_tracks:,} tracks are too dense for these minima and look-ahead: more than"
                f" {max_pairs:,} candidate pairs (tracks within {radius / 1000:,.1f} km of each"
                " other at half the look-ahead); split the picture by area, or lower --rpz-m or"
                " --lookahead-s (limit: docs/deconfliction.md)"
            )
    return counts


def candidate_chunks(
    t: Traffic,
    rpz_m: float,
    lookahead_s: float,
    max_pairs: int = MAX_CANDIDATE_PAIRS,
    chunk_pairs: int = CHUNK_PAIRS,
) -> Iterator[tuple[IntArray, IntArray]]:
    """The pairs of `candidate_pairs`, in chunks of at most `chunk_pairs` (but a track with
    more neighbours than that is a chunk of its own); refuses more than `max_pairs` in all."""
    n = len(t)
    if n < 2:
        yield candidate_pairs(t, rpz_m, lookahead_s)  # none
        return
    xyz = _midpoint_xyz(t, lookahead_s / 2.0)
    tree = cKDTree(xyz)
    radius = _search_radius(t, rpz_m, lookahead_s)
    counts = _neighbour_counts(tree, xyz, radius, max_pairs, n)
    if (int(counts.sum()) - n) // 2 <= chunk_pairs:  # fits one chunk: one query, as always
        pairs = tree.query_pairs(radius, output_type="ndarray")
        yield pairs[:, 0].astype(np.intp), pairs[:, 1].astype(np.intp)
        return
    ends = np.cumsum(counts)
    a = 0
    while a < n:
        # the longest run of tracks from `a` with at most `chunk_pairs` (track, neighbour)
        # entries: the pairs (i < j) of the chunk are at most as many
        limit = (ends[a - 1] if a else 0) + chunk_pairs
        b = max(a + 1, int(np.searchsorted(ends, limit, side="right")))
        # pairs (block track, any track) straight into arrays, no Python object per pair
        found = cKDTree(xyz[a:b]).sparse_distance_matrix(tree, radius, output_type="ndarray")
        i = found["i"].astype(np.intp) + a
        j = found["j"].astype(np.intp)
        del found
        later = j > i
        yield i[later], j[later]
        a = b


@dataclass(frozen=True, slots=True)
class PairMetrics:
    """Every quantity of the state-based definition for a set of pairs, before filtering."""

    tcpa_s: FloatArray
    dcpa2_m2: FloatArray
    dalt_m: FloatArray
    dvs_mps: FloatArray
    vrel2: FloatArray
    horizontal: NDArray[np.bool_]
    tin_s: FloatArray
    tout_s: FloatArray
    conflict: NDArray[np.bool_]


def pair_metrics(
    t: Traffic,
    i: IntArray,
    j: IntArray,
    rpz_m: float,
    hpz_m: float,
    lookahead_s: float,
) -> PairMetrics:
    """Vectorised state-based CPA over the given pairs (see the module docstring)."""
    lat_r = np.radians(t.lat)
    trk_r = np.radians(t.trk_deg)
    u = t.gs_mps * np.sin(trk_r)  # per track once, not per pair
    w = t.gs_mps * np.cos(trk_r)
    lat_i, lat_j = lat_r[i], lat_r[j]
    dlon = np.radians((t.lon[j] - t.lon[i] + 180.0) % 360.0 - 180.0)
    cavelat = np.cos(0.5 * (lat_i + lat_j))
    dx = EARTH_RADIUS_M * dlon * cavelat  # position of j relative to i, east
    dy = EARTH_RADIUS_M * (lat_j - lat_i)  # north
    du = u[j] - u[i]
    dv = w[j] - w[i]
    dv2 = du * du + dv * dv
    dv2 = np.where(np.abs(dv2) < _DV2_FLOOR, _DV2_FLOOR, dv2)
    vrel = np.sqrt(dv2)
    tcpa = -(du * dx + dv * dy) / dv2
    d2 = dx * dx + dy * dy
    dcpa2 = np.abs(d2 - tcpa * tcpa * dv2)
    r2 = rpz_m * rpz_m
    hor = dcpa2 <= r2
    dtin = np.sqrt(np.maximum(0.0, r2 - dcpa2)) / vrel
    tinhor = np.where(hor, tcpa - dtin, 1e8)
    touthor = np.where(hor, tcpa + dtin, -1e8)

    dalt = t.alt_m[j] - t.alt_m[i]
    dvs = t.vs_mps[j] - t.vs_mps[i]
    level = np.abs(dvs) < _DVS_FLOOR
    dvs_f = np.where(level, _DVS_FLOOR, dvs)
    tcrosshi = (dalt + hpz_m) / -dvs_f
    tcrosslo = (dalt - hpz_m) / -dvs_f
    within = np.abs(dalt) < hpz_m - _ALT_TOL_M
    tinver = np.where(level, np.where(within, -_BIG_S, _BIG_S), np.minimum(tcrosshi, tcrosslo))
    toutver = np.where(level, np.where(within, _BIG_S, -_BIG_S), np.maximum(tcrosshi, tcrosslo))

    tin = np.maximum(tinver, tinhor)
    tout = np.minimum(toutver, touthor)
    conf = hor & (tin <= tout) & (tout > 0.0) & (tin < lookahead_s)
    return PairMetrics(tcpa, dcpa2, dalt, dvs, dv2, hor, tin, tout, conf)


def cpa(
    t: Traffic,
    i: IntArray,
    j: IntArray,
    rpz_m: float,
    hpz_m: float,
    lookahead_s: float,
) -> PairConflicts:
    """Vectorised state-based CPA over the given pairs; keeps the conflicting ones.

    A vertical pre-filter runs first (a conflict needs toutver > 0 and tinver < lookahead,
    which costs a few operations per pair), so the horizontal computation only runs on the
    pairs that can still conflict; the result is identical to `pair_metrics(...).conflict`.
    """
    n_candidates = int(i.shape[0])
    i, j = _vertical_prefilter(t, i, j, hpz_m, lookahead_s)
    m = pair_metrics(t, i, j, rpz_m, hpz_m, lookahead_s)
    c = m.conflict
    return PairConflicts(
        i=i[c],
        j=j[c],
        tcpa_s=m.tcpa_s[c],
        dcpa_m=np.sqrt(m.dcpa2_m2[c]),
        tin_s=m.tin_s[c],
        tout_s=m.tout_s[c],
        candidates=n_candidates,
    )


def _vertical_prefilter(
    t: Traffic, i: IntArray, j: IntArray, hpz_m: float, lookahead_s: float
) -> tuple[IntArray, IntArray]:
    """Keep pairs whose vertical in-zone interval meets (0, lookahead) (same rule as below)."""
    dalt = t.alt_m[j] - t.alt_m[i]
    dvs = t.vs_mps[j] - t.vs_mps[i]
    level = np.abs(dvs) < _DVS_FLOOR
    dvs_f = np.where(level, _DVS_FLOOR, dvs)
    a = (dalt + hpz_m) / -dvs_f
    b = (dalt - hpz_m) / -dvs_f
    moving = (np.maximum(a, b) > 0.0) & (np.minimum(a, b) < lookahead_s)
    keep = np.where(level, np.abs(dalt) < hpz_m - _ALT_TOL_M, moving)
    return i[keep], j[keep]


def detect(
    t: Traffic,
    rpz_m: float,
    hpz_m: float,
    lookahead_s: float,
    *,
    max_pairs: int = MAX_CANDIDATE_PAIRS,
    chunk_pairs: int = CHUNK_PAIRS,
) -> PairConflicts:
    """All conflicting unordered pairs of a snapshot: prune with the tree, then exact CPA, one
    chunk of candidates at a time (memory bounded by the chunk and the conflicts; a picture of
    more than `max_pairs` candidates is refused with `TooManyPairsError`)."""
    if rpz_m <= 0.0 or hpz_m <= 0.0 or lookahead_s <= 0.0:
        raise ValueError("rpz_m, hpz_m and lookahead_s must be positive")
    parts = [
        cpa(t, i, j, rpz_m, hpz_m, lookahead_s)
        for i, j in candidate_chunks(t, rpz_m, lookahead_s, max_pairs, chunk_pairs)
    ]
    if len(parts) == 1:
        return parts[0]
    columns = ("i", "j", "tcpa_s", "dcpa_m", "tin_s", "tout_s")
    joined = {name: np.concatenate([getattr(p, name) for p in parts]) for name in columns}
    return PairConflicts(**joined, candidates=sum(p.candidates for p in parts))
