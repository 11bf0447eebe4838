"""What only the SQLite backend can show: a process killed inside a unit of work, a ledger that
refuses mid-write, files from older versions, and the URLs that open it."""

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ceasefire.domain.errors import StorageUnavailableError, UsageError
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.ledger.note import Signer
from ceasefire.ledger.storage import StorageError
from ceasefire.records import encode
from ceasefire.store import MemoryStore, SqliteStore, open_store, store_url

# Runs in a child process: store the first 60 Bellingcat incidents, and die by SIGKILL at the
# named point of the unit of work. Fault injection only: the store, the ledger and SQLite are
# the real ones.
CHILD = """
import os, signal, sys
from pathlib import Path
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.ledger.log import Ledger
from ceasefire.store import open_store
from ceasefire.store.sqlite import SqliteStore

db, data, point = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
observations = read_bellingcat_json(data).observations[:60]

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "before-ledger":
    Ledger.append_missing_entries = die
else:
    logged = SqliteStore._log
    def log_then_die(self, encoded):
        logged(self, encoded)
        die()
    SqliteStore._log = log_then_die
open_store(db).add_observations(observations)
print("not killed")
"""


@pytest.fixture(scope="module")
def incidents_json(data: Path) -> Path:
    return data / "events" / "bellingcat_incidents.json"


@pytest.mark.parametrize("point", ["before-ledger", "after-ledger-before-commit"])
def test_killed_between_store_write_and_ledger_append_leaves_both_unchanged(
    tmp_path: Path, incidents_json: Path, point: str
) -> None:
    db = tmp_path / "c.db"
    store = SqliteStore(db)
    store.initialise_ledger("test/kill", Signer.generate("test/kill").verifier())
    first = read_bellingcat_json(incidents_json).observations[:60]
    store.add_observations(first[:10])
    store.close()

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(incidents_json), point],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr

    store = SqliteStore(db)
    assert store.count_observations() == 10
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 10
    assert ledger.verify().ok
    retried = store.add_observations(first)
    assert (retried.added, retried.already_present, retried.logged) == (50, 10, 50)
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 60
    assert ledger.verify().ok
    store.close()


def test_a_ledger_refusal_undoes_the_store_write(tmp_path: Path, incidents_json: Path) -> None:
    observations = read_bellingcat_json(incidents_json).observations[:20]
    store = SqliteStore(tmp_path / "c.db")
    store.initialise_ledger("test/refuse", Signer.generate("test/refuse").verifier())
    store.add_observations(observations[:5])
    # The ledger's insert fails after the store has written the batch (a trigger stands in for
    # a full disk or an I/O error): the store must not keep the batch either.
    victim = encode(observations[12]).ledger_id
    with sqlite3.connect(tmp_path / "c.db") as raw:
        raw.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON ledger_entries"
            f" WHEN NEW.record_id = '{victim}' BEGIN SELECT RAISE(ABORT, 'no space left'); END"
        )
    with pytest.raises(StorageError):
        store.add_observations(observations)
    assert store.count_observations() == 5
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 5
    with sqlite3.connect(tmp_path / "c.db") as raw:
        raw.execute("DROP TRIGGER refuse")
    retried = store.add_observations(observations)
    assert (retried.added, retried.logged) == (15, 15)
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 20
    assert ledger.verify().ok
    store.close()


def test_a_store_from_before_versioned_records_is_refused_clearly(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as raw:
        raw.execute("CREATE TABLE observations (id TEXT PRIMARY KEY, body TEXT)")
    with pytest.raises(StorageUnavailableError, match=r"older ceasefire.*ingest the sources again"):
        SqliteStore(old)
    with sqlite3.connect(old) as raw:  # and the old file was left as it was
        tables = [name for (name,) in raw.execute("SELECT name FROM sqlite_master")]
    assert tables == ["observations", "sqlite_autoindex_observations_1"]


def test_urls_and_paths_open_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert store_url("my.db") == "sqlite:///my.db"
    assert store_url("sqlite:////abs/x.db") == "sqlite:////abs/x.db"
    relative = open_store("sqlite:///rel/one.db")
    assert isinstance(relative, SqliteStore)
    assert relative.path == "rel/one.db"
    relative.close()
    absolute = open_store(f"sqlite:///{tmp_path}/two.db")
    assert isinstance(absolute, SqliteStore)
    assert absolute.path == f"{tmp_path}/two.db"
    absolute.close()
    assert (tmp_path / "rel" / "one.db").exists()
    assert (tmp_path / "two.db").exists()
    memory = open_store("sqlite://")
    assert isinstance(memory, SqliteStore)
    assert memory.path == ":memory:"
    memory.close()
    known = r"known: memory, postgres, postgresql, sqlite"
    with pytest.raises(UsageError, match=rf"no store backend for 'mysql'.*{known}"):
        open_store("mysql://db.example/x")
    with pytest.raises(UsageError, match="no host"):
        open_store("sqlite://host/x.db")
    assert isinstance(open_store("memory://"), MemoryStore)
    with pytest.raises(UsageError, match="takes no path"):
        open_store("memory://somewhere/x")
