"""ADS-B ingest: the traffic library's real JSON samples and BaseStation/SBS text."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ceasefire.domain.track import TrackSource
from ceasefire.ingest.adsb import FPM_MPS, FT_M, KT_MPS, parse_sbs, parse_traffic_json
from deconflict_helpers import DATA

SAMPLES = DATA / "traffic_samples"


def _load(name: str) -> Any:
    with gzip.open(SAMPLES / name, "rt") as f:
        return json.load(f)


def test_records_layout_real_sample_units() -> None:
    doc = _load("surveillance__border_control.json.gz")
    r = parse_traffic_json(doc, "border_control")
    assert len(r.states) == len(doc) == 1465
    assert not r.errors
    s, row = r.states[0], doc[0]
    assert s.id == "407918"
    assert s.source is TrackSource.ADSB
    assert s.t == row["timestamp"] / 1000.0
    assert s.alt_m == pytest.approx(row["altitude"] * FT_M)
    assert s.gs_mps == pytest.approx(row["groundspeed"] * KT_MPS)
    assert s.vs_mps == pytest.approx(row["vertical_rate"] * FPM_MPS)
    assert s.trk_deg == row["track"]


def test_column_layout_real_sample() -> None:
    doc = _load("noisy__noisy_spoofing.json.gz")
    assert isinstance(doc, dict)  # pandas' column-oriented JSON
    r = parse_traffic_json(doc, "noisy")
    assert len(r.states) + len(r.errors) == len(doc["timestamp"])
    assert {s.id for s in r.states} == {"4baac6"}
    no_position = sum(lat is None for lat in doc["latitude"].values())
    assert no_position > 0  # else the next line would hold for any reason at all
    assert len(r.errors) == no_position
    assert all(e.reason.endswith("no position") for e in r.errors)


def test_rows_without_position_are_reported_not_fatal() -> None:
    doc = _load("military__aircraft_carrier.json.gz")
    r = parse_traffic_json(doc, "carrier")
    no_pos = sum(1 for row in doc if row["latitude"] is None)
    assert no_pos > 0
    assert len(r.errors) == no_pos
    assert len(r.states) == len(doc) - no_pos
    assert r.errors[0].pointer == "row 0"


def test_bad_rows_each_get_a_reason() -> None:
    good = {
        "timestamp": 1.7e12,
        "icao24": "abc123",
        "latitude": 48.0,
        "longitude": 31.0,
        "altitude": 30000,
        "groundspeed": 450,
        "track": 90,
        "vertical_rate": 0,
    }
    rows = [
        good,
        {**good, "icao24": None},
        {**good, "timestamp": "yesterday"},
        {**good, "latitude": float("nan")},
        {**good, "groundspeed": 5000},  # 2,572 m/s: impossible
        {**good, "latitude": 123.0},
    ]
    r = parse_traffic_json(rows, "x")
    assert len(r.states) == 1
    reasons = [e.reason for e in r.errors]
    assert "missing icao24" in reasons[0]
    assert "timestamp" in reasons[1]
    assert "no position" in reasons[2]
    assert "exceeds the plausible maximum" in reasons[3]
    assert "outside [-90, 90]" in reasons[4]
    assert parse_traffic_json({"not": "rows"}, "x").errors


def _to_sbs(row: dict[str, Any]) -> list[str]:
    """Render one traffic-sample row as the two SBS lines a receiver would emit."""
    t = datetime.fromtimestamp(row["timestamp"] / 1000.0, tz=UTC)
    d, hms = t.strftime("%Y/%m/%d"), t.strftime("%H:%M:%S.%f")[:-3]
    head = f"MSG,{{}},1,1,{row['icao24'].upper()},1,{d},{hms},{d},{hms}"
    vel = head.format(4) + f",,,{row['groundspeed']},{row['track']},,,{row['vertical_rate']},,,,,0"
    pos = head.format(3) + f",,{row['altitude']},,,{row['latitude']},{row['longitude']},,,0,0,0,0"
    return [vel, pos]


def test_sbs_from_real_positions_round_trips() -> None:
    doc = _load("surveillance__border_control.json.gz")[:200]
    lines = [line for row in doc for line in _to_sbs(row)]
    r = parse_sbs(lines, "sbs")
    assert not r.errors
    assert len(r.states) == 200
    j = parse_traffic_json(doc, "json")
    for a, b in zip(r.states, j.states, strict=True):
        assert (a.id, a.t) == (b.id, b.t)
        assert a.lat == pytest.approx(b.lat)
        assert a.alt_m == pytest.approx(b.alt_m)
        assert a.gs_mps == pytest.approx(b.gs_mps)
        assert a.vs_mps == pytest.approx(b.vs_mps)


def test_sbs_bad_lines_are_reported() -> None:
    when = "2026/01/15,08:00:01.000,2026/01/15,08:00:01.000"
    ok_vel = f"MSG,4,1,1,4CA2D6,1,{when},,,450,90,,,0,,,,,0"
    ok_pos = f"MSG,3,1,1,4CA2D6,1,{when},,35000,,,48.1,31.2,,,0,0,0,0"
    lines = [
        "garbage",
        "MSG,3,1,1,ABCDEF,1,2026/01/15,08:00:00.000,2026/01/15,08:00:00.000,,35000,,,48.0,31.0,,,0,0,0,0",
        ok_vel,
        ok_pos,
        ok_pos.replace(when, "x,y,z,w"),
        ok_pos.replace(",48.1,31.2,", ",,,"),
    ]
    r = parse_sbs(lines, "sbs")
    assert [s.id for s in r.states] == ["4ca2d6"]
    assert r.states[0].alt_m == pytest.approx(35000 * FT_M)
    assert [e.line for e in r.errors] == [1, 2, 5, 6]
    assert "22 fields" in r.errors[0].reason
    assert "no velocity" in r.errors[1].reason
    assert "date/time" in r.errors[2].reason
    assert "without position" in r.errors[3].reason
