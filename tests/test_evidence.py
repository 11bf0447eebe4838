"""The pipeline commits what it keeps to the ledger, once, and the ledger verifies."""

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.ledger.note import Signer
from ceasefire.store import ConflictingRecordError, SqliteStore

runner = CliRunner()


def ledger_size(db: Path) -> int:
    store = SqliteStore(db)
    ledger = store.ledger()
    store.close()
    assert ledger is not None
    return ledger.size


def test_ingest_and_assess_append_once_and_verify(
    tmp_path: Path, data: Path, agreements: Path
) -> None:
    db, key = tmp_path / "c.db", tmp_path / "log.key"
    init = runner.invoke(
        app, ["ledger", "init", "--db", str(db), "--origin", "test/ledger", "--key", str(key)]
    )
    assert init.exit_code == 0, init.output
    incidents = data / "events" / "bellingcat_incidents.json"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(incidents)]).exit_code == 0
    assert ledger_size(db) == 2511
    assert runner.invoke(app, ["ingest", "--db", str(db), str(incidents)]).exit_code == 0
    assert ledger_size(db) == 2511  # re-import: nothing new to commit
    easter = str(agreements / "easter-truce-2025.yaml")
    for _ in range(2):
        result = runner.invoke(app, ["assess", "-a", easter, "--db", str(db), "--json"])
        assert result.exit_code == 0, result.output
    assert ledger_size(db) == 2 * 2511  # one finding per observation, recorded once
    assert (
        runner.invoke(app, ["ledger", "checkpoint", "--db", str(db), "--key", str(key)]).exit_code
        == 0
    )
    assert runner.invoke(app, ["ledger", "verify", "--db", str(db)]).exit_code == 0
    finding_id = json.loads(result.stdout)["findings"][0]["id"]
    with sqlite3.connect(db) as raw:
        [(record_id,)] = raw.execute(
            "SELECT record_id FROM ledger_entries WHERE record_id LIKE ?",
            (f"finding/{finding_id}/%",),
        ).fetchall()
    bundle = tmp_path / "b.json"
    exported = runner.invoke(
        app, ["ledger", "export-proof", "--db", str(db), record_id, "--out", str(bundle)]
    )
    assert exported.exit_code == 0, exported.output
    checked = runner.invoke(
        app, ["ledger", "verify-bundle", str(bundle), "--log-key", str(key.with_suffix(".vkey"))]
    )
    assert checked.exit_code == 0, checked.output
    assert json.loads(bundle.read_text())["record"]["finding"]["verdict"] == "possible"


def test_demo_report_seals_the_run_in_the_ledger(tmp_path: Path) -> None:
    out = tmp_path / "demo.md"
    result = runner.invoke(app, ["demo", "--out", str(out), "--db", str(tmp_path / "d.db")])
    assert result.exit_code == 0, result.output
    report = out.read_text(encoding="utf-8")
    for title in (
        "Easter truce 2025",
        "Victory Day truce 2025",
        "Christmas truce 2025",
        "Energy-infrastructure strike moratorium",
        "Hypothetical settlement",
    ):
        assert f"## {title}" in report
    rejected = "| christmas-truce-2025 | proposal rejected; never in force | 3 | 231 | 7 | 698 |"
    assert rejected in report
    assert "- 3 regional tallies or repeated rows overlap a launch report" in report
    assert "- binds only Russian Federation (RU): acts attributed to UA are not covered" in report
    assert "## Evidence ledger" in report
    assert "**verified**" in report
    bundle = tmp_path / "evidence-bundle.json"
    checked = runner.invoke(
        app, ["ledger", "verify-bundle", str(bundle), "--log-key", str(tmp_path / "demo-log.vkey")]
    )
    assert checked.exit_code == 0, checked.output


def test_changed_record_under_a_used_id_is_refused_whole(tmp_path: Path, data: Path) -> None:
    store = SqliteStore(tmp_path / "l.db")
    store.initialise_ledger("test/ledger", Signer.generate("test/ledger").verifier())
    incidents = read_bellingcat_json(data / "events" / "bellingcat_incidents.json").observations
    assert store.add_observations(incidents[:10]).logged == 10
    assert store.add_observations(incidents[:12]).logged == 2  # the two new ones only
    altered = replace(incidents[3], description="rewritten")
    with pytest.raises(ConflictingRecordError, match=incidents[3].id):
        store.add_observations([*incidents[12:20], altered])
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 12
    assert store.count_observations() == 12
    store.close()


def test_ledger_init_logs_what_the_store_held_before(tmp_path: Path, data: Path) -> None:
    db, key = tmp_path / "c.db", tmp_path / "log.key"
    incidents = data / "events" / "bellingcat_incidents.json"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(incidents)]).exit_code == 0
    init = runner.invoke(
        app, ["ledger", "init", "--db", str(db), "--origin", "test/ledger", "--key", str(key)]
    )
    assert init.exit_code == 0, init.output
    assert ledger_size(db) == 2511
    assert runner.invoke(app, ["ledger", "verify", "--db", str(db)]).exit_code == 0
