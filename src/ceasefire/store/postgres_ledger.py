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

import psycopg

from ceasefire.ledger.storage import StorageError, StoredEntry
from ceasefire.ledger.tiles import TileKey
from ceasefire.store.postgres_schema import Connection, lock_store

#: Tile keys as in SQLite: level << 56 | index, one primary-key seek per tile.
_TILE_KEY_SHIFT = 56


def _tile_key(key: TileKey) -> int:
    return (key[0] << _TILE_KEY_SHIFT) | key[1]


class PostgresLedgerStorage:
    """Ledger storage in a PostgreSQL database (on the store's connections, or its own)."""

    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._connection = connection

    @property
    def _db(self) -> Connection:
        return self._connection()

    def tree_size(self) -> int:
        """Number of entries (largest index + 1; indices are dense by construction)."""
        row = self._db.execute("SELECT max(idx) FROM ledger_entries").fetchone()
        return 0 if row is None or row[0] is None else int(row[0]) + 1

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
                    [(_tile_key(k), k[0], k[1], blob) for k, blob in tiles.items()],
                )
        except psycopg.errors.UniqueViolation:
            # The savepoint is rolled back: the connection is usable to say which id it was.
            raise StorageError(self._duplicate_message(entries, start)) from None

    def _duplicate_message(self, entries: Sequence[tuple[str, bytes]], start: int) -> str:
        for rid, _ in entries:
            found = self.index_of(rid)
            if found is not None:
                return f"record {rid!r}: id already in the ledger at index {found}"
        return f"another writer appended at index {start} first; re-read the log"

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        """Tile blobs for the keys that exist (one query for the whole batch)."""
        if not keys:
            return {}
        wanted = {_tile_key(k): k for k in keys}
        rows = self._db.execute(
            "SELECT key, data FROM ledger_tiles WHERE key = ANY(%s)", (list(wanted),)
        )
        return {wanted[int(key)]: bytes(data) for key, data in rows}

    def entry(self, index: int) -> StoredEntry | None:
        """Entry at `index`."""
        row = self._db.execute(
            "SELECT record_id, data FROM ledger_entries WHERE idx = %s", (index,)
        ).fetchone()
        return None if row is None else StoredEntry(index, str(row[0]), bytes(row[1]))

    def index_of(self, record_id: str) -> int | None:
        """Index of `record_id`."""
        row = self._db.execute(
            "SELECT idx FROM ledger_entries WHERE record_id = %s", (record_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def entries(self, start: int, end: int) -> Iterator[StoredEntry]:
        """Entries in [start, end), in index order."""
        rows = self._db.execute(
            "SELECT idx, record_id, data FROM ledger_entries"
            " WHERE idx >= %s AND idx < %s ORDER BY idx",
            (start, end),
        ).fetchall()
        for idx, rid, data in rows:
            yield StoredEntry(int(idx), str(rid), bytes(data))

    def save_checkpoint(self, size: int, note: str) -> None:
        """Keep the checkpoint for `size` (a re-signed one replaces it)."""
        self._db.execute(
            "INSERT INTO ledger_checkpoints (size, note) VALUES (%s, %s)"
            " ON CONFLICT (size) DO UPDATE SET note = excluded.note",
            (size, note),
        )

    def checkpoint(self, size: int | None = None) -> str | None:
        """Checkpoint of `size`, or the latest."""
        if size is None:
            row = self._db.execute(
                "SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1"
            ).fetchone()
        else:
            row = self._db.execute(
                "SELECT note FROM ledger_checkpoints WHERE size = %s", (size,)
            ).fetchone()
        return None if row is None else str(row[0])

    def checkpoint_at_or_after(self, size: int) -> str | None:
        """Earliest checkpoint covering `size` entries."""
        row = self._db.execute(
            "SELECT note FROM ledger_checkpoints WHERE size >= %s ORDER BY size LIMIT 1", (size,)
        ).fetchone()
        return None if row is None else str(row[0])

    def add_cosignature(self, size: int, witness: str, line: str) -> None:
        """Keep one cosignature line per witness and checkpoint."""
        self._db.execute(
            "INSERT INTO ledger_cosignatures (size, witness, line) VALUES (%s, %s, %s)"
            " ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line",
            (size, witness, line),
        )

    def cosignatures(self, size: int) -> list[str]:
        """Cosignature lines for checkpoint `size`."""
        rows = self._db.execute(
            "SELECT line FROM ledger_cosignatures WHERE size = %s ORDER BY witness", (size,)
        )
        return [str(r[0]) for r in rows]

    def get_meta(self, key: str) -> str | None:
        """A configuration value."""
        row = self._db.execute("SELECT value FROM ledger_meta WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a configuration value."""
        self._db.execute(
            "INSERT INTO ledger_meta (key, value) VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
