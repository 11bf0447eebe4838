"""State-based CPA detection: geometry edge cases, boundary semantics, pruning completeness."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.deconflict.tactical import Traffic, candidate_pairs, cpa, detect, pair_metrics

RPZ, HPZ, LOOK = 9260.0, 304.8, 300.0
M_PER_DEG_LAT = 6_371_000.0 * np.pi / 180.0  # the kwik model's metres per degree


def traffic(*rows: tuple[float, float, float, float, float, float]) -> Traffic:
    """Rows of (lat, lon, alt_m, trk_deg, gs_mps, vs_mps); ids a, b, c..."""
    cols = list(zip(*rows, strict=True))
    ids = [chr(ord("a") + k) for k in range(len(rows))]
    return Traffic.from_columns(ids, *[list(c) for c in cols])


def north_of(m: float, lat: float = 0.0) -> float:
    return lat + m / M_PER_DEG_LAT


def test_head_on() -> None:
    t = traffic((0.0, 0.0, 10000, 0, 200, 0), (north_of(20_000), 0.0, 10000, 180, 200, 0))
    r = detect(t, RPZ, HPZ, LOOK)
    assert len(r) == 1
    assert r.tcpa_s[0] == pytest.approx(50.0)
    assert r.dcpa_m[0] == pytest.approx(0.0, abs=1e-3)
    assert r.tin_s[0] == pytest.approx((20_000 - RPZ) / 400.0)
    assert r.tout_s[0] == pytest.approx((20_000 + RPZ) / 400.0)


def test_overtaking() -> None:
    t = traffic((0.0, 0.0, 10000, 0, 250, 0), (north_of(30_000), 0.0, 10000, 0, 200, 0))
    r = detect(t, RPZ, HPZ, 900.0)
    assert r.tcpa_s[0] == pytest.approx(600.0)
    assert r.tin_s[0] == pytest.approx((30_000 - RPZ) / 50.0)  # 414.8 s
    assert len(detect(t, RPZ, HPZ, 414.0)) == 0  # enters the zone only after 414.8 s
    assert len(detect(t, RPZ, HPZ, 415.0)) == 1


def test_diverging_pair_outside_the_zone_is_not_a_conflict() -> None:
    t = traffic((0.0, 0.0, 10000, 180, 200, 0), (north_of(20_000), 0.0, 10000, 0, 200, 0))
    assert len(detect(t, RPZ, HPZ, LOOK)) == 0


def test_parallel_same_speed_zero_relative_speed() -> None:
    near = traffic((0.0, 0.0, 10000, 90, 200, 0), (north_of(5_000), 0.0, 10000, 90, 200, 0))
    far = traffic((0.0, 0.0, 10000, 90, 200, 0), (north_of(12_000), 0.0, 10000, 90, 200, 0))
    r = detect(near, RPZ, HPZ, LOOK)
    assert len(r) == 1  # inside the zone and staying there: a loss of separation
    assert r.tin_s[0] < 0 < LOOK < r.tout_s[0]
    assert r.dcpa_m[0] == pytest.approx(5_000.0, rel=1e-6)
    assert len(detect(far, RPZ, HPZ, LOOK)) == 0


def test_identical_positions() -> None:
    t = traffic((48.0, 31.0, 9000, 10, 150, 0), (48.0, 31.0, 9000, 200, 180, 0))
    r = detect(t, RPZ, HPZ, LOOK)
    assert len(r) == 1
    assert r.tcpa_s[0] == pytest.approx(0.0, abs=1e-9)
    assert r.dcpa_m[0] == pytest.approx(0.0, abs=1e-6)
    assert r.tin_s[0] < 0 < r.tout_s[0]


def test_identical_states_entirely() -> None:
    t = traffic((48.0, 31.0, 9000, 10, 150, 0), (48.0, 31.0, 9000, 10, 150, 0))
    assert len(detect(t, RPZ, HPZ, LOOK)) == 1


def test_vertical_separation_and_climb_into_conflict() -> None:
    level = traffic(
        (0.0, 0.0, 10000, 0, 200, 0), (north_of(20_000), 0.0, 10000 + 2 * HPZ, 180, 200, 0)
    )
    assert len(detect(level, RPZ, HPZ, LOOK)) == 0
    # b descends at 10 m/s: vertical entry after (2 HPZ - HPZ) / 10 s.
    desc = traffic(
        (0.0, 0.0, 10000, 0, 200, 0), (north_of(20_000), 0.0, 10000 + 2 * HPZ, 180, 200, -10)
    )
    r = detect(desc, RPZ, HPZ, LOOK)
    assert len(r) == 1
    assert r.tin_s[0] == pytest.approx(max((20_000 - RPZ) / 400.0, HPZ / 10.0))


def test_boundary_is_inclusive_horizontally() -> None:
    """Passing at exactly rpz is a conflict (BlueSky: strict <, no conflict)."""
    t = traffic(
        (0.0, 0.0, 10000, 90, 200, 0), (north_of(RPZ), north_of(-20_000), 10000, 90, 300, 0)
    )
    i, j = np.array([0]), np.array([1])
    probe = cpa(t, i, j, 1e9, HPZ, LOOK)
    exact = float(probe.dcpa_m[0])
    assert len(cpa(t, i, j, exact, HPZ, LOOK)) == 1
    assert len(cpa(t, i, j, float(np.nextafter(exact, 0.0)), HPZ, LOOK)) == 0


def test_boundary_is_strict_vertically_even_after_unit_rounding() -> None:
    """Adjacent flight levels are separated, as in BlueSky: equality is not a conflict."""
    fl360, fl370 = 36000 * 0.3048, 37000 * 0.3048  # 304.79999999999927 m apart in doubles
    hpz = 1000 * 0.3048
    t = traffic((0.0, 0.0, fl360, 0, 200, 0), (north_of(20_000), 0.0, fl370, 180, 200, 0))
    assert fl370 - fl360 < hpz
    assert len(detect(t, RPZ, hpz, LOOK)) == 0
    assert len(detect(t, RPZ, hpz + 0.01, LOOK)) == 1


def test_conflict_already_over_is_not_reported() -> None:
    # Passed each other 60 s ago, now 24 km apart and diverging.
    t = traffic((0.0, 0.0, 10000, 180, 200, 0), (north_of(24_000), 0.0, 10000, 0, 200, 0))
    assert len(detect(t, RPZ, HPZ, LOOK)) == 0


def test_pairs_are_unordered_and_reported_once() -> None:
    t = traffic(
        (0.0, 0.0, 10000, 0, 200, 0),
        (north_of(20_000), 0.0, 10000, 180, 200, 0),
        (north_of(10_000), 0.001, 10000, 270, 100, 0),
    )
    r = detect(t, RPZ, HPZ, LOOK)
    pairs = sorted(zip(r.i.tolist(), r.j.tolist(), strict=True))
    assert pairs == [(0, 1), (0, 2), (1, 2)]


def test_bad_parameters_are_refused() -> None:
    t = traffic((0.0, 0.0, 10000, 0, 200, 0), (0.1, 0.0, 10000, 0, 200, 0))
    with pytest.raises(ValueError, match="positive"):
        detect(t, 0.0, HPZ, LOOK)


def _random_traffic(n: int, seed: int, side_km: float) -> Traffic:
    rng = np.random.default_rng(seed)
    lat0 = 48.5
    lat = lat0 + rng.uniform(-0.5, 0.5, n) * side_km / 111.2
    lon = 31.0 + rng.uniform(-0.5, 0.5, n) * side_km / (111.2 * np.cos(np.radians(lat0)))
    gs = rng.uniform(0.0, 300.0, n)
    gs[: n // 10] = 0.0  # hovering / moored
    return Traffic(
        np.array([f"t{k}" for k in range(n)]),
        lat,
        lon,
        rng.uniform(0.0, 3000.0, n),
        rng.uniform(0.0, 360.0, n),
        gs,
        np.where(rng.random(n) < 0.3, rng.uniform(-15.0, 15.0, n), 0.0),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**31 - 1),
    st.integers(2, 250),
    st.floats(20.0, 400.0),
    st.floats(500.0, 10_000.0),
    st.floats(30.0, 600.0),
)
def test_pruning_never_misses_a_conflict(
    seed: int, n: int, side_km: float, rpz: float, look: float
) -> None:
    """Tree pruning + vertical pre-filter equal the plain definition over every pair."""
    t = _random_traffic(n, seed, side_km)
    iu, ju = np.triu_indices(n, k=1)
    iu, ju = iu.astype(np.intp), ju.astype(np.intp)
    brute = pair_metrics(t, iu, ju, rpz, HPZ, look).conflict
    fast = detect(t, rpz, HPZ, look)
    assert set(zip(fast.i.tolist(), fast.j.tolist(), strict=True)) == set(
        zip(iu[brute].tolist(), ju[brute].tolist(), strict=True)
    )
    assert fast.candidates <= len(iu)


def test_pruning_prunes() -> None:
    t = _random_traffic(2000, 7, 600.0)
    i, _ = candidate_pairs(t, RPZ, 120.0)
    assert 0 < len(i) < 2000 * 1999 // 20
