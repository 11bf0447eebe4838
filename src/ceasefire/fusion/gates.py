"""The three gates two sightings must pass to be candidates for one event (docs/fusion.md).

Every gate is a pairwise test, never "join only when unambiguous": a pairwise rule makes the
incidents connected components, which are the same whatever order observations arrive in, and
which only grow or merge as observations are added (the stored ids stay valid). The tests are
written once, vectorised over arrays of pairs; the scalar forms call the same code on one pair,
so the fast path and an explanation can never disagree.

- **Category**: equal; or one says only "something happened" (`strike_unspecified`, `other`);
  or both are drones and one is `unidentified_drone` (the rule of `assess.same_event`).
- **Place**: great-circle distance <= r1 + r2 + `SPATIAL_TOLERANCE_M`.
- **Time**: each interval widened on both sides by its precision's tolerance
  (`TIME_TOLERANCE_S`); the widened intervals must share at least `MIN_SHARED_TIME` of the
  shorter one. Merely touching is not enough: reports of one place on consecutive days
  (whose local-day intervals overlap by the hour between Kyiv's and Moscow's midnight) would
  otherwise chain a city's daily shelling over months into one "incident".
- **Wide discs, long intervals**: a sighting whose radius exceeds `WIDE_RADIUS_M`, or whose
  interval is longer than `LONG_INTERVAL_S`, passes no gate at all: it stays an incident of
  its own (docs/fusion.md, "Chaining"). A report dated "some time that month" contains every
  day-dated report of its place that month and would chain them all into one.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimePrecision
from ceasefire.fusion.model import Sighting

#: Mean Earth radius (IUGG). A spherical distance errs by under 0.5 %, small against the tens of
#: metres a geolocated site is uncertain by; the same constant as `assess.same_event`.
EARTH_RADIUS_M = 6_371_008.8

#: Added to the two radii: two teams geolocating one crater from different imagery, or a
#: source rounding coordinates to three decimals (about 110 m), put the same site a couple of
#: hundred metres apart even when each states a tight radius.
SPATIAL_TOLERANCE_M = 250.0

#: A disc wider than this (a town and its outskirts) cannot say which of the events inside it
#: a row reports; such a sighting is never joined (it would chain unrelated incidents
#: together). UCDP's "within 25 km" grade and coarser stay incidents of their own.
WIDE_RADIUS_M = 10_000.0

#: An interval longer than this (two days: a local day as the adapters write it is 25 h)
#: cannot say which of the events inside it a row reports; such a sighting is never joined.
LONG_INTERVAL_S = 2 * 86_400.0

#: The share of the shorter widened interval two sightings' widened intervals must have in
#: common. Half: the same day reported twice shares all of it; two consecutive days share an
#: hour or, widened, well under half; a timed report inside a day-dated one shares all of its.
MIN_SHARED_TIME = 0.5

_MIN = 60.0
_HOUR = 3_600.0
_DAY = 86_400.0

#: How far each interval is widened on both sides, by how finely its source dated it. A
#: minute-dated geolocation may be the post time rather than the strike time (15 min); an
#: hour-dated report, the hour it was written (1 h); a day-dated row, a local day whose edges
#: are off by the time zone or a night that straddles midnight (6 h); coarser dates, a share of
#: their own length.
TIME_TOLERANCE_S: MappingProxyType[TimePrecision, float] = MappingProxyType(
    {
        TimePrecision.MINUTE: 15 * _MIN,
        TimePrecision.HOUR: _HOUR,
        TimePrecision.DAY: 6 * _HOUR,
        TimePrecision.WEEK: _DAY,
        TimePrecision.MONTH: 3 * _DAY,
        TimePrecision.YEAR: 7 * _DAY,
    }
)

#: Category codes: the position in `Category` (the arrays carry small integers, not strings).
CATEGORIES: tuple[Category, ...] = tuple(Category)
CATEGORY_CODE: MappingProxyType[Category, int] = MappingProxyType(
    {c: i for i, c in enumerate(CATEGORIES)}
)
PRECISIONS: tuple[TimePrecision, ...] = tuple(TimePrecision)

#: Categories that say only "something happened": compatible with every other.
UNSPECIFIC: frozenset[Category] = frozenset({Category.STRIKE_UNSPECIFIED, Category.OTHER})
DRONES: frozenset[Category] = frozenset(
    {
        Category.ONE_WAY_ATTACK_DRONE,
        Category.TACTICAL_DRONE,
        Category.RECONNAISSANCE_DRONE,
        Category.UNIDENTIFIED_DRONE,
    }
)


def categories_compatible(x: Category, y: Category) -> bool:
    """Whether two categories may describe one event (the table of docs/fusion.md)."""
    if x == y or x in UNSPECIFIC or y in UNSPECIFIC:
        return True
    return {x, y} <= DRONES and Category.UNIDENTIFIED_DRONE in (x, y)


def _compat_matrix() -> NDArray[np.bool_]:
    n = len(CATEGORIES)
    m = np.zeros((n, n), dtype=np.bool_)
    for i, x in enumerate(CATEGORIES):
        for j, y in enumerate(CATEGORIES):
            m[i, j] = categories_compatible(x, y)
    m.setflags(write=False)
    return m


#: `COMPATIBLE[a, b]`: whether category codes a and b pass the category gate.
COMPATIBLE: NDArray[np.bool_] = _compat_matrix()

#: Tolerance in seconds by precision code (the position in `TimePrecision`).
TOLERANCE_BY_CODE: NDArray[np.float64] = np.array(
    [TIME_TOLERANCE_S[p] for p in PRECISIONS], dtype=np.float64
)


def distance_m(
    lat1: NDArray[np.float64],
    lon1: NDArray[np.float64],
    lat2: NDArray[np.float64],
    lon2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Great-circle distance (haversine), element by element."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def reach_m(r1: NDArray[np.float64], r2: NDArray[np.float64]) -> NDArray[np.float64]:
    """The farthest two centres may be apart and still pass the place gate."""
    return np.asarray(r1 + r2 + SPATIAL_TOLERANCE_M)


def gap_s(
    start1: NDArray[np.float64],
    end1: NDArray[np.float64],
    start2: NDArray[np.float64],
    end2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Seconds between two unwidened intervals; 0 when they overlap or touch."""
    return np.asarray(np.maximum(0.0, np.maximum(start1, start2) - np.minimum(end1, end2)))


def shares_time(
    start1: NDArray[np.float64],
    end1: NDArray[np.float64],
    tol1: NDArray[np.float64],
    start2: NDArray[np.float64],
    end2: NDArray[np.float64],
    tol2: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """The time gate: widened intervals share at least `MIN_SHARED_TIME` of the shorter one."""
    a0, a1 = start1 - tol1, end1 + tol1
    b0, b1 = start2 - tol2, end2 + tol2
    shared = np.minimum(a1, b1) - np.maximum(a0, b0)
    shorter = np.minimum(a1 - a0, b1 - b0)
    return np.asarray((shared >= 0.0) & (shared >= MIN_SHARED_TIME * shorter))


def pass_mask(
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    radius: NDArray[np.float64],
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    tolerance: NDArray[np.float64],
    category: NDArray[np.int8],
    i: NDArray[np.int64],
    j: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Which pairs (i[k], j[k]) pass all three gates (columns as in `fusion.columns`)."""
    ok = COMPATIBLE[category[i], category[j]]
    ok &= (radius[i] <= WIDE_RADIUS_M) & (radius[j] <= WIDE_RADIUS_M)
    ok &= (end[i] - start[i] <= LONG_INTERVAL_S) & (end[j] - start[j] <= LONG_INTERVAL_S)
    ok &= shares_time(start[i], end[i], tolerance[i], start[j], end[j], tolerance[j])
    idx = np.flatnonzero(ok)
    d = distance_m(lat[i[idx]], lon[i[idx]], lat[j[idx]], lon[j[idx]])
    ok[idx] = d <= reach_m(radius[i[idx]], radius[j[idx]])
    return ok


def _one(values: list[float]) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)


def same_place(a: Sighting, b: Sighting) -> bool:
    """The place gate on one pair (wide discs excluded)."""
    if max(a.radius_m, b.radius_m) > WIDE_RADIUS_M:
        return False
    d = distance_m(_one([a.lat]), _one([a.lon]), _one([b.lat]), _one([b.lon]))
    return bool(d[0] <= reach_m(_one([a.radius_m]), _one([b.radius_m]))[0])


def same_time(a: Sighting, b: Sighting) -> bool:
    """The time gate on one pair (long intervals excluded)."""
    if max(a.end - a.start, b.end - b.start).total_seconds() > LONG_INTERVAL_S:
        return False
    shared = shares_time(
        _one([a.start.timestamp()]),
        _one([a.end.timestamp()]),
        _one([TIME_TOLERANCE_S[a.precision]]),
        _one([b.start.timestamp()]),
        _one([b.end.timestamp()]),
        _one([TIME_TOLERANCE_S[b.precision]]),
    )
    return bool(shared[0])


def is_candidate(a: Sighting, b: Sighting) -> bool:
    """All three gates on one pair: whether a and b may report one event."""
    return categories_compatible(a.category, b.category) and same_place(a, b) and same_time(a, b)


#: Interval lengths (seconds) from which a row counts as dated to the next coarser unit: the
#: precision of an interval is the coarsest unit it is at least as long as.
_LENGTH_THRESHOLDS_S = np.array([_HOUR, _DAY, 7 * _DAY, 28 * _DAY, 365 * _DAY], dtype=np.float64)


def precision_codes_for_lengths(seconds: NDArray[np.float64]) -> NDArray[np.int8]:
    """Precision codes for rows that give only an interval (the `fuse --input` CSV): under an
    hour MINUTE, under a day HOUR, under a week DAY, under 28 days WEEK, under 365 days MONTH,
    else YEAR. A source that dates by the hour gives hour-long intervals, and so on."""
    return np.asarray(np.searchsorted(_LENGTH_THRESHOLDS_S, seconds, side="right"), dtype=np.int8)


def precision_for_length(seconds: float) -> TimePrecision:
    """`precision_codes_for_lengths` for one interval."""
    code = int(precision_codes_for_lengths(np.array([seconds], dtype=np.float64))[0])
    return PRECISIONS[code]
