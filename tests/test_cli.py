import json
from pathlib import Path

from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.store import SqliteStore

runner = CliRunner()


def test_assess_without_sources_uses_the_bundled_real_data(agreements: Path) -> None:
    result = runner.invoke(
        app, ["assess", "--agreement", str(agreements / "easter-truce-2025.yaml"), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # two Bellingcat incidents, and the Molniya tally dated 21 April: a date-only row may be the
    # 24 hours before its report, which reach into the window (docs/assessment.md, Point 2);
    # the reconnaissance tally of that day is no act of force (Point 3)
    assert document["summary"]["possible"]["findings"] == 3
    assert document["summary"]["possible"]["by_source"] == {"airforce": 1, "bellingcat": 2}
    assert document["summary"]["possible"]["regional_tally"] == 1
    assert document["summary"]["violation"]["launched"] == 0
    places = sorted(f["observation"]["region"] for f in document["findings"])
    assert places == ["Kherson", "Nikopol, Dnipropetrovsk region", "south"]


def test_ingest_is_idempotent_and_reports_bad_rows(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "c.db"
    source = data / "events" / "mauforonda_cir_events.csv"
    first = runner.invoke(app, ["ingest", "--db", str(db), str(source)])
    assert first.exit_code == 0, first.output
    assert "6643 observations stored" in first.stdout
    assert "is not YYYY-MM-DD" in first.output  # the undated rows, listed and skipped
    again = runner.invoke(app, ["ingest", "--db", str(db), str(source), "--strict"])
    assert again.exit_code == 1  # --strict: rows were rejected
    assert "6643 observations stored" in again.stdout


def test_a_file_of_no_known_format_fails_the_run_but_not_the_others(
    tmp_path: Path, data: Path
) -> None:
    db = tmp_path / "c.db"
    unknown = tmp_path / "notes.csv"
    unknown.write_text("foo,bar\n1,2\n", encoding="utf-8")
    bulletins = data / "missile_attacks" / "missile_attacks_daily.csv"
    result = runner.invoke(app, ["ingest", "--db", str(db), str(unknown), str(bulletins)])
    assert result.exit_code == 4, result.output
    assert f"1 of 2 files could not be read at all and nothing of them was stored: {unknown}" \
        in result.output
    assert "the other files were stored" in result.output
    store = SqliteStore(str(db))
    try:
        assert store.count_observations() > 0
    finally:
        store.close()
    alone = runner.invoke(app, ["ingest", "--db", str(tmp_path / "d.db"), str(unknown)])
    assert alone.exit_code == 4
    assert "other files" not in alone.output


def test_store_url_and_reported_by(tmp_path: Path, data: Path, agreements: Path) -> None:
    url = f"sqlite:///{tmp_path}/url.db"
    incidents = data / "events" / "bellingcat_incidents.json"
    args = ["ingest", "--db", url, str(incidents), "--reported-by", "mission/monitor-7"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"2511 observations stored in {url}" in result.stdout
    store = SqliteStore(tmp_path / "url.db")
    observations = store.observations()
    store.close()
    assert {o.reported_by for o in observations} == {"mission/monitor-7"}
    easter = str(agreements / "easter-truce-2025.yaml")
    assessed = runner.invoke(app, ["assess", "-a", easter, "--db", url, "--json"])
    assert assessed.exit_code == 0, assessed.output
    assert json.loads(assessed.stdout)["summary"]["possible"]["findings"] == 2
    unknown = runner.invoke(app, ["ingest", "--db", "mysql://x/y", str(incidents)])
    assert unknown.exit_code == 2  # usage: no backend for that scheme
    assert "no store backend for 'mysql'" in unknown.output


def test_assess_from_a_database(tmp_path: Path, data: Path, agreements: Path) -> None:
    db = tmp_path / "c.db"
    bulletins = data / "missile_attacks" / "missile_attacks_daily.csv"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(bulletins)]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "assess",
            "-a",
            str(agreements / "victory-day-truce-2025.yaml"),
            "--db",
            str(db),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    # Molniya (2) only: the ZALA reconnaissance flight (2) is not an act of force.
    assert json.loads(result.stdout)["summary"]["violation"]["launched"] == 2


def test_bad_agreement_gives_every_error_check_exits_1_assess_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: Bad Id\n", encoding="utf-8")
    result = runner.invoke(app, ["agreement", "check", str(bad)])
    assert result.exit_code == 1
    assert "id: String should match pattern" in result.output
    assert "window: Field required" in result.output
    assessed = runner.invoke(app, ["assess", "-a", str(bad), "--source", str(bad)])
    assert assessed.exit_code == 4  # invalid input: the agreement given to assess
    assert "error[invalid-input]" in assessed.output


def test_agreement_check_accepts_the_shipped_files(agreements: Path) -> None:
    result = runner.invoke(
        app, ["agreement", "check", *map(str, sorted(agreements.glob("*.yaml")))]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 5


def test_geography_export(tmp_path: Path, agreements: Path) -> None:
    out = tmp_path / "zones.geojson"
    result = runner.invoke(
        app,
        [
            "agreement",
            "geography",
            str(agreements / "settlement-2025-12-15.yaml"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    features = json.loads(out.read_text())["features"]
    kinds = [f["properties"]["kind"] for f in features]
    assert kinds.count("withdrawal") == 3
    assert kinds[0] == "line_of_contact"
    assert features[0]["geometry"]["type"] == "MultiLineString"
