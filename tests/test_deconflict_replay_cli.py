"""`ceasefire deconflict tactical --adsb/--ais`: replaying real recordings from the CLI."""

from __future__ import annotations

import csv
import gzip
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ceasefire.cli import app
from deconflict_helpers import DATA

RUN = CliRunner()
SWISS = DATA / "traffic_samples" / "derived_switzerland_10min.json.gz"


def _tactical(*args: str) -> Any:
    return RUN.invoke(app, ["deconflict", "tactical", *args])


def test_swiss_replay_writes_timed_conflicts_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    res = _tactical("--adsb", str(SWISS), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(
        "60 snapshots every 10 s from 2018-08-01T11:30:00Z to 2018-08-01T11:39:50Z, "
        "62 tracks, 0 records rejected, "
    )
    with out.open() as f:
        reader = csv.reader(f)
        assert next(reader) == ["time", "id1", "id2", "tcpa_s", "dcpa_m", "tin_s", "tout_s"]
        rows = list(reader)
    m = re.search(r"(\d+) conflicts \((\d+) distinct pairs\)", res.stdout)
    assert m is not None
    assert int(m.group(1)) == len(rows) > 0
    assert int(m.group(2)) == len({(r[1], r[2]) for r in rows})
    with gzip.open(SWISS, "rt") as f:
        grid = {r["timestamp"] / 1000.0 for r in json.load(f)}
    for r in rows:
        t = datetime.strptime(r[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        assert t in grid
        assert r[1] < r[2]
        assert float(r[4]) <= 9260.0
        assert float(r[5]) < 300.0
    # the pair that comes within 3.5 km at 11:37:20 (see test_deconflict_replay) is in it
    assert ["2018-08-01T11:37:20Z", "400efd", "4ca740"] in [r[:3] for r in rows]


def test_several_recordings_are_replayed_together(tmp_path: Path) -> None:
    carrier = DATA / "traffic_samples" / "military__aircraft_carrier.json.gz"
    res = _tactical(
        "--adsb",
        str(DATA / "traffic_samples" / "surveillance__border_control.json.gz"),
        "--adsb",
        str(carrier),
        "--out",
        str(tmp_path / "c.csv"),
    )
    assert res.exit_code == 0, res.output
    with gzip.open(carrier, "rt") as f:
        no_position = sum(1 for row in json.load(f) if row["latitude"] is None)
    assert no_position == 1689
    assert res.stderr.count("no position") == no_position
    # one aircraft in each sample; every rejection (rows without a position, and the
    # carrier's position jumps the track store refuses) is one line on stderr
    m = re.search(r", 2 tracks, (\d+) records rejected, ", res.stdout)
    assert m is not None, res.stdout
    assert int(m.group(1)) == len(res.stderr.splitlines()) > no_position


def test_untimed_ais_is_stamped_with_now(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    sample = DATA / "ais" / "pyais_nmea_data_sample.txt"
    args = ["--ais", str(sample), "--rpz-m", "1852", "--now", "2026-01-15T08:00:00Z"]
    res = _tactical(*args, "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(
        "1 snapshots every 10 s from 2026-01-15T08:00:00Z to 2026-01-15T08:00:00Z"
    )
    times = {row["time"] for row in csv.DictReader(out.open())}
    assert times == {"2026-01-15T08:00:00Z"}


def _sbs_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Real traffic-sample rows rendered as the SBS-1 velocity and position messages."""
    lines = []
    for row in rows:
        t = datetime.fromtimestamp(row["timestamp"] / 1000.0, tz=UTC)
        d, hms = t.strftime("%Y/%m/%d"), t.strftime("%H:%M:%S.%f")[:-3]
        head = f"MSG,{{}},1,1,{row['icao24'].upper()},1,{d},{hms},{d},{hms}"
        vel = f",,,{row['groundspeed']},{row['track']},,,{row['vertical_rate']},,,,,0"
        pos = f",,{row['altitude']},,,{row['latitude']},{row['longitude']},,,0,0,0,0"
        lines += [head.format(4) + vel, head.format(3) + pos]
    return lines


def test_garbage_line_in_an_sbs_recording_is_reported_and_the_rest_flows(tmp_path: Path) -> None:
    with gzip.open(SWISS, "rt") as f:
        rows = json.load(f)
    lines = _sbs_lines(rows)
    lines.insert(1000, "this is not SBS")  # becomes line 1001
    sbs = tmp_path / "capture.sbs"
    sbs.write_text("\n".join(lines) + "\n")
    out = tmp_path / "c.csv"
    res = _tactical("--adsb", str(sbs), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.stderr.strip().splitlines() == [
        f"{sbs}:1001: not an SBS MSG line with 22 fields"
    ]
    assert "60 snapshots every 10 s" in res.stdout
    assert ", 62 tracks, 1 records rejected, " in res.stdout
    # the same conflicts as from the JSON recording: SBS carries the same values
    json_out = tmp_path / "j.csv"
    assert _tactical("--adsb", str(SWISS), "--out", str(json_out)).exit_code == 0
    assert len(out.read_text().splitlines()) == len(json_out.read_text().splitlines())


def test_exactly_one_mode_is_required(tmp_path: Path) -> None:
    out = str(tmp_path / "c.csv")
    neither = _tactical("--out", out)
    assert neither.exit_code == 2
    assert "give either --tracks" in neither.stderr
    both = _tactical("--tracks", str(tmp_path / "t.csv"), "--adsb", str(SWISS), "--out", out)
    assert both.exit_code == 2
    assert "give either --tracks" in both.stderr


def test_wrong_feed_is_a_clear_file_error(tmp_path: Path) -> None:
    ais_file = DATA / "ais" / "pyais_sample.ais"
    res = _tactical("--adsb", str(ais_file), "--out", str(tmp_path / "c.csv"))
    assert res.exit_code == 4  # invalid input (docs/errors.md)
    assert f"error[invalid-input]: {ais_file}: unrecognised format" in res.stderr
    assert "adsb-json (" in res.stderr
    assert "adsb-sbs (" in res.stderr
    bad_step = _tactical("--adsb", str(SWISS), "--step-s", "0", "--out", str(tmp_path / "c"))
    assert bad_step.exit_code == 2
    assert "--step-s must be a finite number of seconds > 0" in bad_step.stderr


def test_replay_predicts_zone_incursions_per_snapshot(tmp_path: Path) -> None:
    with gzip.open(SWISS, "rt") as f:
        first = json.load(f)[0]
    lat, lon = first["latitude"], first["longitude"]
    zone = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "box", "kind": "no_fly"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [lon - 0.01, lat - 0.01],
                            [lon + 0.01, lat - 0.01],
                            [lon + 0.01, lat + 0.01],
                            [lon - 0.01, lat + 0.01],
                            [lon - 0.01, lat - 0.01],
                        ]
                    ],
                },
            }
        ],
    }
    zones = tmp_path / "zones.geojson"
    zones.write_text(json.dumps(zone))
    inc = tmp_path / "inc.csv"
    res = _tactical(
        "--adsb", str(SWISS), "--zones", str(zones), "--incursions-out", str(inc),
        "--out", str(tmp_path / "c.csv"),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    t0 = datetime.fromtimestamp(first["timestamp"] / 1000.0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"incursion: {t0} {first['icao24']} INSIDE no_fly box" in res.stdout
    rows = list(csv.DictReader(inc.open()))
    assert list(rows[0])[:3] == ["time", "track_id", "constraint_id"]
    assert any(
        (r["time"], r["track_id"], r["inside_now"]) == (t0, first["icao24"], "1") for r in rows
    )
