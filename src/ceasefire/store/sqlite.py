"""SQLite store (WAL): the embedded default, so the demo and the tests need no server.

One table holds every version of every record as its `ceasefire.records` envelope, beside a few
indexed columns for the queries the pipeline makes (source and time for observations,
agreement and verdict for findings). The evidence ledger's tables live in the same file and
are written on the same connection, which is what makes the unit of work one transaction.

Threads: a file store gives each thread its own connection (WAL lets readers run beside the
writer); an in-memory store has only one database, so its one connection is used under a lock.
Writers in this process queue on a lock; writers in other processes on SQLite's own
``BEGIN IMMEDIATE`` (waiting up to `BUSY_TIMEOUT_S`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from ceasefire.domain import Finding, Observation, RecordKind, RecordRef, Transition
from ceasefire.domain.errors import ConflictError, NotFoundError, StorageUnavailableError
from ceasefire.domain.workflow import CURRENT, SUPERSEDED
from ceasefire.ledger.log import META_ORIGIN, Ledger
from ceasefire.ledger.note import Verifier
from ceasefire.records import EncodedRecord, Record, decode, encode, encode_many
from ceasefire.store.contract import (
    MAX_PAGE,
    AddResult,
    ConflictingRecordError,
    ObservationQuery,
    Page,
    StoredRecord,
)
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage, prepare_writable, tune_for_reading

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
CREATE INDEX IF NOT EXISTS records_change ON records(change);
CREATE INDEX IF NOT EXISTS records_source ON records(kind, source) WHERE current = 1;
CREATE INDEX IF NOT EXISTS records_time ON records(kind, start_utc, end_utc) WHERE current = 1;
CREATE INDEX IF NOT EXISTS records_agreement ON records(agreement_id, id) WHERE current = 1;
"""

_COLUMNS = (
    "kind, id, schema, ledger_id, body, current, superseded_by, change,"
    " source, start_utc, end_utc, agreement_id, subject, verdict"
)
_READ = "kind, id, ledger_id, schema, body, current, superseded_by, change"


def _utc_text(moment: datetime) -> str:
    """ISO text in UTC with a fixed width, so string order is time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _index_columns(record: Record) -> tuple[str | None, ...]:
    """(source, start_utc, end_utc, agreement_id, subject, verdict) for the queries we make."""
    if isinstance(record, Observation):
        interval = record.interval
        return (record.source, _utc_text(interval.start), _utc_text(interval.end), None, None, None)
    if isinstance(record, Finding):
        return (None, None, None, record.agreement_id, str(record.subject), str(record.verdict))
    if isinstance(record, Transition):
        return (None, None, None, None, str(record.subject), None)
    return (None, None, None, None, None, None)


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


def _overlap_clause(
    overlapping: tuple[datetime, datetime] | None, params: list[object]
) -> list[str]:
    """The half-open overlap test: [s, e) meets [start, end), or an instant s == e in it."""
    if overlapping is None:
        return []
    start, end = _utc_text(overlapping[0]), _utc_text(overlapping[1])
    params.extend([end, start, start])
    return ["start_utc < ? AND (end_utc > ? OR (start_utc = end_utc AND start_utc >= ?))"]


class SqliteStore:
    """The `Store` contract on one SQLite file, or on a private in-memory database."""

    def __init__(self, path: Path | str = ":memory:", url: str | None = None) -> None:
        self.path = str(path)
        self.url = url or ("sqlite://" if self.path == ":memory:" else f"sqlite:///{self.path}")
        self._memory = self.path == ":memory:"
        if not self._memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        db = self._conn()
        self._check_format(db)
        self._ledger_storage = SqliteLedgerStorage.sharing(self._conn)
        #: The writers' view of the ledger, used under the write lock only; readers get their
        #: own (`ledger()`), so a reader's refresh never moves a writer's size under it.
        self._ledger_open: Ledger | None = None
        self._ledger_read: Ledger | None = None

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
        with self._locked():
            db.execute(
                "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('format', ?)",
                (STORE_FORMAT,),
            )
        found = db.execute("SELECT value FROM store_meta WHERE key = 'format'").fetchone()[0]
        if found != STORE_FORMAT:
            raise StorageUnavailableError(
                f"{self.url} has store format {found}; this version reads format {STORE_FORMAT}"
            )

    def _locked(self) -> AbstractContextManager[object]:
        """For reads: the memory store's one connection must not be used by two threads."""
        return self._write_lock if self._memory else nullcontext()

    def close(self) -> None:
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._shared = None
        self._local = threading.local()

    # -- unit of work ----------------------------------------------------------------

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """One transaction for the store and the ledger; nested blocks become savepoints."""
        with self._write_lock:
            db = self._conn()
            depth = getattr(self._local, "depth", 0)
            name = f"uow_{depth}"
            try:
                db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {name}")
            except sqlite3.OperationalError as exc:
                raise StorageUnavailableError(f"{self.url}: cannot start a write: {exc}") from None
            self._local.depth = depth + 1
            try:
                if depth == 0:
                    self._ledger_open = self._open_ledger()
                yield
            except BaseException:
                if depth == 0:
                    db.execute("ROLLBACK")
                else:
                    db.execute(f"ROLLBACK TO {name}")
                    db.execute(f"RELEASE {name}")
                self._local.depth = depth
                if self._ledger_open is not None:
                    self._ledger_open.reset()
                raise
            self._local.depth = depth
            try:
                db.execute("COMMIT" if depth == 0 else f"RELEASE {name}")
            except sqlite3.OperationalError as exc:
                if depth == 0:
                    db.execute("ROLLBACK")
                    if self._ledger_open is not None:
                        self._ledger_open.reset()
                raise StorageUnavailableError(f"{self.url}: write not committed: {exc}") from None

    def _open_ledger(self) -> Ledger | None:
        """The ledger as of now (under the write lock, so nobody appends behind our back)."""
        if self._ledger_storage.get_meta(META_ORIGIN) is None:
            return None
        if self._ledger_open is None:
            return Ledger(self._ledger_storage)
        self._ledger_open.refresh()
        return self._ledger_open

    def _log(self, encoded: Sequence[EncodedRecord]) -> int:
        """Append to the ledger (inside the current unit of work) what it does not hold yet."""
        ledger = self._ledger_open
        if ledger is None:
            return 0
        return len(ledger.append_missing_entries([(e.ledger_id, e.data) for e in encoded]))

    def ledger(self) -> Ledger | None:
        with self._locked():
            if self._ledger_storage.get_meta(META_ORIGIN) is None:
                return None
            if self._ledger_read is None:
                self._ledger_read = Ledger(self._ledger_storage)
            else:
                self._ledger_read.refresh()
            return self._ledger_read

    def initialise_ledger(self, origin: str, log_key: Verifier) -> Ledger:
        with self.unit_of_work():
            Ledger.initialise(self._ledger_storage, origin, log_key)
            ledger = Ledger(self._ledger_storage)
            self._ledger_open = ledger
            ledger.append_missing_entries([(r.ledger_id, r.data) for r in self.stored_records()])
        reader = self.ledger()
        assert reader is not None
        return reader

    # -- writing ---------------------------------------------------------------------

    def _next_change(self, db: sqlite3.Connection) -> int:
        (top,) = db.execute("SELECT coalesce(max(change), 0) FROM records").fetchone()
        return int(top) + 1

    def _current_ledger_ids(
        self, db: sqlite3.Connection, kind: RecordKind, ids: Sequence[str]
    ) -> dict[str, str]:
        found: dict[str, str] = {}
        for at in range(0, len(ids), _CHUNK):
            chunk = ids[at : at + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = db.execute(
                f"SELECT id, ledger_id FROM records WHERE kind = ? AND current = 1"
                f" AND id IN ({marks})",
                (str(kind), *chunk),
            )
            found.update((str(i), str(lid)) for i, lid in rows)
        return found

    def _insert(
        self, db: sqlite3.Connection, items: Sequence[tuple[Record, EncodedRecord]], change: int
    ) -> int:
        db.executemany(
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
                    *_index_columns(record),
                )
                for n, (record, e) in enumerate(items)
            ),
        )
        return change + len(items)

    def _retire(
        self, db: sqlite3.Connection, ref: RecordRef, successor: str | None, change: int
    ) -> None:
        db.execute(
            "UPDATE records SET current = 0, superseded_by = ?, change = ?"
            " WHERE kind = ? AND id = ? AND current = 1",
            (successor, change, str(ref.kind), ref.id),
        )

    def _was_stored(self, db: sqlite3.Connection, e: EncodedRecord) -> bool:
        """Whether this exact version was stored once and later superseded: re-reading a source
        file after an analyst corrected one of its rows must not undo or refuse the correction."""
        row = db.execute(
            "SELECT 1 FROM records WHERE ledger_id = ? AND kind = ? AND id = ? AND current = 0",
            (e.ledger_id, str(e.ref.kind), e.ref.id),
        ).fetchone()
        return row is not None

    def add_observations(self, observations: Sequence[Observation]) -> AddResult:
        return self.add_records(observations)

    def add_records(self, records: Sequence[Record]) -> AddResult:
        encoded = encode_many(records)
        added = present = 0
        with self.unit_of_work():
            db = self._conn()
            fresh: list[tuple[Record, EncodedRecord]] = []
            seen: dict[RecordRef, str] = {}
            by_kind: dict[RecordKind, list[str]] = {}
            for e in encoded:
                by_kind.setdefault(e.ref.kind, []).append(e.ref.id)
            stored = {
                RecordRef(kind, rid): lid
                for kind, ids in by_kind.items()
                for rid, lid in self._current_ledger_ids(db, kind, ids).items()
            }
            for record, e in zip(records, encoded, strict=True):
                known = stored.get(e.ref) or seen.get(e.ref)
                if known is None:
                    seen[e.ref] = e.ledger_id
                    fresh.append((record, e))
                elif known == e.ledger_id or self._was_stored(db, e):
                    present += 1  # stored already, or a version a correction has replaced
                else:
                    raise ConflictingRecordError(
                        str(e.ref),
                        "stored already with different content (a correction must supersede it)",
                    )
            self._insert(db, fresh, self._next_change(db))
            added = len(fresh)
            logged = self._log(encoded)
        return AddResult(added, present, logged)

    def replace_findings(self, agreement_id: str, findings: Sequence[Finding]) -> AddResult:
        for finding in findings:
            if finding.agreement_id != agreement_id:
                raise ConflictError(
                    f"finding {finding.id} belongs to {finding.agreement_id}, not {agreement_id}"
                )
        encoded = encode_many(findings)
        with self.unit_of_work():
            db = self._conn()
            current = {
                str(i): str(lid)
                for i, lid in db.execute(
                    "SELECT id, ledger_id FROM records"
                    " WHERE kind = 'finding' AND current = 1 AND agreement_id = ?",
                    (agreement_id,),
                )
            }
            change = self._next_change(db)
            fresh: list[tuple[Record, EncodedRecord]] = []
            present = 0
            wanted: set[str] = set()
            for finding, e in zip(findings, encoded, strict=True):
                if finding.id in wanted:
                    raise ConflictError(f"finding {finding.id} appears twice in one assessment")
                wanted.add(finding.id)
                old = current.get(finding.id)
                if old == e.ledger_id:
                    present += 1
                    continue
                if old is not None:
                    self._retire(db, e.ref, e.ledger_id, change)
                    change += 1
                fresh.append((finding, e))
            for gone in sorted(set(current) - wanted):
                self._retire(db, RecordRef(RecordKind.FINDING, gone), None, change)
                change += 1
            self._insert(db, fresh, change)
            logged = self._log(encoded)
        return AddResult(len(fresh), present, logged)

    def supersede(
        self, old: RecordRef, new: Record, *, actor: str, reason: str, at: datetime
    ) -> Transition:
        replacement = encode(new)
        if replacement.ref.kind is not old.kind:
            raise ConflictError(f"{old} cannot be superseded by a {replacement.ref.kind}")
        with self.unit_of_work():
            db = self._conn()
            before = self._current_ledger_ids(db, old.kind, [old.id]).get(old.id)
            if before is None:
                raise NotFoundError(f"{old} is not stored (or was superseded already)")
            if before == replacement.ledger_id:
                raise ConflictError(f"{old}: the correction is identical to the stored record")
            if replacement.ref != old and self._current_ledger_ids(
                db, old.kind, [replacement.ref.id]
            ):
                raise ConflictingRecordError(str(replacement.ref), "is stored already")
            digest = hashlib.sha256(f"{before}>{replacement.ledger_id}".encode()).hexdigest()
            transition = Transition(
                id=digest[:20],
                subject=old,
                from_state=CURRENT,
                to_state=SUPERSEDED,
                at=at,
                actor=actor,
                reason=reason,
                successor=replacement.ref,
            )
            step = encode(transition)
            change = self._next_change(db)
            self._retire(db, old, replacement.ledger_id, change)
            self._insert(db, [(new, replacement), (transition, step)], change + 1)
            self._log([replacement, step])
        return transition

    # -- reading ---------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._locked():
            return list(self._conn().execute(sql, params))

    def get(self, ref: RecordRef) -> StoredRecord | None:
        rows = self._rows(
            f"SELECT {_READ} FROM records WHERE kind = ? AND id = ? AND current = 1",
            (str(ref.kind), ref.id),
        )
        return _stored(rows[0]) if rows else None

    def history(self, ref: RecordRef) -> list[StoredRecord]:
        found: dict[int, tuple[Any, ...]] = {}
        frontier = [
            (int(r[0]), r[1:])
            for r in self._rows(
                f"SELECT seq, {_READ} FROM records WHERE kind = ? AND id = ?",
                (str(ref.kind), ref.id),
            )
        ]
        while frontier:
            found.update(frontier)
            ledger_ids = sorted({row[2] for _, row in frontier})
            marks = ", ".join("?" for _ in ledger_ids)
            frontier = [
                (int(r[0]), r[1:])
                for r in self._rows(
                    f"SELECT seq, {_READ} FROM records WHERE superseded_by IN ({marks})",
                    ledger_ids,
                )
                if int(r[0]) not in found
            ]
        return [_stored(found[seq]) for seq in sorted(found)]

    def get_observation(self, observation_id: str) -> Observation | None:
        stored = self.get(RecordRef(RecordKind.OBSERVATION, observation_id))
        if stored is None:
            return None
        value = stored.value()
        assert isinstance(value, Observation)
        return value

    def _observation_sql(
        self, query: ObservationQuery, after: str | None
    ) -> tuple[str, list[object]]:
        clauses = ["kind = 'observation'", "current = 1"]
        params: list[object] = []
        if query.sources is not None:
            wanted = sorted(query.sources)
            clauses.append(f"source IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
        clauses += _overlap_clause(query.overlapping, params)
        if after is not None:
            clauses.append("id > ?")
            params.append(after)
        return f"SELECT body FROM records WHERE {' AND '.join(clauses)} ORDER BY id", params

    def observations(
        self,
        sources: Iterable[str] | None = None,
        overlapping: tuple[datetime, datetime] | None = None,
    ) -> list[Observation]:
        sql, params = self._observation_sql(ObservationQuery.of(sources, overlapping), None)
        return [_observation(body) for (body,) in self._rows(sql, params)]

    def observation_page(
        self, query: ObservationQuery, after: str | None = None, limit: int = 100
    ) -> Page[Observation]:
        limit = max(1, min(limit, MAX_PAGE))
        sql, params = self._observation_sql(query, after)
        rows = self._rows(f"{sql} LIMIT ?", [*params, limit + 1])
        items = [_observation(body) for (body,) in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def count_observations(self) -> int:
        rows = self._rows("SELECT count(*) FROM records WHERE kind = 'observation' AND current = 1")
        return int(rows[0][0])

    def findings(self, agreement_id: str) -> list[Finding]:
        rows = self._rows(
            "SELECT body FROM records WHERE agreement_id = ? AND kind = 'finding' AND current = 1"
            " ORDER BY id",
            (agreement_id,),
        )
        out = []
        for (body,) in rows:
            value = decode(bytes(body))
            assert isinstance(value, Finding)
            out.append(value)
        return out

    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]:
        limit = max(1, min(limit, MAX_PAGE))
        rows = self._rows(
            f"SELECT {_READ} FROM records WHERE change > ? ORDER BY change LIMIT ?",
            (since, limit),
        )
        items = [_stored(r) for r in rows]
        return Page(items, str(items[-1].change if items else since))

    def stored_records(self) -> Iterator[StoredRecord]:
        for row in self._rows(f"SELECT {_READ} FROM records ORDER BY seq"):
            yield _stored(row)


def _observation(body: bytes) -> Observation:
    value = decode(bytes(body))
    assert isinstance(value, Observation)
    return value
