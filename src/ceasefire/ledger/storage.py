"""What the ledger needs from a store, as a Protocol: the core never imports `store`.

`ceasefire.store.sqlite_ledger.SqliteLedgerStorage` is the embedded
implementation (on a connection of its own, or on the store's, so that records and
their entries commit together); `ceasefire.store.memory_ledger.MemoryLedgerStorage`
keeps a log in the process's memory. tests/test_ledger_log.py runs every ledger test
against each implementation listed in its STORAGES: another backend (PostgreSQL)
adds itself there and must pass them unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ceasefire.domain.errors import ConflictError
from ceasefire.ledger.tiles import TileKey


class StorageError(ConflictError):
    """The store refused a write because it no longer holds what the writer assumed (another
    writer got there first, or an id is already stored); nothing was written. A conflict, not
    an outage: re-read the log, then decide whether to write again."""


@dataclass(frozen=True)
class StoredEntry:
    """One log entry: its position, its record ID and the exact bytes that were hashed."""

    index: int
    record_id: str
    data: bytes


class LedgerStorage(Protocol):
    """Persistence of entries, tiles, checkpoints and cosignatures.

    `append` must be atomic: either all entries and tiles of a batch are
    stored, or none (and it raises `StorageError`), so a crash never leaves
    the tiles disagreeing with the entries.
    """

    def tree_size(self) -> int:
        """Number of entries stored."""
        ...

    def append(
        self, start: int, entries: Sequence[tuple[str, bytes]], tiles: Mapping[TileKey, bytes]
    ) -> None:
        """Store entries at indices start.. and upsert tiles, atomically.

        Raises StorageError if the store does not hold exactly `start` entries
        or if a record ID is already present.
        """
        ...

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        """Tile blobs for the keys that exist."""
        ...

    def entry(self, index: int) -> StoredEntry | None:
        """Entry at `index`, or None."""
        ...

    def index_of(self, record_id: str) -> int | None:
        """Index of the entry with `record_id`, or None."""
        ...

    def entries(self, start: int, end: int) -> Iterator[StoredEntry]:
        """Entries with start <= index < end, in index order."""
        ...

    def save_checkpoint(self, size: int, note: str) -> None:
        """Keep a signed checkpoint note (the log's own signature only)."""
        ...

    def checkpoint(self, size: int | None = None) -> str | None:
        """The signed checkpoint for `size`, or the latest when None."""
        ...

    def checkpoint_at_or_after(self, size: int) -> str | None:
        """The earliest checkpoint whose tree holds at least `size` entries."""
        ...

    def add_cosignature(self, size: int, witness: str, line: str) -> None:
        """Keep a witness's cosignature line for checkpoint `size` (replacing its older one)."""
        ...

    def cosignatures(self, size: int) -> list[str]:
        """Cosignature lines collected for checkpoint `size`."""
        ...

    def get_meta(self, key: str) -> str | None:
        """A configuration value, e.g. the origin or the log's verifier key."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Set a configuration value."""
        ...
