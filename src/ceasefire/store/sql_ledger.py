"""The ledger's lookups and small writes, written once for both SQL ledger storages.

SQLite and PostgreSQL keep the same five ``ledger_*`` tables (sqlite_ledger.py,
migrations/postgres/), so everything but the batch append, the tile reads and the entry scan
is the same SQL: it lives here, with SQLite's ``?`` placeholders (the PostgreSQL storage
translates them) and ``ON CONFLICT ... DO UPDATE``, which both engines understand.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from ceasefire.ledger.storage import StoredEntry
from ceasefire.ledger.tiles import TileKey

#: Tile keys: level << 56 | index, one primary-key seek per tile.
TILE_KEY_SHIFT = 56


def tile_key(key: TileKey) -> int:
    return (key[0] << TILE_KEY_SHIFT) | key[1]


class SqlLedgerTables(ABC):
    """`LedgerStorage` methods both SQL storages share (a mixin: they add the rest)."""

    @abstractmethod
    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        """The first row of a query (``?`` placeholders), or None."""

    @abstractmethod
    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query (``?`` placeholders)."""

    @abstractmethod
    def _write(self, sql: str, params: Sequence[object]) -> None:
        """Run one statement that changes rows."""

    def tree_size(self) -> int:
        """Number of entries (largest index + 1; indices are dense by construction)."""
        row = self._one("SELECT max(idx) FROM ledger_entries")
        return 0 if row is None or row[0] is None else int(row[0]) + 1

    def _duplicate_message(self, entries: Sequence[tuple[str, bytes]]) -> str:
        for rid, _ in entries:
            found = self.index_of(rid)
            if found is not None:
                return f"record {rid!r}: id already in the ledger at index {found}"
        return "a record id is already in the ledger, or another writer appended first"

    def entry(self, index: int) -> StoredEntry | None:
        """Entry at `index`."""
        row = self._one("SELECT record_id, data FROM ledger_entries WHERE idx = ?", (index,))
        return None if row is None else StoredEntry(index, str(row[0]), bytes(row[1]))

    def index_of(self, record_id: str) -> int | None:
        """Index of `record_id`."""
        row = self._one("SELECT idx FROM ledger_entries WHERE record_id = ?", (record_id,))
        return None if row is None else int(row[0])

    def save_checkpoint(self, size: int, note: str) -> None:
        """Keep the checkpoint for `size` (a re-signed one replaces it)."""
        self._write(
            "INSERT INTO ledger_checkpoints (size, note) VALUES (?, ?)"
            " ON CONFLICT (size) DO UPDATE SET note = excluded.note",
            (size, note),
        )

    def checkpoint(self, size: int | None = None) -> str | None:
        """Checkpoint of `size`, or the latest."""
        if size is None:
            row = self._one("SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")
        else:
            row = self._one("SELECT note FROM ledger_checkpoints WHERE size = ?", (size,))
        return None if row is None else str(row[0])

    def checkpoint_at_or_after(self, size: int) -> str | None:
        """Earliest checkpoint covering `size` entries."""
        row = self._one(
            "SELECT note FROM ledger_checkpoints WHERE size >= ? ORDER BY size LIMIT 1", (size,)
        )
        return None if row is None else str(row[0])

    def add_cosignature(self, size: int, witness: str, line: str) -> None:
        """Keep one cosignature line per witness and checkpoint."""
        self._write(
            "INSERT INTO ledger_cosignatures (size, witness, line) VALUES (?, ?, ?)"
            " ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line",
            (size, witness, line),
        )

    def cosignatures(self, size: int) -> list[str]:
        """Cosignature lines for checkpoint `size`."""
        rows = self._all(
            "SELECT line FROM ledger_cosignatures WHERE size = ? ORDER BY witness", (size,)
        )
        return [str(r[0]) for r in rows]

    def get_meta(self, key: str) -> str | None:
        """A configuration value."""
        row = self._one("SELECT value FROM ledger_meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a configuration value."""
        self._write(
            "INSERT INTO ledger_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
