"""Zone-incursion prediction: entry time, altitude band, time window, exemptions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shapely

from ceasefire.deconflict.constraints import AirspaceConstraint, constraints_from_geojson
from ceasefire.deconflict.incursion import predict_incursions
from ceasefire.deconflict.tactical import Traffic
from deconflict_helpers import T0


def zone(**kw: object) -> AirspaceConstraint:
    base: dict[str, object] = {
        "id": "nfz",
        # East of lon 0.1 (about 11.1 km east of the origin), 1 degree wide.
        "geometry": shapely.box(0.1, -0.5, 1.1, 0.5),
        "lower_m": 0.0,
        "upper_m": 5000.0,
        "start": T0,
        "end": T0 + timedelta(hours=1),
        "kind": "no_fly",
    }
    base.update(kw)
    return AirspaceConstraint(**base)  # type: ignore[arg-type]


def traffic(*rows: tuple[str, float, float, float, float, float, float]) -> Traffic:
    ids, *cols = zip(*rows, strict=True)
    return Traffic.from_columns(list(ids), *[list(c) for c in cols])


def test_entry_time_of_a_track_heading_for_the_zone() -> None:
    t = traffic(
        ("east", 0.0, 0.0, 1000.0, 90.0, 100.0, 0.0), ("west", 0.0, 0.0, 1000.0, 270.0, 100.0, 0.0)
    )
    (a,) = predict_incursions(t, [zone()], T0, 300.0)
    assert a.track_id == "east"
    assert a.entry_s == pytest.approx(0.1 * 111_319.49 / 100.0, rel=2e-3)
    assert not a.inside_now
    assert a.entry_lon == pytest.approx(0.1, abs=1e-4)
    assert predict_incursions(t, [zone()], T0, 100.0) == []  # entry is after 111 s


def test_inside_now() -> None:
    t = traffic(("in", 0.0, 0.5, 1000.0, 0.0, 0.0, 0.0))
    (a,) = predict_incursions(t, [zone()], T0, 60.0)
    assert a.inside_now
    assert a.entry_s == 0.0


def test_altitude_band_and_descent_into_it() -> None:
    above = traffic(("hi", 0.0, 0.0, 6000.0, 90.0, 100.0, 0.0))
    assert predict_incursions(above, [zone()], T0, 600.0) == []
    desc = traffic(("desc", 0.0, 0.5, 6000.0, 90.0, 100.0, -10.0))  # over the zone, descending
    (a,) = predict_incursions(desc, [zone()], T0, 600.0)
    assert a.entry_s == pytest.approx(100.0)
    assert a.entry_alt_m == pytest.approx(5000.0)


def test_time_window_and_exemption() -> None:
    t = traffic(("in", 0.0, 0.5, 1000.0, 0.0, 0.0, 0.0))
    later = zone(start=T0 + timedelta(seconds=90))
    (a,) = predict_incursions(t, [later], T0, 120.0)
    assert a.entry_s == pytest.approx(90.0)
    assert predict_incursions(t, [later], T0, 60.0) == []
    assert predict_incursions(t, [zone()], T0, 60.0, exempt=lambda tid, c: tid == "in") == []


def test_constraints_from_geojson_reports_bad_features() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "ok", "upper_m": 3000},
                "geometry": shapely.geometry.mapping(shapely.box(0, 0, 1, 1)),
            },
            {
                "type": "Feature",
                "properties": {"id": "line"},
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            },
            {
                "type": "Feature",
                "properties": {
                    "id": "backwards",
                    "start": "2026-01-02T00:00:00Z",
                    "end": "2026-01-01T00:00:00Z",
                },
                "geometry": shapely.geometry.mapping(shapely.box(0, 0, 1, 1)),
            },
        ],
    }
    zones, errors = constraints_from_geojson(doc, "z.geojson")
    assert [z.id for z in zones] == ["ok"]
    assert [e.pointer for e in errors] == ["line", "backwards"]
    assert "polygon" in errors[0].reason
    assert "end before start" in errors[1].reason
