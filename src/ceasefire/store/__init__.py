"""Persistence behind one contract (`Store`); backends are opened by URL (`open_store`).

SQLite is the embedded default: the demo and the tests need no server. `memory://` keeps
everything in the process (tests); both implement the contract through `engine.RecordStore`.
"""

from ceasefire.store.contract import (
    AddResult,
    ConflictingRecordError,
    ObservationQuery,
    Page,
    Store,
    StoredRecord,
)
from ceasefire.store.memory import MemoryStore
from ceasefire.store.registry import backends, open_store, register_backend, store_url
from ceasefire.store.sqlite import SqliteStore

__all__ = [
    "AddResult",
    "ConflictingRecordError",
    "MemoryStore",
    "ObservationQuery",
    "Page",
    "SqliteStore",
    "Store",
    "StoredRecord",
    "backends",
    "open_store",
    "register_backend",
    "store_url",
]
