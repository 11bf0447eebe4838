"""The table operations and reads both SQL backends share, written once in SQLite's dialect.

SQLite and PostgreSQL hold the same `records` table (sqlite.py, migrations/postgres/), so
apart from connections, transactions, inserts and a few lookups they run the same SQL. It
lives here, with ``?`` placeholders; the PostgreSQL backend turns them into psycopg's ``%s``.
What differs is a hook: how a backend runs a statement (`_rows`, `_write`), tests membership in
a list (`_any`), and filters by a box (`_box_clause`: a JSON scan in SQLite, a GiST-indexed
point in PostGIS). ``current`` is an integer (1 or 0) in both, so partial indexes ``WHERE
current = 1`` serve the same queries on both.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from ceasefire.domain import RecordKind, RecordRef
from ceasefire.domain.errors import Problem
from ceasefire.records import EncodedRecord, Record
from ceasefire.store.contract import MAX_PAGE, ObservationQuery, Page, StoredRecord
from ceasefire.store.engine import RecordStore, index_columns, index_problem, utc_text

#: The columns a `StoredRecord` is read from, in `stored`'s order.
READ = "kind, id, ledger_id, schema, body, current, superseded_by, change"

Box = tuple[float, float, float, float]


def stored(row: Sequence[Any]) -> StoredRecord:
    """A `StoredRecord` from a row of `READ`."""
    kind, rid, ledger_id, schema, body, current, superseded_by, change = row
    return StoredRecord(
        ref=RecordRef(RecordKind(kind), rid),
        ledger_id=ledger_id,
        schema=int(schema),
        data=bytes(body),
        current=bool(current),
        superseded_by=superseded_by,
        change=int(change),
    )


def insert_values(record: Record, encoded: EncodedRecord, change: int) -> tuple[object, ...]:
    """kind, id, schema, ledger_id, body, change and the query columns of one new version: the
    values both backends insert (PostgreSQL adds the PostGIS point)."""
    ref = encoded.ref
    return (str(ref.kind), ref.id, encoded.schema, encoded.ledger_id, encoded.data, change,
            *index_columns(record))


def overlap_clause(
    overlapping: tuple[datetime, datetime] | None, params: list[object]
) -> list[str]:
    """The half-open overlap test of the contract (`engine.overlaps`), in SQL."""
    if overlapping is None:
        return []
    start, end = utc_text(overlapping[0]), utc_text(overlapping[1])
    params.extend([end, start, start])
    return ["start_utc < ? AND (end_utc > ? OR (start_utc = end_utc AND start_utc >= ?))"]


class SqlRecordStore(RecordStore):
    """`RecordStore` over SQL: what both SQL backends run identically."""

    # -- what each SQL backend provides ------------------------------------------------

    @abstractmethod
    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query (``?`` placeholders), on this thread's connection."""

    @abstractmethod
    def _write(self, sql: str, params: Sequence[object]) -> None:
        """Run one statement that changes rows, inside the current transaction."""

    @abstractmethod
    def _any(self, column: str, values: Sequence[str], params: list[object]) -> str:
        """A clause true when `column` is one of `values` (adding their parameters)."""

    @abstractmethod
    def _box_clause(self, bbox: Box, params: list[object]) -> str:
        """A clause true for an observation whose point lies in `bbox` (edges included)."""

    # -- shared table operations ---------------------------------------------------------

    def _current_findings(self, agreement_id: str, subject_kind: RecordKind) -> dict[str, str]:
        rows = self._rows(
            "SELECT id, ledger_id FROM records WHERE kind = 'finding' AND current = 1"
            " AND agreement_id = ? AND substr(subject, 1, ?) = ?",
            (agreement_id, len(str(subject_kind)) + 1, f"{subject_kind}/"),
        )
        return {str(rid): str(lid) for rid, lid in rows}

    def _was_stored(self, encoded: EncodedRecord) -> bool:
        return bool(
            self._rows(
                "SELECT 1 FROM records WHERE ledger_id = ? AND kind = ? AND id = ?"
                " AND current = 0",
                (encoded.ledger_id, str(encoded.ref.kind), encoded.ref.id),
            )
        )

    def _next_change(self) -> int:
        [(top,)] = self._rows("SELECT coalesce(max(change), 0) FROM records")
        return int(top) + 1

    def _retire(self, ref: RecordRef, successor: str | None, change: int) -> None:
        self._write(
            "UPDATE records SET current = 0, superseded_by = ?, change = ?"
            " WHERE kind = ? AND id = ? AND current = 1",
            (successor, change, str(ref.kind), ref.id),
        )

    # -- shared reads ------------------------------------------------------------------

    def _numbered(self, sql: str, params: Sequence[object]) -> list[tuple[int, StoredRecord]]:
        return [(int(row[0]), stored(row[1:])) for row in self._rows(sql, params)]

    def _versions(self, ref: RecordRef) -> list[tuple[int, StoredRecord]]:
        return self._numbered(
            f"SELECT seq, {READ} FROM records WHERE kind = ? AND id = ?", (str(ref.kind), ref.id)
        )

    def _superseded_by(self, ledger_ids: Sequence[str]) -> list[tuple[int, StoredRecord]]:
        params: list[object] = []
        clause = self._any("superseded_by", ledger_ids, params)
        return self._numbered(f"SELECT seq, {READ} FROM records WHERE {clause}", params)

    def _current_query(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> tuple[str, list[object]]:
        """The SQL and parameters of `_current_bodies` (apart, so a test can EXPLAIN it)."""
        clauses = ["kind = ?", "current = 1"]
        params: list[object] = [str(kind)]
        if query.sources is not None:
            clauses.append(self._any("source", sorted(query.sources), params))
        clauses += overlap_clause(query.overlapping, params)
        if query.bbox is not None:
            clauses.append(self._box_clause(query.bbox, params))
        if after is not None:
            clauses.append("id > ?")
            params.append(after)
        sql = f"SELECT body FROM records WHERE {' AND '.join(clauses)} ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return sql, params

    def _current_bodies(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> list[bytes]:
        sql, params = self._current_query(kind, query, after, limit)
        return [bytes(body) for (body,) in self._rows(sql, params)]

    def _subject_bodies(self, kind: RecordKind, subject: str) -> list[bytes]:
        rows = self._rows(
            "SELECT body FROM records WHERE subject = ? AND kind = ? AND current = 1 ORDER BY seq",
            (subject, str(kind)),
        )
        return [bytes(body) for (body,) in rows]

    def _finding_bodies(
        self, agreement_id: str, after: str | None = None, limit: int | None = None
    ) -> list[bytes]:
        sql = (
            "SELECT body FROM records WHERE agreement_id = ? AND kind = 'finding' AND current = 1"
            " AND id > ? ORDER BY id"
        )
        params: list[object] = [agreement_id, after or ""]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [bytes(body) for (body,) in self._rows(sql, params)]

    def _finding_agreement_ids(self) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT agreement_id FROM records WHERE kind = 'finding' AND current = 1"
            " ORDER BY agreement_id"
        )
        return [str(agreement_id) for (agreement_id,) in rows]

    def get(self, ref: RecordRef) -> StoredRecord | None:
        rows = self._rows(
            f"SELECT {READ} FROM records WHERE kind = ? AND id = ? AND current = 1",
            (str(ref.kind), ref.id),
        )
        return stored(rows[0]) if rows else None

    def count_observations(self) -> int:
        rows = self._rows("SELECT count(*) FROM records WHERE kind = 'observation' AND current = 1")
        return int(rows[0][0])

    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]:
        limit = max(1, min(limit, MAX_PAGE))
        rows = self._rows(
            f"SELECT {READ} FROM records WHERE change > ? ORDER BY change LIMIT ?",
            (since, limit),
        )
        items = [stored(r) for r in rows]
        return Page(items, str(items[-1].change if items else since))

    def change_head(self) -> int:
        rows = self._rows("SELECT COALESCE(MAX(change), 0) FROM records", ())
        return int(rows[0][0])

    def stored_records(self) -> Iterator[StoredRecord]:
        for row in self._rows(f"SELECT {READ} FROM records ORDER BY seq"):
            yield stored(row)

    def index_problems(self) -> list[Problem]:
        rows = self._rows(
            "SELECT ledger_id, body, source, start_utc, end_utc, agreement_id, subject, verdict"
            " FROM records ORDER BY seq"
        )
        found = (index_problem(r[0], bytes(r[1]), tuple(r[2:])) for r in rows)
        return [p for p in found if p is not None]
