"""SQLite store (WAL): the embedded default, so the demo and the tests need no server.

One table holds every version of every record as its `ceasefire.records` envelope, beside a few
indexed columns for the queries the pipeline makes (source and time for observations,
agreement and verdict for findings). The evidence ledger's tables live in the same file and
are written on the same connection, which is what makes the unit of work one transaction.
What the contract decides lives in `engine.RecordStore`; this module only stores.

Threads: a file store gives each thread its own connection (WAL lets readers run beside the
writer); an in-memory store has only one database, so its one connection is used under a lock.
Writers in this process queue on a lock; writers in other processes on SQLite's own
``BEGIN IMMEDIATE`` (waiting up to `BUSY_TIMEOUT_S`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from ceasefire.domain import RecordKind, RecordRef
from ceasefire.domain.errors import NotFoundError, Problem, StorageUnavailableError
from ceasefire.records import EncodedRecord
from ceasefire.store.contract import MAX_PAGE, ObservationQuery, Page, StoredRecord
from ceasefire.store.engine import Item, RecordStore, index_columns, index_problem, utc_text
from ceasefire.store.sqlite_ledger import (
    SqliteLedgerStorage,
    connect_readonly,
    prepare_writable,
    tune_for_reading,
)

BUSY_TIMEOUT_S = 30.0
#: The layout this code writes; a file of another layout is refused rather than misread.
STORE_FORMAT = "2"
#: Ids per `IN (...)` lookup: well under SQLite's variable limit.
_CHUNK = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    schema INTEGER NOT NULL,
    ledger_id TEXT NOT NULL,
    body BLOB NOT NULL,
    current INTEGER NOT NULL,
    superseded_by TEXT,
    change INTEGER NOT NULL,
    source TEXT,
    start_utc TEXT,
    end_utc TEXT,
    agreement_id TEXT,
    subject TEXT,
    verdict TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS records_current ON records(kind, id) WHERE current = 1;
CREATE INDEX IF NOT EXISTS records_history ON records(kind, id, seq);
CREATE INDEX IF NOT EXISTS records_ledger_id ON records(ledger_id);
CREATE INDEX IF NOT EXISTS records_superseded_by ON records(superseded_by);
CREATE INDEX IF NOT EXISTS records_change ON records(change);
CREATE INDEX IF NOT EXISTS records_source ON records(kind, source) WHERE current = 1;
CREATE INDEX IF NOT EXISTS records_time ON records(kind, start_utc, end_utc) WHERE current = 1;
CREATE INDEX IF NOT EXISTS records_agreement ON records(agreement_id, id) WHERE current = 1;
CREATE INDEX IF NOT EXISTS records_subject ON records(subject, kind) WHERE current = 1;
"""

_COLUMNS = (
    "kind, id, schema, ledger_id, body, current, superseded_by, change,"
    " source, start_utc, end_utc, agreement_id, subject, verdict"
)
_READ = "kind, id, ledger_id, schema, body, current, superseded_by, change"


def _stored(row: tuple[Any, ...]) -> StoredRecord:
    kind, rid, ledger_id, schema, body, current, superseded_by, change = row
    return StoredRecord(
        ref=RecordRef(RecordKind(kind), rid),
        ledger_id=ledger_id,
        schema=schema,
        data=bytes(body),
        current=bool(current),
        superseded_by=superseded_by,
        change=change,
    )


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _overlap_clause(
    overlapping: tuple[datetime, datetime] | None, params: list[object]
) -> list[str]:
    """The half-open overlap test of the contract (`engine.overlaps`), in SQL."""
    if overlapping is None:
        return []
    start, end = utc_text(overlapping[0]), utc_text(overlapping[1])
    params.extend([end, start, start])
    return ["start_utc < ? AND (end_utc > ? OR (start_utc = end_utc AND start_utc >= ?))"]


class SqliteStore(RecordStore):
    """The `Store` contract on one SQLite file, or on a private in-memory database."""

    def __init__(
        self, path: Path | str = ":memory:", url: str | None = None, *, readonly: bool = False
    ) -> None:
        self.path = str(path)
        self.url = url or ("sqlite://" if self.path == ":memory:" else f"sqlite:///{self.path}")
        self._memory = self.path == ":memory:"
        #: An auditor's view: the file is opened read-only, nothing (schema, format mark, WAL
        #: files where avoidable) is ever written, and every write call fails.
        self.readonly = readonly
        if readonly and (self._memory or not Path(self.path).is_file()):
            raise NotFoundError(f"no store at {self.url} to open read-only")
        if not self._memory and not readonly:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._shared: sqlite3.Connection | None = None
        super().__init__(SqliteLedgerStorage.sharing(self._conn))
        self._check_format(self._conn())

    # -- connections -----------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._memory:
            if self._shared is None:
                self._shared = self._open(":memory:")
            return self._shared
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._open(self.path)
            self._local.db = db
        return db

    def _open(self, path: str) -> sqlite3.Connection:
        """A connection with the schema in place. Not tied to its thread, so that `close` may
        close every thread's connection; each is still used by one thread only."""
        try:
            if self.readonly:
                db = connect_readonly(path)
                self._refuse_legacy(db)
            else:
                db = sqlite3.connect(
                    path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
                )
                self._refuse_legacy(db)
                prepare_writable(db)
                db.executescript(SCHEMA)
            tune_for_reading(db)
        except sqlite3.Error as exc:
            raise StorageUnavailableError(f"cannot open store {self.url}: {exc}") from None
        with self._connections_lock:
            self._connections.append(db)
        return db

    def _refuse_legacy(self, db: sqlite3.Connection) -> None:
        """Refuse a file of the layout before versioned records, before adding anything to it."""
        legacy = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'observations'"
        ).fetchone()
        if legacy is not None:
            db.close()
            raise StorageUnavailableError(
                f"{self.url} was written by an older ceasefire (store format 1, before versioned"
                " records); ingest the sources again into a new file"
            )

    def _check_format(self, db: sqlite3.Connection) -> None:
        if self.readonly:
            table = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'"
            ).fetchone()
            if table is None:
                raise NotFoundError(f"{self.url} holds no ceasefire store")
        else:
            with self._reading():
                db.execute(
                    "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('format', ?)",
                    (STORE_FORMAT,),
                )
        row = db.execute("SELECT value FROM store_meta WHERE key = 'format'").fetchone()
        found = None if row is None else row[0]
        if found != STORE_FORMAT:
            raise StorageUnavailableError(
                f"{self.url} has store format {found}; this version reads format {STORE_FORMAT}"
            )

    def _reading(self) -> AbstractContextManager[object]:
        """The memory store's one connection must not be used by two threads at once."""
        return self._write_lock if self._memory else nullcontext()

    def close(self) -> None:
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._shared = None
        self._local = threading.local()

    # -- transaction -----------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[bool]:
        db = self._conn()
        depth: int = getattr(self._local, "depth", 0)
        name = f"uow_{depth}"
        try:
            db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {name}")
        except sqlite3.OperationalError as exc:
            raise StorageUnavailableError(f"{self.url}: cannot start a write: {exc}") from None
        self._local.depth = depth + 1
        try:
            yield depth == 0
        except BaseException:
            # SQLite rolls back by itself on some errors (a full disk, an I/O error): then
            # there is nothing left to undo, and a second ROLLBACK would hide the real error.
            if db.in_transaction:
                if depth == 0:
                    db.execute("ROLLBACK")
                else:
                    db.execute(f"ROLLBACK TO {name}")
                    db.execute(f"RELEASE {name}")
            raise
        finally:
            self._local.depth = depth
        try:
            db.execute("COMMIT" if depth == 0 else f"RELEASE {name}")
        except sqlite3.OperationalError as exc:
            if depth == 0 and db.in_transaction:
                db.execute("ROLLBACK")
            raise StorageUnavailableError(f"{self.url}: write not committed: {exc}") from None

    # -- table operations --------------------------------------------------------------

    def _current_ledger_ids(self, kind: RecordKind, ids: Sequence[str]) -> dict[str, str]:
        db = self._conn()
        found: dict[str, str] = {}
        for at in range(0, len(ids), _CHUNK):
            chunk = ids[at : at + _CHUNK]
            rows = db.execute(
                "SELECT id, ledger_id FROM records WHERE kind = ? AND current = 1"
                f" AND id IN ({_marks(chunk)})",
                (str(kind), *chunk),
            )
            found.update(rows)
        return found

    def _current_findings(self, agreement_id: str, subject_kind: RecordKind) -> dict[str, str]:
        rows = self._conn().execute(
            "SELECT id, ledger_id FROM records WHERE kind = 'finding' AND current = 1"
            " AND agreement_id = ? AND substr(subject, 1, ?) = ?",
            (agreement_id, len(str(subject_kind)) + 1, f"{subject_kind}/"),
        )
        return dict(rows)

    def _was_stored(self, encoded: EncodedRecord) -> bool:
        row = self._conn().execute(
            "SELECT 1 FROM records WHERE ledger_id = ? AND kind = ? AND id = ? AND current = 0",
            (encoded.ledger_id, str(encoded.ref.kind), encoded.ref.id),
        )
        return row.fetchone() is not None

    def _next_change(self) -> int:
        (top,) = self._conn().execute("SELECT coalesce(max(change), 0) FROM records").fetchone()
        return int(top) + 1

    def _insert(self, items: Sequence[Item], change: int) -> None:
        self._conn().executemany(
            f"INSERT INTO records ({_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    str(e.ref.kind),
                    e.ref.id,
                    e.schema,
                    e.ledger_id,
                    e.data,
                    change + n,
                    *index_columns(record),
                )
                for n, (record, e) in enumerate(items)
            ),
        )

    def _retire(self, ref: RecordRef, successor: str | None, change: int) -> None:
        self._conn().execute(
            "UPDATE records SET current = 0, superseded_by = ?, change = ?"
            " WHERE kind = ? AND id = ? AND current = 1",
            (successor, change, str(ref.kind), ref.id),
        )

    # -- reads -----------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._reading():
            return list(self._conn().execute(sql, params))

    def _numbered(self, sql: str, params: Sequence[object]) -> list[tuple[int, StoredRecord]]:
        return [(int(row[0]), _stored(row[1:])) for row in self._rows(sql, params)]

    def _versions(self, ref: RecordRef) -> list[tuple[int, StoredRecord]]:
        return self._numbered(
            f"SELECT seq, {_READ} FROM records WHERE kind = ? AND id = ?", (str(ref.kind), ref.id)
        )

    def _superseded_by(self, ledger_ids: Sequence[str]) -> list[tuple[int, StoredRecord]]:
        return self._numbered(
            f"SELECT seq, {_READ} FROM records WHERE superseded_by IN ({_marks(ledger_ids)})",
            ledger_ids,
        )

    def _current_bodies(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> list[bytes]:
        clauses = ["kind = ?", "current = 1"]
        params: list[object] = [str(kind)]
        if query.sources is not None:
            wanted = sorted(query.sources)
            clauses.append(f"source IN ({_marks(wanted)})")
            params.extend(wanted)
        clauses += _overlap_clause(query.overlapping, params)
        if after is not None:
            clauses.append("id > ?")
            params.append(after)
        sql = f"SELECT body FROM records WHERE {' AND '.join(clauses)} ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
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
        rows = self._rows(
            "SELECT body FROM records WHERE agreement_id = ? AND kind = 'finding' AND current = 1"
            " AND id > ? ORDER BY id LIMIT ?",
            (agreement_id, after or "", -1 if limit is None else limit),
        )
        return [bytes(body) for (body,) in rows]

    def _finding_agreement_ids(self) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT agreement_id FROM records WHERE kind = 'finding' AND current = 1"
            " ORDER BY agreement_id"
        )
        return [str(agreement_id) for (agreement_id,) in rows]

    def get(self, ref: RecordRef) -> StoredRecord | None:
        rows = self._rows(
            f"SELECT {_READ} FROM records WHERE kind = ? AND id = ? AND current = 1",
            (str(ref.kind), ref.id),
        )
        return _stored(rows[0]) if rows else None

    def count_observations(self) -> int:
        rows = self._rows("SELECT count(*) FROM records WHERE kind = 'observation' AND current = 1")
        return int(rows[0][0])

    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]:
        limit = max(1, min(limit, MAX_PAGE))
        rows = self._rows(
            f"SELECT {_READ} FROM records WHERE change > ? ORDER BY change LIMIT ?",
            (since, limit),
        )
        items = [_stored(r) for r in rows]
        return Page(items, str(items[-1].change if items else since))

    def change_head(self) -> int:
        rows = self._rows("SELECT COALESCE(MAX(change), 0) FROM records", ())
        return int(rows[0][0])

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
