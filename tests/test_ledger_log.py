"""The ledger over real storage: appends, proofs, checkpoints, tamper detection, bad input.

Every test runs against each `LedgerStorage` in STORAGES (the conformance suite the protocol's
docstring promises): SQLite on a connection of its own, SQLite on connections someone else
owns (as the store shares its own), the in-memory storage, and PostgreSQL (a schema of the
session's throwaway database per log, tests/pg_helpers.py). The tamper tests edit the file
underneath with sqlite3, so they run on the SQLite ones.
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.ledger.checkpoint import open_checkpoint
from ceasefire.ledger.log import Ledger, LedgerError
from ceasefire.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from ceasefire.ledger.note import Signer
from ceasefire.ledger.storage import LedgerStorage, StorageError
from ceasefire.store.memory_ledger import MemoryLedgerStorage
from ceasefire.store.postgres_connect import connect
from ceasefire.store.postgres_ledger import PostgresLedgerStorage
from ceasefire.store.postgres_schema import migrate
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage, prepare_writable, tune_for_reading
from pg_helpers import ThrowawayDatabase

ORIGIN = "ceasefire.example/ledger"

OpenStorage = Callable[[Path], LedgerStorage]


def _shared_connection(path: Path) -> LedgerStorage:
    db = sqlite3.connect(path, isolation_level=None)
    prepare_writable(db)
    tune_for_reading(db)
    return SqliteLedgerStorage.sharing(lambda: db)


_MEMORY: dict[Path, MemoryLedgerStorage] = {}


def _memory(path: Path) -> LedgerStorage:
    """One memory storage per path, so that "reopening the file" finds the same log."""
    return _MEMORY.setdefault(path, MemoryLedgerStorage())


def _postgres(pg: ThrowawayDatabase) -> OpenStorage:
    """One schema per path in the session's PostgreSQL database, migrated as a store migrates
    it; every opening is a connection of its own, as two processes would have."""
    urls: dict[Path, str] = {}

    def open_path(path: Path) -> LedgerStorage:
        url = urls.setdefault(path, pg.fresh_url())
        db = connect(url)
        migrate(db, url)
        return PostgresLedgerStorage(lambda: db)

    return open_path


SQLITE_STORAGES: dict[str, OpenStorage] = {
    "sqlite-own-connection": SqliteLedgerStorage,
    "sqlite-shared-connection": _shared_connection,
}
STORAGES: dict[str, OpenStorage] = {**SQLITE_STORAGES, "memory": _memory}


@pytest.fixture(scope="module", params=[*sorted(STORAGES), "postgresql"])
def open_storage(request: pytest.FixtureRequest) -> OpenStorage:
    if request.param == "postgresql":
        return _postgres(request.getfixturevalue("pg"))
    return STORAGES[request.param]


@pytest.fixture(scope="module", params=sorted(SQLITE_STORAGES))
def open_sqlite(request: pytest.FixtureRequest) -> OpenStorage:
    """For the tests that tamper with the file underneath the ledger."""
    return SQLITE_STORAGES[request.param]


def new_ledger(path: Path, open_storage: OpenStorage) -> tuple[Ledger, Signer]:
    key = Signer.generate(ORIGIN)
    storage = open_storage(path)
    Ledger.initialise(storage, ORIGIN, key.verifier())
    return Ledger(storage), key


def records(start: int, count: int) -> list[dict[str, object]]:
    return [{"id": f"obs-{i}", "kind": "observation", "n": i} for i in range(start, start + count)]


def test_append_returns_receipts_with_leaf_hash_of_canonical_bytes(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_storage)
    receipt = ledger.append({"kind": "finding", "id": "f-1", "clause": "3.2"})
    assert receipt.leaf_index == 0
    assert receipt.record_id == "f-1"
    assert receipt.leaf_hash == leaf_hash(b'{"clause":"3.2","id":"f-1","kind":"finding"}')
    assert ledger.entry("f-1").data == b'{"clause":"3.2","id":"f-1","kind":"finding"}'


def test_proofs_from_storage_match_recomputed_tree(
    tmp_path: Path, open_sqlite: OpenStorage
) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_sqlite)
    sizes = [1, 255, 1, 300, 65536 - 557, 3]
    start = 0
    for n in sizes:
        ledger.append_many(records(start, n))
        start += n
    hashes = [leaf_hash(e.data) for e in ledger.storage.entries(0, start)]
    assert ledger.root() == root(hashes)
    for size in (1, 256, 257, 65536, start):
        r = root(hashes[:size])
        assert ledger.root(size) == r
        for i in {0, size // 2, size - 1}:
            verify_inclusion(hashes[i], i, size, ledger.inclusion_proof(i, size), r)
        for old in (0, 1, 255, 256, size - 1, size):
            if old <= size:
                verify_consistency(
                    old, size, ledger.consistency_proof(old, size), root(hashes[:old]), r
                )
    # verify works through several of its batches (16,384 entries each)
    assert ledger.verify().ok
    db = sqlite3.connect(tmp_path / "l.db")
    db.execute("UPDATE ledger_entries SET data = ? WHERE idx = 40000", (b'{"id":"obs-40000"}',))
    db.commit()
    assert ledger.verify().first_bad_index == 40000


def test_reopened_ledger_continues_the_same_tree(tmp_path: Path, open_storage: OpenStorage) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_storage)
    ledger.append_many(records(0, 1000))
    again = Ledger(open_storage(tmp_path / "l.db"))
    again.append_many(records(1000, 600))
    hashes = [leaf_hash(e.data) for e in again.storage.entries(0, 1600)]
    assert again.root() == root(hashes)


def test_checkpoint_is_signed_c2sp_note(tmp_path: Path, open_storage: OpenStorage) -> None:
    ledger, key = new_ledger(tmp_path / "l.db", open_storage)
    assert ledger.root() == EMPTY_ROOT
    ledger.append_many(records(0, 10))
    signed = ledger.checkpoint(key)
    text = signed.format()
    assert text.startswith(f"{ORIGIN}\n10\n")
    assert "\n\n\u2014 " + ORIGIN + " " in text
    reopened = open_checkpoint(text, key.verifier(), ORIGIN)
    assert reopened.checkpoint.root_hash == ledger.root()
    with pytest.raises(LedgerError, match="not this log's key"):
        ledger.checkpoint(Signer.generate(ORIGIN))


def test_tampered_row_is_reported_at_its_exact_index(
    tmp_path: Path, open_sqlite: OpenStorage
) -> None:
    ledger, key = new_ledger(tmp_path / "l.db", open_sqlite)
    ledger.append_many(records(0, 3000))
    ledger.checkpoint(key)
    assert ledger.verify().ok
    db = sqlite3.connect(tmp_path / "l.db")
    db.execute(
        "UPDATE ledger_entries SET data = CAST(replace(CAST(data AS TEXT), 'observation',"
        " 'observatioN') AS BLOB) WHERE idx = 2042"
    )
    db.commit()
    report = ledger.verify()
    assert not report.ok
    assert report.first_bad_index == 2042
    assert "2042" in (report.reason or "")


def test_rewritten_row_and_leaf_hash_is_caught_by_interior_hashes(
    tmp_path: Path, open_sqlite: OpenStorage
) -> None:
    """An attacker who also patches the stored leaf hash still breaks the tile above it."""
    ledger, key = new_ledger(tmp_path / "l.db", open_sqlite)
    ledger.append_many(records(0, 600))
    ledger.checkpoint(key)
    new_data = b'{"id":"obs-7","kind":"observation","n":-7}'
    db = sqlite3.connect(tmp_path / "l.db")
    db.execute("UPDATE ledger_entries SET data = ? WHERE idx = 7", (new_data,))
    (blob,) = db.execute("SELECT data FROM ledger_tiles WHERE key = 0").fetchone()
    patched = blob[: 7 * 32] + leaf_hash(new_data) + blob[8 * 32 :]
    db.execute("UPDATE ledger_tiles SET data = ? WHERE key = 0", (patched,))
    db.commit()
    report = ledger.verify()
    assert not report.ok
    assert "interior hashes of tile (0, 0)" in (report.reason or "")


def test_consistently_rewritten_log_is_caught_by_the_signed_checkpoint(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    """Rebuild the whole log with one record changed: only the signature can tell."""
    ledger, key = new_ledger(tmp_path / "l.db", open_storage)
    ledger.append_many(records(0, 50))
    ledger.checkpoint(key)
    checkpoint_note = ledger.storage.checkpoint()
    assert checkpoint_note is not None
    forged, _ = new_ledger(tmp_path / "forged.db", open_storage)
    forged_records = records(0, 50)
    forged_records[20]["n"] = -20
    forged.append_many(forged_records)
    forged.storage.set_meta("log_vkey", key.verifier().vkey())
    forged.storage.save_checkpoint(50, checkpoint_note)  # copy the genuine signed checkpoint
    report = forged.verify()
    assert not report.ok
    assert report.reason == "root of the first 50 entries differs from the signed checkpoint"


def test_deleted_row_is_reported(tmp_path: Path, open_sqlite: OpenStorage) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_sqlite)
    ledger.append_many(records(0, 20))
    db = sqlite3.connect(tmp_path / "l.db")
    db.execute("DELETE FROM ledger_entries WHERE idx = 11")
    db.commit()
    report = ledger.verify()
    assert report.first_bad_index == 11
    assert report.reason == "entry 11 is missing"


def test_truncated_log_is_reported(tmp_path: Path, open_sqlite: OpenStorage) -> None:
    ledger, key = new_ledger(tmp_path / "l.db", open_sqlite)
    ledger.append_many(records(0, 20))
    ledger.checkpoint(key)
    db = sqlite3.connect(tmp_path / "l.db")
    db.execute("DELETE FROM ledger_entries WHERE idx >= 15")
    db.commit()
    report = ledger.verify()
    assert report.first_bad_index == 15
    assert report.reason == "a signed checkpoint covers 20 entries but only 15 are stored"


def test_bad_batch_names_every_bad_record_and_stores_nothing(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_storage)
    ledger.append_many(records(0, 5))
    batch: list[dict[str, object]] = [
        *records(5, 2),
        {"id": "bad-nan", "v": float("nan")},
        {"no": "id"},
        {"id": "bad-time", "t": object()},
        {"id": "obs-5"},
    ]
    with pytest.raises(LedgerError) as info:
        ledger.append_many(batch)
    reasons = {p.pointer: p.reason for p in info.value.problems}
    assert "nan is not a JSON number" in reasons["[2] 'bad-nan'"]
    assert reasons["[3]"] == "has no string 'id' field"
    assert "object is not JSON" in reasons["[4] 'bad-time'"]
    assert "twice" in reasons["[5] 'obs-5'"]
    assert ledger.size == ledger.storage.tree_size() == 5
    assert ledger.verify().ok


def test_duplicate_id_against_store_refused_whole_batch(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_storage)
    ledger.append_many(records(0, 5))
    with pytest.raises(StorageError, match="'obs-3': id already in the ledger at index 3"):
        ledger.append_many(records(3, 4))
    assert ledger.storage.tree_size() == 5
    ledger.append_many(records(5, 4))  # the writer recovered its right edge
    assert ledger.verify().ok


def test_single_append_is_idempotent_but_refuses_a_changed_record(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_storage)
    first = ledger.append({"id": "x", "n": 1})
    assert ledger.append({"n": 1, "id": "x"}) == first
    with pytest.raises(LedgerError, match="a different record with this id is at index 0"):
        ledger.append({"id": "x", "n": 2})
    assert ledger.size == 1


def test_second_writer_is_refused_then_recovers(tmp_path: Path, open_storage: OpenStorage) -> None:
    a, _ = new_ledger(tmp_path / "l.db", open_storage)
    b = Ledger(open_storage(tmp_path / "l.db"))
    a.append_many(records(0, 3))
    with pytest.raises(StorageError, match="writer expected 0"):
        b.append_many(records(3, 2))
    b.append_many(records(3, 2))
    assert b.size == 5
    assert b.verify().ok


def test_proof_for_a_tree_larger_than_the_log_is_refused(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    ledger, _ = new_ledger(tmp_path / "l.db", open_storage)
    ledger.append_many(records(0, 4))
    with pytest.raises(ProofError):
        ledger.inclusion_proof(0, 5)
    with pytest.raises(ProofError):
        ledger.consistency_proof(2, 5)
    with pytest.raises(ProofError):
        ledger.root(5)


@settings(max_examples=25, deadline=None)
@given(batches=st.lists(st.integers(1, 700), min_size=1, max_size=5))
def test_any_batching_gives_the_same_root(
    tmp_path_factory: pytest.TempPathFactory, open_storage: OpenStorage, batches: list[int]
) -> None:
    path = tmp_path_factory.mktemp("b") / "l.db"
    ledger, _ = new_ledger(path, open_storage)
    start = 0
    for n in batches:
        ledger.append_many(records(start, n))
        start += n
    expected = root([leaf_hash(e.data) for e in ledger.storage.entries(0, start)])
    assert ledger.root() == expected
    assert ledger.verify().ok


def test_reader_with_cached_partial_tiles_sees_the_grown_log(
    tmp_path: Path, open_storage: OpenStorage
) -> None:
    """Cached partial tiles stay right for the nodes they hold and are re-read for new ones."""
    writer, _ = new_ledger(tmp_path / "l.db", open_storage)
    writer.append_many(records(0, 300))
    reader = Ledger(open_storage(tmp_path / "l.db"))
    for i in range(300):  # caches the partial right-edge tiles
        reader.inclusion_proof(i)
    writer.append_many(records(300, 700))
    reader.refresh()
    hashes = [leaf_hash(e.data) for e in writer.storage.entries(0, 1000)]
    assert reader.root() == root(hashes) == writer.root()
    for i in (0, 299, 300, 511, 512, 999):
        verify_inclusion(hashes[i], i, 1000, reader.inclusion_proof(i), writer.root())
    verify_consistency(300, 1000, reader.consistency_proof(300), root(hashes[:300]), writer.root())
