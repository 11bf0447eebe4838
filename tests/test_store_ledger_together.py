"""Issue 9, defect 2: observations never reach the store without the ledger, or the other way.

Three ways the gap opened before: one record the ledger cannot hold exactly (an absurd number)
refused the whole batch after the store had kept it; two ingests at once; a full disk. Each
case uses the real store, ledger and SQLite, and ends with `ceasefire verify`.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain import Observation
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.ingest.report import IngestReport
from ceasefire.ledger.note import Signer
from ceasefire.pipeline import _write_recordable
from ceasefire.store import SqliteStore

runner = CliRunner()


def ledgered(db: Path) -> SqliteStore:
    store = SqliteStore(db)
    store.initialise_ledger("test/together", Signer.generate("test/together").verifier())
    return store


def verified(db: Path) -> str:
    result = runner.invoke(app, ["verify", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def incidents(data: Path) -> list[Observation]:
    return read_bellingcat_json(data / "events" / "bellingcat_incidents.json").observations[:300]


def test_an_unrecordable_record_is_set_aside_and_the_rest_go_into_both(
    tmp_path: Path, incidents: list[Observation]
) -> None:
    store = ledgered(tmp_path / "c.db")
    absurd = replace(incidents[150], launched=10**300)  # beyond what JSON carries exactly
    batch = [*incidents[:150], absurd, *incidents[151:]]
    report = IngestReport(source="bellingcat", path="incidents.json", observations=list(batch))
    stored, kept = _write_recordable(batch, report, store.add_observations)
    assert (stored.added, stored.logged) == (299, 299)
    [problem] = report.errors
    assert problem.source == "incidents.json"
    assert problem.pointer == f"observation/{absurd.id}"
    assert "launched" in problem.reason
    assert absurd not in kept
    assert len(kept) == 299
    assert store.get_observation(absurd.id) is None
    store.close()
    assert "299 stored records equal what the ledger committed" in verified(tmp_path / "c.db")


CHILD = """
import sys
from pathlib import Path
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.store import open_store

db, data, part = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
observations = read_bellingcat_json(data).observations
store = open_store(db)
for start in range(part * 1000, part * 1000 + 1000, 100):  # ten writes, interleaving
    store.add_observations(observations[start : start + 100])
store.close()
"""


def test_two_ingests_at_once_leave_store_and_ledger_identical(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "c.db"
    ledgered(db).close()
    source = data / "events" / "bellingcat_incidents.json"
    writers = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(source), str(part)])
        for part in (0, 1)
    ]
    assert [w.wait(timeout=300) for w in writers] == [0, 0]
    out = verified(db)
    assert "ledger of 2000 entries" in out
    assert "2000 stored records equal what the ledger committed" in out


def test_a_full_disk_leaves_neither_store_nor_ledger_half_written(
    tmp_path: Path, incidents: list[Observation]
) -> None:
    store = ledgered(tmp_path / "c.db")
    store.add_observations(incidents[:50])
    pages = store._conn().execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own limit on the file: the next pages it needs are refused as "disk is full"
    store._conn().execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        store.add_observations(incidents)
    assert store.count_observations() == 50
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 50
    store.close()
    assert "50 stored records equal what the ledger committed" in verified(tmp_path / "c.db")
