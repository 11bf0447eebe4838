"""The monitoring commands as a script calls them: `fuse --db`, `incidents`, `review`,
`clocks` (exact names, options and CSV headers are a contract)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from ceasefire.cli.app import app
from ceasefire.paths import data_dir

RUN = CliRunner()
AT = "2026-11-25T10:00:00Z"


def _invoke(*args: str) -> str:
    result = RUN.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _fused_store(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    db = tmp_path / "store.db"
    _invoke("ingest", "--db", str(db), str(data_dir() / "events" / "bellingcat_incidents.json"),
            "--reported-by", "mission-osint")
    out = tmp_path / "fused.csv"
    _invoke("fuse", "--db", str(db), "--out", str(out), "--at", AT)
    with out.open(encoding="utf-8") as handle:
        return db, list(csv.DictReader(handle))


def test_fuse_db_writes_one_row_per_stored_observation(tmp_path: Path) -> None:
    db, rows = _fused_store(tmp_path)
    assert list(rows[0]) == [
        "observation_id", "source", "source_record_id", "incident_id", "independent_sources",
    ]
    assert len(rows) == len({r["observation_id"] for r in rows}) == 2511
    unfused = [r for r in rows if not r["incident_id"]]  # no point: not fused
    assert len(unfused) == 2
    assert all(r["independent_sources"] == "" for r in unfused)
    fused = [r for r in rows if r["incident_id"]]
    incidents = json.loads(_invoke("incidents", "list", "--db", str(db), "--json"))
    assert {r["incident_id"] for r in fused} == {i["id"] for i in incidents}
    sizes = {i["id"]: i["independent_sources"] for i in incidents}
    assert all(int(r["independent_sources"]) == sizes[r["incident_id"]] for r in fused)
    # fusing again changes nothing: same assignments, no new incidents
    again = tmp_path / "again.csv"
    _invoke("fuse", "--db", str(db), "--out", str(again), "--at", "2026-11-25T11:00:00Z")
    assert again.read_text(encoding="utf-8") == (tmp_path / "fused.csv").read_text("utf-8")


def test_review_and_clocks_from_the_command_line(tmp_path: Path) -> None:
    db, _ = _fused_store(tmp_path)
    waiting = json.loads(_invoke("review", "queue", "--db", str(db), "--json",
                                 "--now", "2026-11-25T12:00:00Z"))
    corroborated = [w for w in waiting if w["state"] == "corroborated"]
    assert corroborated
    assert all(w["age_s"] == 7200.0 for w in waiting)
    target = corroborated[0]["incident_id"]
    refused = RUN.invoke(app, ["review", "transition", target, "--db", str(db), "--to",
                               "verified", "--actor", "r1", "--org", "mission-osint",
                               "--reason", "seen", "--at", "2026-11-25T12:00:00Z"])
    assert refused.exit_code == 8  # forbidden: their own organisation reported it
    decided = json.loads(_invoke(
        "review", "transition", target, "--db", str(db), "--to", "verified", "--actor", "r2",
        "--org", "mission-review", "--reason", "imagery matches", "--violation", "scope",
        "--at", "2026-11-25T12:00:00Z", "--json",
    ))
    assert decided["transition"]["to"] == "verified"
    assert len(decided["clocks"]) in (2, 4)
    shown = json.loads(_invoke("incidents", "show", target, "--db", str(db), "--json"))
    assert [h["to"] for h in shown["history"]][-1] == "verified"
    assert len(shown["clocks"]) == len(decided["clocks"])
    late = RUN.invoke(app, ["clocks", "check", "--db", str(db), "--now", "2026-11-26T13:00:00Z"])
    assert late.exit_code == 1
    assert "ALERT" in late.stdout
    clocks = json.loads(_invoke("clocks", "--db", str(db), "--now", "2026-11-26T13:00:00Z",
                                "--json"))
    assert {c["state"] for c in clocks if c["track"] == "diplomatic"} == {"overdue"}
    assert {c["state"] for c in clocks if c["track"] == "military"} == {"running"}
