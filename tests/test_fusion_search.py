"""The grid search against checking every pair, wherever on Earth and whenever the sightings
lie: at the poles, across the antimeridian, on the equator, over decades.

`test_fusion_gates` draws sightings around one point in Ukraine; the grid's cells, the axis it
stretches and the time cells it coarsens over long spans depend on where and when the points
are, so these draw clusters anywhere, with tight and wide discs, short and long intervals.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimePrecision
from ceasefire.fusion import Sighting, is_candidate
from ceasefire.fusion.candidates import candidate_edges
from ceasefire.fusion.columns import from_sightings
from fusion_helpers import sighting

#: Cluster centres where a grid on X, Y, Z or on latitude and longitude would go wrong.
_CENTRES = [
    (90.0, 0.0),
    (-89.999, 45.0),
    (0.0, 180.0),
    (0.0, -179.999),
    (65.0, 179.99),
    (0.0, 0.0),
    (0.0, 90.0),
    (35.26, 45.0),  # the mean direction has no steepest axis
    (48.0, 35.0),
]


@st.composite
def _scattered(draw: st.DrawFn) -> list[Sighting]:
    out: list[Sighting] = []
    for c in range(draw(st.integers(1, 3))):
        lat0, lon0 = draw(st.sampled_from(_CENTRES))
        day = draw(st.sampled_from([0, 1, 3_650, 18_250]))  # up to fifty years apart
        for k in range(draw(st.integers(1, 14))):
            lat = lat0 + draw(st.integers(-30, 30)) * 0.002
            lon = lon0 + draw(st.integers(-30, 30)) * 0.003
            out.append(
                sighting(
                    f"obs-{c}-{k:02d}",
                    lat=max(-90.0, min(90.0, lat)),
                    lon=(lon + 180.0) % 360.0 - 180.0,
                    radius_m=draw(st.sampled_from([0.0, 120.0, 900.0, 4_000.0, 9_999.0])),
                    minutes=day * 1_440.0 + draw(st.integers(0, 48)) * 30.0,
                    duration_min=draw(st.sampled_from([0.0, 59.0, 60.0, 1_440.0, 2_880.0])),
                    category=draw(st.sampled_from([Category.AIR_STRIKE, Category.OTHER])),
                    precision=draw(st.sampled_from(list(TimePrecision)[:4])),
                )
            )
    return sorted(out, key=lambda s: s.id)


@settings(max_examples=300, deadline=None)
@given(_scattered())
def test_grid_search_finds_exactly_the_pairs_that_pass_anywhere(rows: list[Sighting]) -> None:
    expected = {
        (i, j) for i, j in combinations(range(len(rows)), 2) if is_candidate(rows[i], rows[j])
    }
    found = candidate_edges(from_sightings(rows))
    assert {(int(i), int(j)) for i, j in found} == expected


@settings(max_examples=100, deadline=None)
@given(_scattered())
def test_fresh_grid_search_anywhere(rows: list[Sighting]) -> None:
    fresh = np.array([k % 2 == 1 for k in range(len(rows))], dtype=np.bool_)
    every = {(int(i), int(j)) for i, j in candidate_edges(from_sightings(rows))}
    found = candidate_edges(from_sightings(rows), fresh)
    touched = {(i, j) for i, j in every if fresh[i] or fresh[j]}
    assert {(int(i), int(j)) for i, j in found} == touched


def test_pairs_come_sorted_and_once() -> None:
    rows = [sighting(f"s{k}", lat=48.0 + k * 0.0005) for k in range(30)]
    found = candidate_edges(from_sightings(rows))
    keys = [(int(i), int(j)) for i, j in found]
    assert keys == sorted(set(keys))
    assert all(i < j for i, j in keys)
    assert len(keys) > 30  # neighbours a few steps apart pass, far ones do not
