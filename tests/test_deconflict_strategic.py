"""Strategic deconfliction: boundaries, priority, optimistic concurrency, constraints, F3548."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from implicitdict import ImplicitDict
from uas_standards.astm.f3548.v21.api import OperationalIntent as F3548Intent

from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.deconflict.f3548 import intent_to_f3548, parse_intent, parse_intents
from ceasefire.deconflict.strategic import StrategicDeconflictor
from ceasefire.deconflict.volumes import intersect
from ceasefire.domain.intent import Circle, IntentError, IntentState, Volume4D
from ceasefire.geo.local import LocalFrame
from deconflict_helpers import T0, box, intent

# 0.001 degree of longitude at 48.5 N is ~74 m; of latitude ~111 m.
LON, LAT = 31.0, 48.5


class TestBoundaries:
    """Every bound is inclusive (InterUSS); just past it is disjoint."""

    def test_touching_edges_intersect_with_zero_area(self) -> None:
        a = box(LON, LAT, LON + 0.01, LAT + 0.01)
        b = box(LON + 0.01, LAT, LON + 0.02, LAT + 0.01)
        ov = intersect(a, b)
        assert ov is not None
        assert ov.area_m2 == pytest.approx(0.0, abs=1e-6)

    def test_a_millimetre_gap_does_not_intersect(self) -> None:
        a = box(LON, LAT, LON + 0.01, LAT + 0.01)
        one_mm = 0.001 / 74_000.0  # degrees of longitude at 48.5 N
        b = box(LON + 0.01 + one_mm, LAT, LON + 0.02, LAT + 0.01)
        assert intersect(a, b) is None

    def test_equal_altitudes_intersect(self) -> None:
        a = box(LON, LAT, LON + 0.01, LAT + 0.01, lower=0, upper=100)
        b = box(LON, LAT, LON + 0.01, LAT + 0.01, lower=100, upper=200)
        ov = intersect(a, b)
        assert ov is not None
        assert (ov.lower_m, ov.upper_m) == (100, 100)
        c = box(LON, LAT, LON + 0.01, LAT + 0.01, lower=100.01, upper=200)
        assert intersect(a, c) is None

    def test_touching_times_intersect(self) -> None:
        a = box(LON, LAT, LON + 0.01, LAT + 0.01, start_min=0, end_min=30)
        b = box(LON, LAT, LON + 0.01, LAT + 0.01, start_min=30, end_min=60)
        ov = intersect(a, b)
        assert ov is not None
        assert ov.start == ov.end == T0 + timedelta(minutes=30)
        c = box(LON, LAT, LON + 0.01, LAT + 0.01, start_min=30.001, end_min=60)
        assert intersect(a, c) is None

    def test_circle_is_exact_not_a_polygon_approximation(self) -> None:
        sq = box(LON, LAT, LON + 0.01, LAT + 0.01)
        # A circle west of the square: its centre 500 m from the west edge (same latitude).
        d = StrategicDeconflictor()
        assert d.submit(intent("sq", sq)).accepted
        frame = LocalFrame(LON, LAT + 0.005)
        lon_c, lat_c = frame.inverse(np.array([-500.0]), np.array([0.0]))

        def circ(r: float) -> Volume4D:
            return Volume4D(Circle(float(lon_c[0]), float(lat_c[0]), r), 0, 1000, sq.start, sq.end)

        assert intersect(circ(500.5), sq) is not None
        assert intersect(circ(499.5), sq) is None
        assert intersect(circ(499.5), circ(1.0)) is not None


class TestPriorityAndConflicts:
    def test_equal_priority_is_rejected_with_the_conflict_details(self) -> None:
        d = StrategicDeconflictor()
        a = intent("a", box(LON, LAT, LON + 0.02, LAT + 0.02), command="UK-AIR")
        assert d.submit(a).version == 1
        b = intent("b", box(LON + 0.01, LAT + 0.01, LON + 0.03, LAT + 0.03, 500, 2000, 30, 90))
        dec = d.submit(b, d.view(b))
        assert not dec.accepted
        (c,) = dec.conflicts
        assert (c.intent_id, c.version, c.command) == ("a", 1, "UK-AIR")
        (ov,) = c.overlaps
        assert (ov.own_volume, ov.other_volume) == (0, 0)
        assert (ov.overlap.lower_m, ov.overlap.upper_m) == (500, 1000)
        assert ov.overlap.start == T0 + timedelta(minutes=30)
        assert ov.overlap.end == T0 + timedelta(minutes=60)
        assert ov.overlap.area_m2 == pytest.approx(0.01 * 74_000 * 0.01 * 111_200, rel=0.02)
        assert d.get("b") is None

    def test_strictly_higher_priority_wins_and_notifies(self) -> None:
        d = StrategicDeconflictor()
        assert d.submit(
            intent("low", box(LON, LAT, LON + 0.02, LAT + 0.02), command="PL-AIR")
        ).accepted
        high = intent("high", box(LON, LAT, LON + 0.02, LAT + 0.02), priority=10)
        dec = d.submit(high, d.view(high))
        assert dec.accepted
        (n,) = dec.notifications
        assert (n.recipient_command, n.intent_id, n.by_intent_id) == ("PL-AIR", "low", "high")
        assert {i.id for i in d.live()} == {"low", "high"}

    def test_disjoint_volumes_of_one_intent_are_checked_each(self) -> None:
        d = StrategicDeconflictor()
        assert d.submit(intent("a", box(LON + 1, LAT, LON + 1.01, LAT + 0.01))).accepted
        b = intent(
            "b", box(LON, LAT, LON + 0.01, LAT + 0.01), box(LON + 1, LAT, LON + 1.01, LAT + 0.01)
        )
        dec = d.submit(b, d.view(b))
        assert [(o.own_volume, o.other_volume) for o in dec.conflicts[0].overlaps] == [(1, 0)]

    def test_ended_intent_frees_the_airspace(self) -> None:
        d = StrategicDeconflictor()
        a = intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01))
        d.submit(a)
        b = intent("b", box(LON, LAT, LON + 0.01, LAT + 0.01))
        assert not d.submit(b, d.view(b)).accepted
        end = intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01), state=IntentState.ENDED)
        assert d.submit(end, {"a": 1}).accepted
        assert d.submit(b, d.view(b)).accepted


class TestOptimisticConcurrency:
    def test_stale_view_is_rejected_with_what_it_missed(self) -> None:
        d = StrategicDeconflictor()
        d.submit(intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01, 0, 100)))
        d.submit(intent("far", box(LON + 2, LAT, LON + 2.01, LAT + 0.01)))
        # 74 m east of a: same H3 cells, no conflict, but a is in b's area all the same.
        b = intent("b", box(LON + 0.011, LAT, LON + 0.02, LAT + 0.01, 0, 100))
        dec = d.submit(b, {})
        assert not dec.accepted
        assert [(m.intent_id, m.current_version, m.seen_version) for m in dec.missed] == [
            ("a", 1, None)
        ]
        assert d.submit(b, {"a": 1}).accepted

    def test_update_needs_the_current_own_version(self) -> None:
        d = StrategicDeconflictor()
        v1 = intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01))
        assert d.submit(v1).version == 1
        v2 = intent("a", box(LON, LAT, LON + 0.02, LAT + 0.02))
        assert d.submit(v2, {"a": 1}).version == 2
        v3 = intent("a", box(LON, LAT, LON + 0.03, LAT + 0.03))
        dec = d.submit(v3, {"a": 1})  # someone else's edit (v2) was not seen
        assert not dec.accepted
        assert [(m.intent_id, m.current_version, m.seen_version) for m in dec.missed] == [
            ("a", 2, 1)
        ]
        stored = d.get("a")
        assert stored is not None
        assert stored.version == 2

    def test_update_does_not_conflict_with_its_own_previous_version(self) -> None:
        d = StrategicDeconflictor()
        d.submit(intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01)))
        moved = intent("a", box(LON + 0.005, LAT, LON + 0.015, LAT + 0.01))
        assert d.submit(moved, d.view(moved) | {"a": 1}).accepted


class TestConstraints:
    def _zone(self, **kw: Any) -> AirspaceConstraint:
        base: dict[str, Any] = {
            "id": "nfz-1",
            "geometry": shapely.box(LON + 0.005, LAT - 1, LON + 0.5, LAT + 1),
            "lower_m": -1000.0,
            "upper_m": 40000.0,
            "start": T0,
            "end": T0 + timedelta(days=30),
            "kind": "no_fly",
            "exempt_mandates": frozenset({"monitoring"}),
        }
        base.update(kw)
        return AirspaceConstraint(**base)

    def test_no_fly_zone_rejects_even_top_priority(self) -> None:
        d = StrategicDeconflictor(constraints=[self._zone()])
        dec = d.submit(intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01), priority=99))
        assert not dec.accepted
        (c,) = dec.constraint_conflicts
        assert (c.constraint_id, c.kind) == ("nfz-1", "no_fly")
        assert c.overlaps[0].overlap.area_m2 > 0

    def test_exempt_mandate_may_enter(self) -> None:
        d = StrategicDeconflictor(constraints=[self._zone()])
        assert d.submit(
            intent("m", box(LON, LAT, LON + 0.01, LAT + 0.01), mandate="monitoring")
        ).accepted

    def test_zone_outside_its_time_or_altitude_does_not_apply(self) -> None:
        later = self._zone(start=T0 + timedelta(hours=2))
        high = self._zone(lower_m=5000.0)
        d = StrategicDeconflictor(constraints=[later, high])
        assert d.submit(intent("a", box(LON, LAT, LON + 0.01, LAT + 0.01))).accepted

    def test_invalid_constraint_is_refused(self) -> None:
        with pytest.raises(IntentError, match="end before start"):
            self._zone(end=T0 - timedelta(days=1))


class TestF3548:
    def test_round_trip_and_schema(self) -> None:
        circle = Volume4D(Circle(LON, LAT, 2500.0), 100, 3000, T0, T0 + timedelta(hours=2))
        it = intent("op-7", box(LON, LAT, LON + 0.1, LAT + 0.1), circle, priority=3)
        wire = intent_to_f3548(it)
        ImplicitDict.parse(json.loads(json.dumps(wire)), F3548Intent)  # valid F3548 shape
        back = parse_intent(json.loads(json.dumps(wire)))
        assert back == it

    def test_bad_records_are_reported_one_by_one(self) -> None:
        good = intent_to_f3548(intent("ok", box(LON, LAT, LON + 0.1, LAT + 0.1)))
        end_first = json.loads(json.dumps(good))
        end_first["reference"]["id"] = "backwards"
        v = end_first["details"]["volumes"][0]
        v["time_start"], v["time_end"] = v["time_end"], v["time_start"]
        nan_alt = json.loads(json.dumps(good))
        nan_alt["reference"]["id"] = "nan"
        nan_alt["details"]["volumes"][0]["volume"]["altitude_lower"]["value"] = float("nan")
        no_vol = json.loads(json.dumps(good))
        no_vol["reference"]["id"] = "empty"
        no_vol["details"]["volumes"] = []
        bad_state = json.loads(json.dumps(good))
        bad_state["reference"]["id"] = "state"
        bad_state["reference"]["state"] = "Flying"
        ok, errors = parse_intents([good, end_first, nan_alt, no_vol, bad_state, "junk"], "f.json")
        assert [i.id for i in ok] == ["ok"]
        reasons = {e.pointer: e.reason for e in errors}
        assert "before start" in reasons["backwards"]
        assert "finite" in reasons["nan"]
        assert "no volumes" in reasons["empty"]
        assert "unknown state" in reasons["state"]
        assert "JSON object" in reasons["5"]


boxes = st.tuples(
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(1, 6),
    st.integers(1, 6),
    st.integers(0, 5),
    st.integers(1, 5),
    st.integers(0, 5),
    st.integers(1, 5),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(boxes, min_size=2, max_size=12))
def test_index_never_loses_a_conflict(specs: list[tuple[int, ...]]) -> None:
    """Deconflictor (cells + exact) finds exactly the pairs a brute-force exact check finds."""
    vols = [
        box(
            LON + x * 0.004,
            LAT + y * 0.004,
            LON + (x + w) * 0.004,
            LAT + (y + h) * 0.004,
            z * 100.0,
            (z + dz) * 100.0,
            t * 10.0,
            (t + dt) * 10.0,
        )
        for x, y, w, h, z, dz, t, dt in specs
    ]
    d = StrategicDeconflictor()
    accepted: list[int] = []
    for k, v in enumerate(vols):
        it = intent(f"i{k}", v)
        dec = d.submit(it, d.view(it))
        brute = {f"i{m}" for m in accepted if intersect(v, vols[m]) is not None}
        assert {c.intent_id for c in dec.conflicts} == brute
        assert dec.accepted == (not brute)
        if dec.accepted:
            accepted.append(k)


def test_self_crossing_polygon_is_malformed() -> None:
    bowtie = ((LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01))
    with pytest.raises(IntentError, match="edges cross"):
        Volume4D(bowtie, 0, 100, T0, T0 + timedelta(hours=1))


def test_non_object_reference_is_reported_not_raised() -> None:
    ok, errors = parse_intents([{"reference": "x", "details": {}}], "f.json")
    assert ok == []
    assert errors[0].pointer == "0"


class TestLongEdges:
    """Edges hundreds of km long: F3548 edges are geodesics, GeoJSON zone edges are straight
    in lon/lat; a near-miss 5 m from the middle of such an edge is still decided right."""

    WIDE = ((30.0, 48.5), (34.0, 48.5), (34.0, 49.5), (30.0, 49.5))  # ~300 km wide

    def _square_below(self, lat_top: float) -> Volume4D:
        d = 0.001
        return box(32.0 - d, lat_top - 2 * d, 32.0 + d, lat_top)

    def test_geodesic_edge_of_an_intent(self) -> None:
        from pyproj import Geod

        ((_, lat_mid),) = Geod(ellps="WGS84").npts(30.0, 48.5, 34.0, 48.5, 1)
        assert lat_mid - 48.5 > 0.01  # the geodesic bulges > 1 km north of the parallel
        wide = Volume4D(self.WIDE, 0, 1000, T0, T0 + timedelta(hours=1))
        five_m = 5.0 / 111_200.0
        assert intersect(wide, self._square_below(lat_mid - five_m)) is None
        assert intersect(wide, self._square_below(lat_mid + five_m)) is not None

    def test_lon_lat_straight_edge_of_a_zone(self) -> None:
        zone = AirspaceConstraint(
            "wide", shapely.Polygon(self.WIDE), -1000, 40000, T0, T0 + timedelta(days=1)
        )
        d = StrategicDeconflictor(constraints=[zone])
        five_m = 5.0 / 111_200.0
        south = intent("south", self._square_below(48.5 - five_m))
        north = intent("north", self._square_below(48.5 + five_m))
        assert d.submit(south).accepted
        assert not d.submit(north).accepted
