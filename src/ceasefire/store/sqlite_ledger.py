"""SQLite persistence of the ledger (implements `ceasefire.ledger.storage.LedgerStorage`).

Tables (all prefixed ``ledger_`` so they can share a database with the rest
of the store):

- ``ledger_entries(idx, record_id, data)`` — the canonical bytes that were hashed;
- ``ledger_tiles(key, level, idx, data)`` — tile blobs (C2SP tile + interior
  rows), keyed by ``level << 56 | idx``;
- ``ledger_checkpoints(size, note)`` — notes signed by the log;
- ``ledger_cosignatures(size, witness, line)`` — witness cosignature lines;
- ``ledger_meta(key, value)`` — origin and the log's public key.

WAL mode, one ``BEGIN IMMEDIATE`` transaction per batch: a reader never sees
entries without their tiles. When the store shares its connection (`sharing`), an append made
inside the store's own transaction becomes a savepoint of it, so records and their ledger
entries commit together or not at all (docs/store.md, "Unit of work").

A new database gets 32 KiB pages, so that a full tile blob (16,320 bytes) sits
in one page instead of an overflow chain: this halves the cost of reading a
tile that is not cached (measured in docs/benchmarks.md). An existing database keeps its page size.

``readonly=True`` is for every command that only reads (verify, status, proofs, witnesses): the
file is opened with SQLite's ``mode=ro`` and nothing, not even the schema, is ever written to it,
so an auditor can check a copy they were handed without changing a byte (`connect_readonly`).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ceasefire.domain.errors import StorageUnavailableError
from ceasefire.ledger.storage import StorageError, StoredEntry
from ceasefire.ledger.tiles import TileKey
from ceasefire.store.sql_ledger import SqlLedgerTables, tile_key

PAGE_SIZE = 32768
MMAP_SIZE = 1 << 40  # bytes; SQLite lowers it to SQLITE_MAX_MMAP_SIZE

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_entries (
    idx INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_tiles (
    key INTEGER PRIMARY KEY,  -- level << 56 | idx: one rowid seek per tile
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_cosignatures (
    size INTEGER NOT NULL,
    witness TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (size, witness)
);
CREATE TABLE IF NOT EXISTS ledger_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def prepare_writable(db: sqlite3.Connection) -> None:
    """Page size (new files only), WAL and the ledger's tables on a writable connection."""
    db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # no effect once the file exists
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)


def tune_for_reading(db: sqlite3.Connection) -> None:
    """A large page cache, and pages read through a memory map instead of read() + a copy into
    SQLite's cache: a cold proof's tile read at 10^6 drops from ~80-120 to ~50 µs
    (docs/benchmarks.md). SQLite caps the map at its compile-time maximum (2 GiB)."""
    db.execute("PRAGMA cache_size=-65536")
    db.execute(f"PRAGMA mmap_size={MMAP_SIZE}")


#: Opening ``mode=ro`` fails with these when SQLite cannot create the -wal/-shm files of a WAL
#: database (a read-only directory); SQLITE_READONLY also covers READONLY_DIRECTORY.
_NO_SHARED_MEMORY = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN})


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write to `path`, and that works where the file cannot be written.

    ``mode=ro`` first: it takes SQLite's shared locks, so it reads a consistent state even while
    another process writes the log. A WAL database needs its -shm file for that, and SQLite
    cannot create one in a read-only directory (an auditor's copy); then, if the write-ahead log
    is absent or empty, the file alone holds the whole database and ``immutable=1`` reads it
    without any lock or side file. A non-empty -wal there holds committed changes the main file
    lacks: reading without it would verify a stale log, so that is refused.
    """
    resolved = Path(path).resolve()
    uri = f"file:{quote(str(resolved))}?mode=ro"
    db = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError as exc:
        db.close()
        if exc.sqlite_errorcode & 0xFF not in _NO_SHARED_MEMORY:
            raise
        wal = Path(f"{resolved}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StorageUnavailableError(
                f"{path}: cannot be read read-only here: its write-ahead log {wal} holds changes"
                " not yet in the database file, and SQLite cannot create the shared-memory file"
                " it needs in this read-only directory; copy the database with its -wal file to"
                " a writable directory, or copy it after the writer has closed it"
            ) from None
    return sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)


class SqliteLedgerStorage(SqlLedgerTables):
    """Ledger storage in one SQLite file (or ``:memory:``)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        if readonly:
            db = connect_readonly(self.path)
        else:
            db = sqlite3.connect(self.path, isolation_level=None)
            prepare_writable(db)
        tune_for_reading(db)
        self._connection: Callable[[], sqlite3.Connection] = lambda: db
        self._owned: sqlite3.Connection | None = db

    @classmethod
    def sharing(cls, connection: Callable[[], sqlite3.Connection]) -> SqliteLedgerStorage:
        """Storage on connections someone else owns (the store, one per thread): the caller has
        run `prepare_writable` and `tune_for_reading` on each and closes them."""
        storage = cls.__new__(cls)
        storage.path = ""
        storage._connection = connection
        storage._owned = None
        return storage

    @property
    def _db(self) -> sqlite3.Connection:
        return self._connection()

    def holds_ledger(self) -> bool:
        """True if the ledger's tables exist and it has an origin: asked before anything else,
        so that a file holding no ledger (empty, or another database) is named as such instead
        of failing on a missing table; it reads and never creates."""
        found = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_meta'"
        ).fetchone()
        return found is not None and self.get_meta("origin") is not None

    def close(self) -> None:
        """Close the connection (if this storage opened it)."""
        if self._owned is not None:
            self._owned.close()

    def __enter__(self) -> SqliteLedgerStorage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(
        self, start: int, entries: Sequence[tuple[str, bytes]], tiles: Mapping[TileKey, bytes]
    ) -> None:
        """Insert entries and upsert tiles in one transaction, or nothing at all."""
        db = self._db
        # Inside a caller's transaction (the store's unit of work) the batch is a savepoint of
        # it: all or nothing still holds, and the caller's commit makes it durable.
        own = not db.in_transaction
        db.execute("BEGIN IMMEDIATE" if own else "SAVEPOINT ledger_append")
        try:
            size = self.tree_size()
            if size != start:
                raise StorageError(f"log has {size} entries, the writer expected {start}")
            try:
                rids, datas = zip(*entries, strict=True) if entries else ((), ())
                db.executemany(  # rows built by zip in C: no Python code per row
                    "INSERT INTO ledger_entries (idx, record_id, data) VALUES (?, ?, ?)",
                    zip(itertools.count(start), rids, datas),
                )
            except sqlite3.IntegrityError:
                raise StorageError(self._duplicate_message(entries)) from None
            db.executemany(
                "INSERT OR REPLACE INTO ledger_tiles (key, level, idx, data) VALUES (?, ?, ?, ?)",
                (
                    (tile_key((level, index)), level, index, blob)
                    for (level, index), blob in tiles.items()
                ),
            )
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
                db.execute("ROLLBACK" if own else "ROLLBACK TO ledger_append")
                if not own:
                    db.execute("RELEASE ledger_append")
            raise
        db.execute("COMMIT" if own else "RELEASE ledger_append")

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        """Tile blobs for the keys that exist."""
        out: dict[TileKey, bytes] = {}
        query = "SELECT data FROM ledger_tiles WHERE key = ?"
        db = self._db
        for key in keys:
            row = db.execute(query, (tile_key(key),)).fetchone()
            if row is not None:
                out[key] = bytes(row[0])
        return out

    def entries(self, start: int, end: int) -> Iterator[StoredEntry]:
        """Entries in [start, end), in index order."""
        rows = self._db.execute(
            "SELECT idx, record_id, data FROM ledger_entries"
            " WHERE idx >= ? AND idx < ? ORDER BY idx",
            (start, end),
        )
        for idx, rid, data in rows:
            yield StoredEntry(int(idx), str(rid), bytes(data))

    # -- what `SqlLedgerTables` runs its shared SQL with ---------------------------------

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(sql, params).fetchone()
        return row

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return list(self._db.execute(sql, params))

    def _write(self, sql: str, params: Sequence[object]) -> None:
        self._db.execute(sql, params)
