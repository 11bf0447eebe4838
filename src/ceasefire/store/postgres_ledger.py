"""PostgreSQL persistence of the ledger (implements `ceasefire.ledger.storage.LedgerStorage`).

The same five ``ledger_*`` tables as the SQLite layout (sqlite_ledger.py), created by the
store's migrations (postgres_schema.py), in the database and schema of the records. The store
hands this storage its own per-thread connection (`sharing`), so an append made inside the
store's unit of work is a savepoint of that transaction: records and entries commit together.

Standalone (`PostgresLedgerStorage(url)`) it opens a connection of its own, and an append takes
the store's advisory lock for its transaction, so it queues behind the store's writers instead
of racing them. Either way the size check (`tree_size() == start`) and the unique indices make
a lost race a `StorageError`, never a gap or a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from ceasefire.domain.errors import StorageUnavailableError
from ceasefire.ledger.storage import StorageError, StoredEntry
from ceasefire.ledger.tiles import TileKey
from ceasefire.store.postgres_schema import Connection, lock_store
from ceasefire.store.sql_ledger import SqlLedgerTables, tile_key

#: Entries read per query by `entries` (a scan of the whole log reads it page by page).
_SCAN = 10_000

class PostgresLedgerStorage(SqlLedgerTables):
    """Ledger storage in a PostgreSQL database (on the store's connections, or its own)."""

    def __init__(self, connection: Callable[[], Connection], where: str = "PostgreSQL") -> None:
        self._connection = connection
        self._where = where
        """Named in errors: the store's URL (without its password)."""

    @contextmanager
    def _reached(self) -> Iterator[None]:
        """A lost connection (a restarted server, a dropped session) as storage-unavailable;
        the store's next call opens a new one."""
        try:
            yield
        except psycopg.OperationalError as exc:
            reason = f"{self._where}: the ledger is unreachable: {exc}"
            raise StorageUnavailableError(reason) from None

    @property
    def _db(self) -> Connection:
        return self._connection()

    def append(
        self, start: int, entries: Sequence[tuple[str, bytes]], tiles: Mapping[TileKey, bytes]
    ) -> None:
        """Insert entries and upsert tiles in one transaction (a savepoint of the caller's)."""
        db = self._db
        outermost = db.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        try:
            with db.transaction(), db.cursor() as cur:
                if outermost:
                    lock_store(db)
                size = self.tree_size()
                if size != start:
                    raise StorageError(f"log has {size} entries, the writer expected {start}")
                cur.executemany(
                    "INSERT INTO ledger_entries (idx, record_id, data) VALUES (%s, %s, %s)",
                    [(start + n, rid, data) for n, (rid, data) in enumerate(entries)],
                )
                cur.executemany(
                    "INSERT INTO ledger_tiles (key, level, idx, data) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                    [(tile_key(k), k[0], k[1], blob) for k, blob in tiles.items()],
                )
        except psycopg.errors.UniqueViolation:
            # The savepoint is rolled back: the connection is usable to say which id it was.
            raise StorageError(self._duplicate_message(entries)) from None
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(
                f"{self._where}: ledger append not committed: {exc}"
            ) from None

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        """Tile blobs for the keys that exist (one query for the whole batch)."""
        if not keys:
            return {}
        wanted = {tile_key(k): k for k in keys}
        rows = self._all("SELECT key, data FROM ledger_tiles WHERE key = ANY(?)", (list(wanted),))
        return {wanted[int(key)]: bytes(data) for key, data in rows}

    def entries(self, start: int, end: int) -> Iterator[StoredEntry]:
        """Entries in [start, end), in index order."""
        for at in range(start, end, _SCAN):  # a page at a time: a log may not fit in memory
            rows = self._all(
                "SELECT idx, record_id, data FROM ledger_entries"
                " WHERE idx >= ? AND idx < ? ORDER BY idx",
                (at, min(at + _SCAN, end)),
            )
            for idx, rid, data in rows:
                yield StoredEntry(int(idx), str(rid), bytes(data))

    # -- what `SqlLedgerTables` runs its shared SQL with ---------------------------------

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        with self._reached():
            return self._db.execute(sql.replace("?", "%s"), params).fetchone()

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._reached():
            return self._db.execute(sql.replace("?", "%s"), params).fetchall()

    def _write(self, sql: str, params: Sequence[object]) -> None:
        with self._reached():
            self._db.execute(sql.replace("?", "%s"), params)
