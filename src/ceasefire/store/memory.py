"""The store in plain Python structures (``memory://``): a second, non-SQL backend.

The contract suite runs against it beside SQLite, which keeps the contract honest: anything
only SQL could do (or only SQLite's quirks allow) fails here first, before the PostgreSQL
backend has to find out. It is also the quickest store for tests that need no file. Nothing
survives the process; every operation holds one lock, so threads simply take turns.

A transaction keeps an undo point per level: rows are append-only (undo = truncate) and a
retirement records the flags it changed; the ledger storage snapshots itself alongside.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from ceasefire.domain import RecordKind, RecordRef
from ceasefire.domain.errors import Problem
from ceasefire.records import EncodedRecord
from ceasefire.store.contract import MAX_PAGE, ObservationQuery, Page, StoredRecord
from ceasefire.store.engine import (
    Item,
    RecordStore,
    in_box,
    index_columns,
    index_problem,
    overlaps,
    point_of,
)
from ceasefire.store.memory_ledger import MemoryLedgerStorage, Snapshot


@dataclass(slots=True)
class _Row:
    seq: int
    ref: RecordRef
    schema: int
    ledger_id: str
    data: bytes
    current: bool
    superseded_by: str | None
    change: int
    columns: tuple[str | None, ...]
    """The query columns (`engine.index_columns`): kept as a SQL backend keeps them, so that
    the audit checks them here too."""
    point: tuple[float, float] | None
    """(lon, lat) for the box filter (`engine.point_of`)."""

    @property
    def source(self) -> str | None:
        return self.columns[0]

    @property
    def start_utc(self) -> str | None:
        return self.columns[1]

    @property
    def end_utc(self) -> str | None:
        return self.columns[2]

    @property
    def agreement_id(self) -> str | None:
        return self.columns[3]

    @property
    def subject(self) -> str | None:
        return self.columns[4]

    def stored(self) -> StoredRecord:
        return StoredRecord(
            self.ref,
            self.ledger_id,
            self.schema,
            self.data,
            self.current,
            self.superseded_by,
            self.change,
        )


@dataclass(frozen=True, slots=True)
class _UndoPoint:
    rows: int
    retirements: int
    ledger: Snapshot


class MemoryStore(RecordStore):
    """The `Store` contract in memory."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._ledger_memory = MemoryLedgerStorage()
        super().__init__(self._ledger_memory)
        self._rows: list[_Row] = []
        self._current: dict[RecordRef, _Row] = {}
        #: (row, its flags before a retirement), newest last: what a rollback undoes.
        self._retirements: list[tuple[_Row, bool, str | None, int]] = []
        self._undo: list[_UndoPoint] = []

    def _reading(self) -> AbstractContextManager[object]:
        return self._write_lock

    def close(self) -> None:
        """Nothing to release; the data goes with the object."""

    @contextmanager
    def _transaction(self) -> Iterator[bool]:
        point = _UndoPoint(len(self._rows), len(self._retirements), self._ledger_memory.snapshot())
        self._undo.append(point)
        try:
            yield len(self._undo) == 1
        except BaseException:
            self._roll_back(point)
            raise
        finally:
            self._undo.pop()
        if not self._undo:
            self._retirements.clear()  # committed: nothing left to undo

    def _roll_back(self, point: _UndoPoint) -> None:
        for row, current, superseded_by, change in reversed(self._retirements[point.retirements :]):
            row.current, row.superseded_by, row.change = current, superseded_by, change
        del self._retirements[point.retirements :]
        del self._rows[point.rows :]
        self._current = {row.ref: row for row in self._rows if row.current}
        self._ledger_memory.restore(point.ledger)

    # -- table operations --------------------------------------------------------------

    def _current_ledger_ids(self, kind: RecordKind, ids: Sequence[str]) -> dict[str, str]:
        rows = (self._current.get(RecordRef(kind, rid)) for rid in ids)
        return {row.ref.id: row.ledger_id for row in rows if row is not None}

    def _current_findings(self, agreement_id: str, subject_kind: RecordKind) -> dict[str, str]:
        prefix = f"{subject_kind}/"
        return {
            row.ref.id: row.ledger_id
            for row in self._current.values()
            if row.ref.kind is RecordKind.FINDING and row.agreement_id == agreement_id
            and (row.subject or "").startswith(prefix)
        }

    def _was_stored(self, encoded: EncodedRecord) -> bool:
        return any(
            row.ref == encoded.ref and row.ledger_id == encoded.ledger_id and not row.current
            for row in self._rows
        )

    def _next_change(self) -> int:
        return max((row.change for row in self._rows), default=0) + 1

    def _insert(self, items: Sequence[Item], change: int) -> None:
        for n, (record, e) in enumerate(items):
            row = _Row(
                seq=len(self._rows) + 1,
                ref=e.ref,
                schema=e.schema,
                ledger_id=e.ledger_id,
                data=e.data,
                current=True,
                superseded_by=None,
                change=change + n,
                columns=index_columns(record),
                point=point_of(record),
            )
            self._rows.append(row)
            self._current[e.ref] = row

    def _retire(self, ref: RecordRef, successor: str | None, change: int) -> None:
        row = self._current.pop(ref, None)
        if row is None:
            return
        self._retirements.append((row, row.current, row.superseded_by, row.change))
        row.current, row.superseded_by, row.change = False, successor, change

    # -- reads -----------------------------------------------------------------------

    def _versions(self, ref: RecordRef) -> list[tuple[int, StoredRecord]]:
        return [(row.seq, row.stored()) for row in self._rows if row.ref == ref]

    def _superseded_by(self, ledger_ids: Sequence[str]) -> list[tuple[int, StoredRecord]]:
        wanted = set(ledger_ids)
        return [(row.seq, row.stored()) for row in self._rows if row.superseded_by in wanted]

    def _current_bodies(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> list[bytes]:
        chosen = sorted(
            (
                row
                for row in self._current.values()
                if row.ref.kind is kind
                and (query.sources is None or row.source in query.sources)
                and (after is None or row.ref.id > after)
                and (
                    query.overlapping is None
                    or overlaps(row.start_utc or "", row.end_utc or "", query.overlapping)
                )
                and (query.bbox is None or in_box(row.point, query.bbox))
            ),
            key=lambda row: row.ref.id,
        )
        return [row.data for row in chosen[:limit]]

    def _subject_bodies(self, kind: RecordKind, subject: str) -> list[bytes]:
        rows = [
            row
            for row in self._current.values()
            if row.ref.kind is kind and row.subject == subject
        ]
        return [row.data for row in sorted(rows, key=lambda row: row.seq)]

    def _finding_bodies(
        self, agreement_id: str, after: str | None = None, limit: int | None = None
    ) -> list[bytes]:
        rows = sorted(
            (row for row in self._current.values()
             if row.ref.kind is RecordKind.FINDING and row.agreement_id == agreement_id
             and (after is None or row.ref.id > after)),
            key=lambda row: row.ref.id,
        )
        return [row.data for row in rows[:limit]]

    def _finding_agreement_ids(self) -> list[str]:
        return sorted({row.agreement_id for row in self._current.values()
                       if row.ref.kind is RecordKind.FINDING and row.agreement_id is not None})

    def get(self, ref: RecordRef) -> StoredRecord | None:
        with self._reading():
            row = self._current.get(ref)
            return None if row is None else row.stored()

    def count_observations(self) -> int:
        with self._reading():
            return sum(1 for ref in self._current if ref.kind is RecordKind.OBSERVATION)

    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]:
        limit = max(1, min(limit, MAX_PAGE))
        with self._reading():
            rows = sorted((row for row in self._rows if row.change > since), key=lambda r: r.change)
            items = [row.stored() for row in rows[:limit]]
        return Page(items, str(items[-1].change if items else since))

    def change_head(self) -> int:
        with self._reading():
            return max((row.change for row in self._rows), default=0)

    def index_problems(self) -> list[Problem]:
        with self._reading():
            rows = list(self._rows)
        found = (index_problem(r.ledger_id, r.data, r.columns) for r in rows)
        return [p for p in found if p is not None]

    def stored_records(self) -> Iterator[StoredRecord]:
        with self._reading():
            rows = list(self._rows)
        for row in rows:
            yield row.stored()
