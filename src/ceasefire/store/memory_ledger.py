"""Ledger storage in the process's memory: a second implementation of `LedgerStorage`.

It exists for two reasons. The memory store (`store.memory`) needs a log that rolls back with
its transaction; and a protocol with a single implementation is a protocol nobody has checked:
the ledger's tests run against this one and SQLite alike (tests/test_ledger_log.py), so the
ledger cannot quietly come to depend on SQLite. Nothing survives the process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from ceasefire.ledger.storage import StorageError, StoredEntry
from ceasefire.ledger.tiles import TileKey


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What `restore` needs to undo everything written after `snapshot`."""

    size: int
    tiles: dict[TileKey, bytes]
    checkpoints: dict[int, str]
    cosignatures: dict[tuple[int, str], str]
    meta: dict[str, str]


class MemoryLedgerStorage:
    """Entries, tiles, checkpoints, cosignatures and settings in dicts and a list."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, bytes]] = []
        self._index: dict[str, int] = {}
        self._tiles: dict[TileKey, bytes] = {}
        self._checkpoints: dict[int, str] = {}
        self._cosignatures: dict[tuple[int, str], str] = {}
        self._meta: dict[str, str] = {}

    def snapshot(self) -> Snapshot:
        """The state now; entries are append-only, so their count is enough for them."""
        return Snapshot(
            len(self._entries),
            dict(self._tiles),
            dict(self._checkpoints),
            dict(self._cosignatures),
            dict(self._meta),
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Back to `snapshot`: the rollback of a transaction that appended."""
        for rid, _ in self._entries[snapshot.size :]:
            del self._index[rid]
        del self._entries[snapshot.size :]
        self._tiles = dict(snapshot.tiles)
        self._checkpoints = dict(snapshot.checkpoints)
        self._cosignatures = dict(snapshot.cosignatures)
        self._meta = dict(snapshot.meta)

    def tree_size(self) -> int:
        return len(self._entries)

    def append(
        self, start: int, entries: Sequence[tuple[str, bytes]], tiles: Mapping[TileKey, bytes]
    ) -> None:
        """All checks first, then the writes: nothing is stored when anything is refused."""
        if start != len(self._entries):
            raise StorageError(f"log has {len(self._entries)} entries, the writer expected {start}")
        seen: set[str] = set()
        for rid, _ in entries:
            if rid in self._index:
                raise StorageError(
                    f"record {rid!r}: id already in the ledger at index {self._index[rid]}"
                )
            if rid in seen:
                raise StorageError(f"record {rid!r}: appears twice in the batch")
            seen.add(rid)
        for offset, (rid, data) in enumerate(entries):
            self._index[rid] = start + offset
            self._entries.append((rid, bytes(data)))
        self._tiles.update(tiles)

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        return {key: self._tiles[key] for key in keys if key in self._tiles}

    def entry(self, index: int) -> StoredEntry | None:
        if not 0 <= index < len(self._entries):
            return None
        rid, data = self._entries[index]
        return StoredEntry(index, rid, data)

    def index_of(self, record_id: str) -> int | None:
        return self._index.get(record_id)

    def entries(self, start: int, end: int) -> Iterator[StoredEntry]:
        for index in range(max(start, 0), min(end, len(self._entries))):
            rid, data = self._entries[index]
            yield StoredEntry(index, rid, data)

    def save_checkpoint(self, size: int, note: str) -> None:
        self._checkpoints[size] = note

    def checkpoint(self, size: int | None = None) -> str | None:
        if size is None:
            return self._checkpoints[max(self._checkpoints)] if self._checkpoints else None
        return self._checkpoints.get(size)

    def checkpoint_at_or_after(self, size: int) -> str | None:
        covering = [s for s in self._checkpoints if s >= size]
        return self._checkpoints[min(covering)] if covering else None

    def add_cosignature(self, size: int, witness: str, line: str) -> None:
        self._cosignatures[(size, witness)] = line

    def cosignatures(self, size: int) -> list[str]:
        return [line for (s, w), line in sorted(self._cosignatures.items()) if s == size]

    def get_meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value
