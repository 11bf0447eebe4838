"""Fusion gates one by one, and the candidate search against checking every pair."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings

from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimePrecision
from ceasefire.fusion import (
    Sighting,
    categories_compatible,
    is_candidate,
    same_place,
    same_time,
)
from ceasefire.fusion.candidates import candidate_edges
from ceasefire.fusion.columns import from_sightings
from ceasefire.fusion.gates import (
    LONG_INTERVAL_S,
    SPATIAL_TOLERANCE_M,
    TIME_TOLERANCE_S,
    WIDE_RADIUS_M,
)
from fusion_helpers import sighting, sightings

C = Category


@pytest.mark.parametrize(
    ("x", "y", "ok"),
    [
        (C.ARTILLERY_SHELLING, C.ARTILLERY_SHELLING, True),
        (C.ARTILLERY_SHELLING, C.AIR_STRIKE, False),
        (C.ARTILLERY_SHELLING, C.STRIKE_UNSPECIFIED, True),
        (C.MOVEMENT_RESTRICTION, C.OTHER, True),
        (C.TACTICAL_DRONE, C.UNIDENTIFIED_DRONE, True),
        (C.UNIDENTIFIED_DRONE, C.RECONNAISSANCE_DRONE, True),
        (C.TACTICAL_DRONE, C.ONE_WAY_ATTACK_DRONE, False),
        (C.UNIDENTIFIED_DRONE, C.AIR_STRIKE, False),
    ],
)
def test_category_table(x: Category, y: Category, ok: bool) -> None:
    assert categories_compatible(x, y) is ok
    assert categories_compatible(y, x) is ok


def test_place_gate_is_radii_plus_tolerance() -> None:
    # 0.01 degree of latitude is 1,111.95 m on the mean sphere
    a = sighting("a", radius_m=400.0)
    near = sighting("b", lat=48.01, radius_m=1_111.95 - 400.0 - SPATIAL_TOLERANCE_M + 1.0)
    far = sighting("c", lat=48.01, radius_m=1_111.95 - 400.0 - SPATIAL_TOLERANCE_M - 1.0)
    assert same_place(a, near)
    assert not same_place(a, far)


def test_wide_discs_pass_no_place_gate() -> None:
    a = sighting("a", radius_m=WIDE_RADIUS_M + 1.0)
    assert not same_place(a, sighting("b"))
    assert not same_place(a, sighting("c", radius_m=WIDE_RADIUS_M + 1.0))
    assert same_place(sighting("d", radius_m=WIDE_RADIUS_M), sighting("e"))


@pytest.mark.parametrize("precision", list(TimePrecision))
def test_time_gate_widens_by_precision(precision: TimePrecision) -> None:
    # An instant (widened by 15 min each way: 30 min) must share half of that, 15 min, with
    # the hour-long interval widened by its precision's tolerance.
    tolerance_min = TIME_TOLERANCE_S[precision] / 60
    a = sighting("a", duration_min=60.0, precision=precision)
    assert same_time(a, sighting("b", minutes=60.0 + tolerance_min))
    assert not same_time(a, sighting("c", minutes=60.0 + tolerance_min + 1.0))
    assert same_time(a, sighting("d", minutes=-tolerance_min))
    assert not same_time(a, sighting("e", minutes=-tolerance_min - 1.0))


def test_consecutive_days_do_not_share_time_the_same_day_does() -> None:
    # Local-day intervals as the geocoded adapters make them: Kyiv's and Moscow's day together,
    # so consecutive days overlap by an hour.
    def day(id_: str, minutes: float) -> Sighting:
        return sighting(id_, minutes=minutes, duration_min=25 * 60.0, precision=TimePrecision.DAY)

    monday, tuesday = day("a", -60.0), day("b", 24 * 60.0 - 60.0)
    assert not same_time(monday, tuesday)
    assert same_time(monday, day("c", -60.0))
    assert same_time(monday, sighting("d", minutes=12 * 60.0))  # a timed report that day


def test_long_intervals_pass_no_time_gate() -> None:
    month = sighting("m", minutes=-60.0, duration_min=30 * 24 * 60.0,
                     precision=TimePrecision.MONTH)
    assert not same_time(month, sighting("x", minutes=12 * 60.0))
    two_days = sighting("t", duration_min=LONG_INTERVAL_S / 60, precision=TimePrecision.DAY)
    assert same_time(two_days, sighting("y", minutes=60.0))


def test_all_three_gates() -> None:
    a = sighting("a")
    assert is_candidate(a, sighting("b", category=C.STRIKE_UNSPECIFIED))
    assert not is_candidate(a, sighting("c", category=C.AIR_STRIKE))
    assert not is_candidate(a, sighting("d", lat=49.0))
    assert not is_candidate(a, sighting("e", minutes=120.0))


@settings(max_examples=200, deadline=None)
@given(sightings(max_size=40))
def test_candidate_search_finds_exactly_the_pairs_that_pass(rows: list[Sighting]) -> None:
    rows = sorted(rows, key=lambda s: s.id)
    pairs = combinations(range(len(rows)), 2)
    expected = {(i, j) for i, j in pairs if is_candidate(rows[i], rows[j])}
    found = candidate_edges(from_sightings(rows))
    assert {(int(i), int(j)) for i, j in found} == expected


@settings(max_examples=100, deadline=None)
@given(sightings(max_size=30))
def test_fresh_search_finds_the_pairs_touching_fresh_rows(rows: list[Sighting]) -> None:
    rows = sorted(rows, key=lambda s: s.id)
    fresh = np.array([k % 3 == 0 for k in range(len(rows))], dtype=np.bool_)
    every = {(int(i), int(j)) for i, j in candidate_edges(from_sightings(rows))}
    touched = {(i, j) for i, j in every if fresh[i] or fresh[j]}
    found = candidate_edges(from_sightings(rows), fresh)
    assert {(int(i), int(j)) for i, j in found} == touched
