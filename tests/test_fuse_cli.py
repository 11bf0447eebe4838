"""`ceasefire fuse --input OBS.csv --out OUT.csv`: the contract scripts depend on."""

import csv
from pathlib import Path

from typer.testing import CliRunner

from ceasefire.cli.app import app
from ceasefire.fusion.partition import fresh_id

HEADER = "id,source,t_start,t_end,lat,lon,radius_m,category\n"
A = "a,bellingcat,2025-06-01T12:00:00+00:00,2025-06-01T12:00:00+00:00,48.0,35.0,100,air_strike\n"
B = "b,cir,2025-06-01T12:05:00Z,2025-06-01T12:06:00Z,48.001,35.0,100,strike_unspecified\n"
FAR = "c,ucdp,2025-06-01T00:00:00+03:00,2025-06-02T00:00:00+03:00,49.0,35.0,3000,air_strike\n"


def _run(tmp_path: Path, text: str, *extra: str) -> tuple[int, str, dict[str, str]]:
    src, out = tmp_path / "obs.csv", tmp_path / "out.csv"
    src.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["fuse", "--input", str(src), "--out", str(out), *extra])
    rows: dict[str, str] = {}
    if out.exists():
        with out.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            assert next(reader) == ["observation_id", "incident_id"]
            for obs, inc in reader:
                assert obs not in rows
                rows[obs] = inc
    return result.exit_code, result.output, rows


def test_fuses_and_writes_one_row_per_observation(tmp_path: Path) -> None:
    code, output, rows = _run(tmp_path, HEADER + A + B + FAR)
    assert code == 0, output
    assert rows == {"a": fresh_id("a"), "b": fresh_id("a"), "c": fresh_id("c")}
    assert "3 observations fused into 2 incidents" in output


def test_bad_rows_are_reported_with_line_and_skipped(tmp_path: Path) -> None:
    bad = [
        "d,cir,2025-06-01T12:00:00,2025-06-01T12:00:00Z,48,35,1,air_strike\n",
        "e,cir,2025-06-01T12:00:00Z,2025-06-01T11:00:00Z,48,35,1,air_strike\n",
        "f,cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,91,35,1,air_strike\n",
        "g,cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,48,35,-1,air_strike\n",
        "h,cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,48,35,1,kite\n",
        "i,cir,2025-06-01T12:00:00Z\n",
        ",cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,48,35,1,air_strike\n",
        "j,cir,yesterday,2025-06-01T12:00:00Z,48,35,1,air_strike\n",
        "k,cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,48,nan,1,air_strike\n",
    ]
    code, output, rows = _run(tmp_path, HEADER + A + "".join(bad))
    assert code == 0
    assert set(rows) == {"a"}
    for line, why in [
        (3, "no UTC offset"),
        (4, "before t_start"),
        (5, "lat '91'"),
        (6, "radius_m '-1'"),
        (7, "category 'kite'"),
        (8, "3 fields, expected 8"),
        (9, "id is empty"),
        (10, "'yesterday' is not an ISO 8601 time"),
        (11, "lon 'nan'"),
    ]:
        assert f"obs.csv:{line}: " in output
        assert why in output


def test_no_good_row_is_invalid_input(tmp_path: Path) -> None:
    code, output, rows = _run(tmp_path, HEADER + "x,cir,now,now,48,35,1,air_strike\n")
    assert code == 4
    assert "no usable observation" in output
    assert rows == {}


def test_a_header_without_a_column_is_invalid_input(tmp_path: Path) -> None:
    code, output, _ = _run(tmp_path, "id,source,t_start,t_end,lat,lon,category\n")
    assert code == 4
    assert "header lacks radius_m" in output


def test_redelivery_burst_counts_once(tmp_path: Path) -> None:
    code, output, rows = _run(tmp_path, HEADER + A * 1_000 + B)
    assert code == 0, output
    assert rows == {"a": fresh_id("a"), "b": fresh_id("a")}
    assert "999 re-deliveries" in output
    assert "corrected" not in output


def test_a_correction_wins_and_is_reported(tmp_path: Path) -> None:
    moved = B.replace("48.001", "49.5")
    code, output, rows = _run(tmp_path, HEADER + A + B + moved)
    assert code == 0
    assert rows == {"a": fresh_id("a"), "b": fresh_id("b")}
    assert "obs.csv:4: warning: id 'b' corrected: this row replaces line 3" in output


def test_columns_in_any_order(tmp_path: Path) -> None:
    text = "category,id,source,t_start,t_end,lat,lon,radius_m\n"
    text += "air_strike,a,cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,48,35,1\n"
    code, _, rows = _run(tmp_path, text)
    assert code == 0
    assert rows == {"a": fresh_id("a")}


def test_missing_file_and_missing_option(tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "out.csv")
    missing = runner.invoke(app, ["fuse", "--input", str(tmp_path / "nope.csv"), "--out", out])
    assert missing.exit_code == 4
    assert "nope.csv: file not found" in missing.output
    neither = runner.invoke(app, ["fuse", "--out", out])
    assert neither.exit_code == 2
    assert "give --input (or --db)" in neither.output
    directory = runner.invoke(app, ["fuse", "--input", str(tmp_path), "--out", out])
    assert directory.exit_code == 4
