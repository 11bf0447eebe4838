"""The repository interface every backend implements (SQLite now, PostgreSQL later).

Writes are atomic per call: a batch that holds one bad record stores nothing, so an import
never leaves the store half-updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ceasefire.domain import Finding, Observation


class ConflictingRecordError(ValueError):
    """A record with this id is stored already with different content; nothing was written."""

    def __init__(self, record_id: str, reason: str) -> None:
        self.record_id = record_id
        super().__init__(f"record {record_id}: {reason}")


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    already_present: int


class Repository(Protocol):
    def add_observations(self, observations: Sequence[Observation]) -> AddResult:
        """Store new observations; identical re-imports are counted, not duplicated."""
        ...

    def observations(
        self,
        sources: Iterable[str] | None = None,
        overlapping: tuple[datetime, datetime] | None = None,
    ) -> list[Observation]:
        """Stored observations, optionally of some sources and overlapping [start, end)."""
        ...

    def count_observations(self) -> int: ...

    def replace_findings(self, agreement_id: str, findings: Sequence[Finding]) -> None:
        """Make `findings` the agreement's current assessment (the previous one is replaced)."""
        ...

    def findings(self, agreement_id: str) -> list[Finding]: ...

    def close(self) -> None: ...
