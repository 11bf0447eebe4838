"""PostgreSQL/PostGIS store: the same contract as SQLite, for many processes on many machines.

The layout is SQLite's (one `records` table of versioned envelopes with indexed query columns,
the ledger's ``ledger_*`` tables beside it), created and upgraded by versioned migrations
(postgres_schema.py), plus a PostGIS point per observation behind a GiST index for the box
filter. What the contract decides lives in `engine.RecordStore`; this module only stores.

Concurrency. Each thread has its own autocommit connection; a write is one explicit
transaction (READ COMMITTED) that first takes a transaction-level advisory lock on the store
(`postgres_schema.lock_store`). So every writer, in this process or any other, runs alone
between the lock and its commit: change numbers and the ledger's indices are read and extended
by one writer at a time, stay dense and gap-free, and no writer ever sees a serialization
failure to retry. Readers never take the lock. Why not SERIALIZABLE: the ledger's append reads
the tree size and extends it, which every concurrent writer conflicts on anyway, so writes
would serialise just the same, by aborting and retrying whole batches instead of queueing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

import psycopg

from ceasefire.domain import Observation, RecordKind, RecordRef
from ceasefire.domain.errors import (
    CeasefireError,
    InvalidInputError,
    Problem,
    StorageUnavailableError,
)
from ceasefire.records import EncodedRecord
from ceasefire.store.contract import MAX_PAGE, ObservationQuery, Page, StoredRecord
from ceasefire.store.engine import (
    Item,
    RecordStore,
    index_columns,
    index_problem,
    point_of,
    utc_text,
)
from ceasefire.store.postgres_connect import connect, public_url
from ceasefire.store.postgres_ledger import PostgresLedgerStorage
from ceasefire.store.postgres_schema import Connection, check_readable, lock_store, migrate

_COLUMNS = (
    "kind, id, schema, ledger_id, body, current, superseded_by, change,"
    " source, start_utc, end_utc, agreement_id, subject, verdict, location, uncertainty_m"
)
_READ = "kind, id, ledger_id, schema, body, current, superseded_by, change"
#: A point from (lon, lat), or NULL when the record has none.
_POINT = "CASE WHEN %s::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(%s, %s), 4326) END"


def _stored(row: tuple[Any, ...]) -> StoredRecord:
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


def _overlap_clause(
    overlapping: tuple[datetime, datetime] | None, params: list[object]
) -> list[str]:
    """The half-open overlap test of the contract (`engine.overlaps`), in SQL."""
    if overlapping is None:
        return []
    start, end = utc_text(overlapping[0]), utc_text(overlapping[1])
    params.extend([end, start, start])
    return ["start_utc < %s AND (end_utc > %s OR (start_utc = end_utc AND start_utc >= %s))"]


def current_query(
    kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
) -> tuple[str, list[object]]:
    """The SQL (and its parameters) of `RecordStore._current_bodies`: apart, so that a test can
    EXPLAIN exactly what the store runs. The box is PostGIS's ``&&`` (bounding boxes meet, edges
    included) on the GiST-indexed point."""
    clauses = ["kind = %s", "current"]
    params: list[object] = [str(kind)]
    if query.sources is not None:
        clauses.append("source = ANY(%s)")
        params.append(sorted(query.sources))
    clauses += _overlap_clause(query.overlapping, params)
    if query.bbox is not None:
        clauses.append("location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
        params.extend(query.bbox)
    if after is not None:
        clauses.append("id > %s")
        params.append(after)
    sql = f"SELECT body FROM records WHERE {' AND '.join(clauses)} ORDER BY id"
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return sql, params


class PostgresStore(RecordStore):
    """The `Store` contract on a PostgreSQL database with PostGIS."""

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self._dsn = url
        self.url = public_url(url)
        #: An auditor's view: sessions are read-only, nothing is migrated, every write fails.
        self.readonly = readonly
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._connections_lock = threading.Lock()
        super().__init__(PostgresLedgerStorage(self._conn))
        db = self._conn()
        try:
            if readonly:
                check_readable(db, self.url)
            else:
                migrate(db, self.url)
        except BaseException:
            self.close()
            raise

    # -- connections -----------------------------------------------------------------

    def _conn(self) -> Connection:
        db: Connection | None = getattr(self._local, "db", None)
        if db is None or db.closed:
            db = connect(self._dsn, readonly=self.readonly)
            self._local.db = db
            with self._connections_lock:
                self._connections.append(db)
        return db

    def _reading(self) -> AbstractContextManager[object]:
        return nullcontext()  # one connection per thread: nothing to share

    def close(self) -> None:
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- transaction -----------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[bool]:
        if self.readonly:
            raise StorageUnavailableError(f"{self.url} is open read-only: nothing can be written")
        db = self._conn()
        outermost = db.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        try:
            with db.transaction():
                if outermost:
                    lock_store(db)
                yield outermost
        except CeasefireError:
            raise
        except psycopg.errors.DataError as exc:
            raise InvalidInputError(f"{self.url}: a value cannot be stored: {exc}") from None
        except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected) as exc:
            # Not expected under the advisory lock; if a server setting causes it, say so.
            raise StorageUnavailableError(
                f"{self.url}: write not committed, the server aborted it ({exc}); nothing was"
                " stored, try again"
            ) from None
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(
                f"{self.url}: write not committed: {exc}; nothing was stored"
            ) from None
        finally:
            # What was looked up may have been rolled back (a savepoint): never trust it after.
            self._local.known = None

    # -- table operations --------------------------------------------------------------

    def _current_ledger_ids(self, kind: RecordKind, ids: Sequence[str]) -> dict[str, str]:
        """One query for the batch, which also remembers, until the (sub)transaction ends or a
        row of these ids changes, every version stored under each id: the engine's per-record
        questions (`_was_stored`, and `_versions` for a new id) are then answered without a
        round trip each, which on a server is most of an ingest's time."""
        rows = self._conn().execute(
            "SELECT id, ledger_id, current FROM records WHERE kind = %s AND id = ANY(%s)",
            (str(kind), list(ids)),
        )
        known = self._known()
        for rid in ids:
            known[(str(kind), rid)] = []
        current: dict[str, str] = {}
        for rid, lid, is_current in rows:
            if is_current:
                current[str(rid)] = str(lid)
            known[(str(kind), str(rid))].append((str(lid), bool(is_current)))
        return current

    def _known(self) -> dict[tuple[str, str], list[tuple[str, bool]]]:
        """(kind, id) -> (ledger id, current) of every stored version, for the ids looked up
        in the current (sub)transaction of this thread."""
        known: dict[tuple[str, str], list[tuple[str, bool]]] | None = getattr(
            self._local, "known", None
        )
        if known is None:
            known = self._local.known = {}
        return known

    def _current_findings(self, agreement_id: str, subject_kind: RecordKind) -> dict[str, str]:
        rows = self._conn().execute(
            "SELECT id, ledger_id FROM records WHERE kind = 'finding' AND current"
            " AND agreement_id = %s AND starts_with(subject, %s)",
            (agreement_id, f"{subject_kind}/"),
        )
        return {str(rid): str(lid) for rid, lid in rows}

    def _was_stored(self, encoded: EncodedRecord) -> bool:
        versions = self._known().get((str(encoded.ref.kind), encoded.ref.id))
        if versions is not None:
            return (encoded.ledger_id, False) in versions
        row = self._conn().execute(
            "SELECT 1 FROM records WHERE ledger_id = %s AND kind = %s AND id = %s"
            " AND NOT current",
            (encoded.ledger_id, str(encoded.ref.kind), encoded.ref.id),
        )
        return row.fetchone() is not None

    def _next_change(self) -> int:
        row = self._conn().execute("SELECT coalesce(max(change), 0) FROM records").fetchone()
        return int(row[0] if row else 0) + 1

    def _insert(self, items: Sequence[Item], change: int) -> None:
        rows = []
        for n, (record, e) in enumerate(items):
            point = point_of(record)
            lon, lat = point if point is not None else (None, None)
            radius = record.location.uncertainty_m if isinstance(record, Observation) else None
            rows.append(
                (
                    str(e.ref.kind),
                    e.ref.id,
                    e.schema,
                    e.ledger_id,
                    e.data,
                    change + n,
                    *index_columns(record),
                    lon,
                    lon,
                    lat,
                    None if point is None else radius,
                )
            )
        known = self._known()
        for _, e in items:
            known.pop((str(e.ref.kind), e.ref.id), None)
        with self._conn().cursor() as cur:
            cur.executemany(
                f"INSERT INTO records ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, true, NULL, %s,"
                f" %s, %s, %s, %s, %s, %s, {_POINT}, %s)",
                rows,
            )

    def _retire(self, ref: RecordRef, successor: str | None, change: int) -> None:
        self._known().pop((str(ref.kind), ref.id), None)
        self._conn().execute(
            "UPDATE records SET current = false, superseded_by = %s, change = %s"
            " WHERE kind = %s AND id = %s AND current",
            (successor, change, str(ref.kind), ref.id),
        )

    # -- reads -----------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(f"{self.url}: cannot read: {exc}") from None

    def _numbered(self, sql: str, params: Sequence[object]) -> list[tuple[int, StoredRecord]]:
        return [(int(row[0]), _stored(row[1:])) for row in self._rows(sql, params)]

    def _versions(self, ref: RecordRef) -> list[tuple[int, StoredRecord]]:
        if self._known().get((str(ref.kind), ref.id)) == []:
            return []  # looked up in this transaction: nothing stored under this id
        return self._numbered(
            f"SELECT seq, {_READ} FROM records WHERE kind = %s AND id = %s",
            (str(ref.kind), ref.id),
        )

    def _superseded_by(self, ledger_ids: Sequence[str]) -> list[tuple[int, StoredRecord]]:
        return self._numbered(
            f"SELECT seq, {_READ} FROM records WHERE superseded_by = ANY(%s)", (list(ledger_ids),)
        )

    def _current_bodies(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> list[bytes]:
        sql, params = current_query(kind, query, after, limit)
        return [bytes(body) for (body,) in self._rows(sql, params)]

    def _subject_bodies(self, kind: RecordKind, subject: str) -> list[bytes]:
        rows = self._rows(
            "SELECT body FROM records WHERE subject = %s AND kind = %s AND current ORDER BY seq",
            (subject, str(kind)),
        )
        return [bytes(body) for (body,) in rows]

    def _finding_bodies(
        self, agreement_id: str, after: str | None = None, limit: int | None = None
    ) -> list[bytes]:
        rows = self._rows(
            "SELECT body FROM records WHERE agreement_id = %s AND kind = 'finding' AND current"
            " AND id > %s ORDER BY id LIMIT %s",
            (agreement_id, after or "", limit),
        )
        return [bytes(body) for (body,) in rows]

    def _finding_agreement_ids(self) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT agreement_id FROM records WHERE kind = 'finding' AND current"
            " ORDER BY agreement_id"
        )
        return [str(agreement_id) for (agreement_id,) in rows]

    def get(self, ref: RecordRef) -> StoredRecord | None:
        rows = self._rows(
            f"SELECT {_READ} FROM records WHERE kind = %s AND id = %s AND current",
            (str(ref.kind), ref.id),
        )
        return _stored(rows[0]) if rows else None

    def count_observations(self) -> int:
        rows = self._rows("SELECT count(*) FROM records WHERE kind = 'observation' AND current")
        return int(rows[0][0])

    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]:
        limit = max(1, min(limit, MAX_PAGE))
        rows = self._rows(
            f"SELECT {_READ} FROM records WHERE change > %s ORDER BY change LIMIT %s",
            (since, limit),
        )
        items = [_stored(r) for r in rows]
        return Page(items, str(items[-1].change if items else since))

    def stored_records(self) -> Iterator[StoredRecord]:
        for row in self._rows(f"SELECT {_READ} FROM records ORDER BY seq"):
            yield _stored(row)

    def index_problems(self) -> list[Problem]:
        rows = self._rows(
            "SELECT ledger_id, body, source, start_utc, end_utc, agreement_id, subject, verdict"
            " FROM records ORDER BY seq"
        )
        found = (index_problem(r[0], bytes(r[1]), tuple(r[2:])) for r in rows)
        return [p for p in found if p is not None]
