"""Persistence behind one repository interface; SQLite is the embedded default."""

from ceasefire.store.repository import AddResult, ConflictingRecordError, Repository
from ceasefire.store.sqlite import SqliteRepository

__all__ = ["AddResult", "ConflictingRecordError", "Repository", "SqliteRepository"]
