"""Issue 9, defect 1: the store cannot be edited behind the ledger's back unnoticed.

Every case edits the real SQLite file underneath with sqlite3, as someone with write access to
the database would, and checks that `ceasefire verify` names each edited record and that an
assessment from the store refuses to run on them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain import Observation
from ceasefire.store import SqliteStore, open_store
from ceasefire.store.audit import audit

runner = CliRunner()


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory, bulletins_csv: Path) -> Path:
    """The real bulletins ingested into a store with a ledger, once for the module."""
    folder = tmp_path_factory.mktemp("built")
    db, key = folder / "c.db", folder / "log.key"
    init = runner.invoke(
        app, ["ledger", "init", "--db", str(db), "--origin", "test/audit", "--key", str(key)]
    )
    assert init.exit_code == 0, init.output
    assert runner.invoke(app, ["ingest", "--db", str(db), str(bulletins_csv)]).exit_code == 0
    return db


@pytest.fixture
def ledgered_db(built_db: Path, tmp_path: Path) -> Path:
    """A private copy to tamper with (the WAL was checkpointed when the writer closed)."""
    copy = tmp_path / "c.db"
    shutil.copyfile(built_db, copy)
    return copy


def victory_day_molniya(db: Path) -> list[Observation]:
    """The two regional tallies of 10 May 2025 the Victory Day verdicts rest on."""
    store = SqliteStore(db, readonly=True)
    rows = [
        o
        for o in store.observations()
        if o.extras.get("time_start") == "2025-05-10" and o.weapon_model in ("Молнія", "ZALA")
    ]
    store.close()
    assert len(rows) == 2
    return rows


def move_to_june(db: Path, observation: Observation) -> None:
    """Rewrite the stored body so the row's interval falls after the truce."""
    with sqlite3.connect(db) as raw:
        (body,) = raw.execute(
            "SELECT body FROM records WHERE kind = 'observation' AND id = ?", (observation.id,)
        ).fetchone()
        edited = bytes(body).replace(b"2025-05-0", b"2025-06-0").replace(b"2025-05-1", b"2025-06-1")
        assert edited != bytes(body)
        raw.execute(
            "UPDATE records SET body = ? WHERE kind = 'observation' AND id = ?",
            (edited, observation.id),
        )


def test_an_untouched_store_verifies_and_verify_writes_nothing(ledgered_db: Path) -> None:
    before = hashlib.sha256(ledgered_db.read_bytes()).hexdigest()
    result = runner.invoke(app, ["verify", "--db", str(ledgered_db)])
    assert result.exit_code == 0, result.output
    assert "3701 stored records equal what the ledger committed" in result.stdout
    assert "3701 committed records all stored" in result.stdout
    assert hashlib.sha256(ledgered_db.read_bytes()).hexdigest() == before


def test_edited_bodies_are_named_and_assessment_refuses(
    ledgered_db: Path, agreements: Path
) -> None:
    tampered = victory_day_molniya(ledgered_db)
    for observation in tampered:
        move_to_june(ledgered_db, observation)
    # the ledger alone still verifies: it never looks at the store
    assert runner.invoke(app, ["ledger", "verify", "--db", str(ledgered_db)]).exit_code == 0
    result = runner.invoke(app, ["verify", "--db", str(ledgered_db)])
    assert result.exit_code == 1
    for observation in tampered:
        assert f"observation/{observation.id}/" in result.output
    assert "differs from what the ledger committed" in result.output
    victory = str(agreements / "victory-day-truce-2025.yaml")
    assessed = runner.invoke(app, ["assess", "-a", victory, "--db", str(ledgered_db), "--json"])
    assert assessed.exit_code == 1
    assert "2 stored observation(s) differ from the evidence ledger" in assessed.output
    assert not assessed.stdout.strip().startswith("{")  # no findings were printed


def test_edited_query_columns_are_named(ledgered_db: Path) -> None:
    [first, _] = victory_day_molniya(ledgered_db)
    with sqlite3.connect(ledgered_db) as raw:
        raw.execute(
            "UPDATE records SET start_utc = '2030-01-01T00:00:00.000000Z' WHERE id = ?",
            (first.id,),
        )
    store = open_store(str(ledgered_db), readonly=True)
    report = audit(store)
    store.close()
    assert [p.pointer for p in report.problems] == [report.problems[0].pointer]
    assert report.problems[0].pointer is not None
    assert report.problems[0].pointer.startswith(f"observation/{first.id}/")
    assert "start_utc" in report.problems[0].reason


def test_a_deleted_record_is_missing_from_the_store(ledgered_db: Path) -> None:
    [first, _] = victory_day_molniya(ledgered_db)
    with sqlite3.connect(ledgered_db) as raw:
        raw.execute("DELETE FROM records WHERE id = ?", (first.id,))
    result = runner.invoke(app, ["verify", "--db", str(ledgered_db)])
    assert result.exit_code == 1
    assert "missing from the store" in result.output
    assert f"observation/{first.id}/" in result.output


def test_a_record_in_the_store_but_not_in_the_ledger(ledgered_db: Path) -> None:
    [first, _] = victory_day_molniya(ledgered_db)
    with sqlite3.connect(ledgered_db) as raw:
        raw.execute("DELETE FROM ledger_entries WHERE record_id LIKE ?", (f"%{first.id}%",))
    result = runner.invoke(app, ["verify", "--db", str(ledgered_db)])
    assert result.exit_code == 1
    assert "not in the ledger" in result.output or "does not verify" in result.output


def test_a_forged_record_that_is_well_formed_is_still_caught(ledgered_db: Path) -> None:
    """Re-encoding a changed record under its old ledger id: the digest no longer names it."""
    [first, _] = victory_day_molniya(ledgered_db)
    with sqlite3.connect(ledgered_db) as raw:
        (body,) = raw.execute("SELECT body FROM records WHERE id = ?", (first.id,)).fetchone()
        envelope = json.loads(bytes(body))
        envelope["observation"]["launched"] = 0
        forged = json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()
        raw.execute("UPDATE records SET body = ? WHERE id = ?", (forged, first.id))
    store = open_store(str(ledgered_db), readonly=True)
    reasons = " | ".join(p.reason for p in audit(store).problems)
    store.close()
    assert "does not name its content" in reasons
    assert "differs from what the ledger committed" in reasons


def test_verify_on_something_that_is_no_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["verify", "--db", str(empty)])
    assert result.exit_code == 6
    assert "holds no ceasefire store" in result.output
    assert empty.read_bytes() == b""  # nothing written into it
    missing = runner.invoke(app, ["verify", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 6
    assert not (tmp_path / "nope.db").exists()
