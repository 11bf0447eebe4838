"""`ceasefire deconflict tactical|strategic` end to end, with good and bad input."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import shapely
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.deconflict.f3548 import intent_to_f3548
from deconflict_helpers import DATA, box, intent

RUN = CliRunner()
M_PER_DEG_LAT = 6_371_000.0 * 3.141592653589793 / 180.0


def _write_tracks(path: Path, rows: list[str]) -> None:
    path.write_text("id,lat,lon,alt_m,trk_deg,gs_mps,vs_mps\n" + "\n".join(rows) + "\n")


def test_tactical_writes_unordered_pairs_and_reports_bad_rows(tmp_path: Path) -> None:
    north = 20_000.0 / M_PER_DEG_LAT
    tracks = tmp_path / "tracks.csv"
    _write_tracks(
        tracks,
        [
            f"zulu,{north},31.0,10000,180,200,0",
            "alpha,0.0,31.0,10000,0,200,0",
            "far,10.0,31.0,10000,0,200,0",
            "nan,0.0,31.0,nan,0,200,0",
            "fast,0.0,31.0,10000,0,5000,0",
            "words,zero,31.0,10000,0,200,0",
            "alpha,1.0,31.0,10000,0,200,0",
            "short,1.0",
        ],
    )
    out = tmp_path / "conflicts.csv"
    args = [
        "deconflict",
        "tactical",
        "--tracks",
        str(tracks),
        "--rpz-m",
        "9260",
        "--hpz-m",
        "304.8",
        "--lookahead-s",
        "300",
        "--out",
        str(out),
    ]
    res = RUN.invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open()))
    assert [(r["id1"], r["id2"]) for r in rows] == [("alpha", "zulu")]
    assert float(rows[0]["tcpa_s"]) == 50.0
    assert float(rows[0]["dcpa_m"]) == 0.0
    err = res.stderr
    assert f"{tracks}:5: nan: alt_m is not a finite number" in err
    assert f"{tracks}:6: fast: gs_mps 5000.0 exceeds" in err
    assert f"{tracks}:7: words: lat is not a number" in err
    assert f"{tracks}:8: alpha: duplicate id" in err
    assert f"{tracks}:9: 2 fields" in err
    assert "3 tracks (5 rejected)" in res.stdout


def test_tactical_missing_columns_is_a_clear_file_error(tmp_path: Path) -> None:
    tracks = tmp_path / "t.csv"
    tracks.write_text("id,lat,lon,alt_m\na,0,0,0\n")
    res = RUN.invoke(
        app, ["deconflict", "tactical", "--tracks", str(tracks), "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 4  # invalid input
    assert "missing column(s) trk_deg, gs_mps, vs_mps" in res.stderr


def test_tactical_with_zones_predicts_incursions(tmp_path: Path) -> None:
    tracks = tmp_path / "t.csv"
    _write_tracks(tracks, ["a,0.0,0.0,1000,90,100,0"])
    zones = tmp_path / "z.geojson"
    zones.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "buffer-1", "kind": "buffer_airspace"},
                        "geometry": shapely.geometry.mapping(shapely.box(0.1, -1, 1, 1)),
                    }
                ],
            }
        )
    )
    inc = tmp_path / "inc.csv"
    res = RUN.invoke(
        app,
        [
            "deconflict",
            "tactical",
            "--tracks",
            str(tracks),
            "--out",
            str(tmp_path / "c.csv"),
            "--zones",
            str(zones),
            "--incursions-out",
            str(inc),
            "--now",
            "2026-01-15T08:00:00Z",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "incursion: a enters in 111.3 s buffer_airspace buffer-1" in res.stdout
    (row,) = list(csv.DictReader(inc.open()))
    assert row["constraint_id"] == "buffer-1"


def test_strategic_on_interuss_yaml_and_f3548_json(tmp_path: Path) -> None:
    yml = tmp_path / "non_conflicting.yaml"
    shutil.copy(DATA / "interuss" / "non_conflicting.yaml", yml)
    res = RUN.invoke(app, ["deconflict", "strategic", "--intents", str(yml)])
    assert res.exit_code == 0, res.output
    # flight_1 and flight_2 never conflict; the later variants of each do conflict with
    # their own earlier variant, which the CLI submits as separate intents.
    assert "ACCEPT flight_1 v1" in res.stdout
    assert "ACCEPT flight_2 v1" in res.stdout

    good = intent_to_f3548(intent("op-a", box(31.0, 48.5, 31.1, 48.6)))
    clash = intent_to_f3548(intent("op-b", box(31.05, 48.55, 31.2, 48.7), command="PL-AIR"))
    bad = json.loads(json.dumps(good))
    bad["reference"]["id"] = "op-bad"
    vol = bad["details"]["volumes"][0]
    vol["time_start"], vol["time_end"] = vol["time_end"], vol["time_start"]
    js = tmp_path / "ops.json"
    js.write_text(json.dumps([good, bad, clash]))
    res = RUN.invoke(app, ["deconflict", "strategic", "--intents", str(js)])
    assert res.exit_code == 0, res.output
    assert "ACCEPT op-a v1" in res.stdout
    assert "REJECT op-b" in res.stdout
    assert "conflicts with op-a v1 (EU-AIR, priority 0)" in res.stdout
    assert "op-bad" in res.stderr
    assert "before start" in res.stderr
    assert "1 accepted, 1 rejected" in res.stdout


def test_strategic_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text("{not json")
    res = RUN.invoke(app, ["deconflict", "strategic", "--intents", str(p)])
    assert res.exit_code == 4  # invalid input
    assert "not valid JSON" in res.stderr
