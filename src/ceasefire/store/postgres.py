"""PostgreSQL/PostGIS store: the same contract as SQLite, for many processes on many machines.

The layout is SQLite's (one `records` table of versioned envelopes with indexed query columns,
the ledger's ``ledger_*`` tables beside it), created and upgraded by versioned migrations
(postgres_schema.py), plus a PostGIS point per observation behind a GiST index for the box
filter. What the contract decides lives in `engine.RecordStore`, the SQL both backends share in
`sql_records.SqlRecordStore`; this module connects, opens transactions and inserts.

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
from typing import Any

import psycopg

from ceasefire.domain import Observation, RecordKind, RecordRef
from ceasefire.domain.errors import CeasefireError, InvalidInputError, StorageUnavailableError
from ceasefire.records import EncodedRecord
from ceasefire.store.contract import ObservationQuery, StoredRecord
from ceasefire.store.engine import Item, point_of
from ceasefire.store.postgres_connect import connect, public_url
from ceasefire.store.postgres_ledger import PostgresLedgerStorage
from ceasefire.store.postgres_schema import Connection, check_readable, lock_store, migrate
from ceasefire.store.sql_records import Box, SqlRecordStore, insert_values

_COLUMNS = (
    "kind, id, schema, ledger_id, body, current, superseded_by, change,"
    " source, start_utc, end_utc, agreement_id, subject, verdict, location, uncertainty_m"
)
#: A point from (lon, lat), or NULL when the record has none.
_POINT = "CASE WHEN %s::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(%s, %s), 4326) END"


def _psycopg(sql: str) -> str:
    """SQL written with SQLite's ``?`` placeholders, in psycopg's ``%s`` (none of the shared
    statements holds a literal ``?`` or ``%``)."""
    return sql.replace("?", "%s")


class PostgresStore(SqlRecordStore):
    """The `Store` contract on a PostgreSQL database with PostGIS."""

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self._dsn = url
        self.url = public_url(url)
        #: An auditor's view: sessions are read-only, nothing is migrated, every write fails.
        self.readonly = readonly
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._connections_lock = threading.Lock()
        super().__init__(PostgresLedgerStorage(self._conn, self.url))
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
        rows = self._rows(
            "SELECT id, ledger_id, current FROM records WHERE kind = ? AND id = ANY(?)",
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

    def _was_stored(self, encoded: EncodedRecord) -> bool:
        versions = self._known().get((str(encoded.ref.kind), encoded.ref.id))
        if versions is not None:
            return (encoded.ledger_id, False) in versions
        return super()._was_stored(encoded)

    def _versions(self, ref: RecordRef) -> list[tuple[int, StoredRecord]]:
        if self._known().get((str(ref.kind), ref.id)) == []:
            return []  # looked up in this transaction: nothing stored under this id
        return super()._versions(ref)

    def _insert(self, items: Sequence[Item], change: int) -> None:
        rows = []
        for n, (record, e) in enumerate(items):
            point = point_of(record)
            lon, lat = point if point is not None else (None, None)
            radius = record.location.uncertainty_m if isinstance(record, Observation) else None
            where = (lon, lon, lat, None if point is None else radius)  # see _POINT
            rows.append((*insert_values(record, e, change + n), *where))
        known = self._known()
        for _, e in items:
            known.pop((str(e.ref.kind), e.ref.id), None)
        with self._conn().cursor() as cur:
            cur.executemany(
                f"INSERT INTO records ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, 1, NULL, %s,"
                f" %s, %s, %s, %s, %s, %s, {_POINT}, %s)",
                rows,
            )

    def _retire(self, ref: RecordRef, successor: str | None, change: int) -> None:
        self._known().pop((str(ref.kind), ref.id), None)
        super()._retire(ref, successor, change)

    # -- reads -----------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn().execute(_psycopg(sql), params).fetchall()
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(f"{self.url}: cannot read: {exc}") from None

    def _write(self, sql: str, params: Sequence[object]) -> None:
        self._conn().execute(_psycopg(sql), params)

    def _any(self, column: str, values: Sequence[str], params: list[object]) -> str:
        params.append(list(values))
        return f"{column} = ANY(?)"

    def _box_clause(self, bbox: Box, params: list[object]) -> str:
        params.extend(bbox)
        return "location && ST_MakeEnvelope(?, ?, ?, ?, 4326)"

    def current_query(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> tuple[str, list[object]]:
        """The SQL (psycopg's placeholders) and parameters the store runs for a list of
        current records: for EXPLAIN, which shows the box filter reading the GiST index."""
        sql, params = self._current_query(kind, query, after, limit)
        return _psycopg(sql), params
