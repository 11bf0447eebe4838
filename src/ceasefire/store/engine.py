"""The store contract implemented once, over a narrow set of table operations per backend.

Every decision the contract makes — is this record new, stored already, or a conflict; which
findings an assessment retires; what a correction records; what goes into the ledger — lives
here, so that two backends cannot disagree about it. A backend (`SqliteStore`, `MemoryStore`,
later PostgreSQL) supplies only storage: a transaction with savepoints, a handful of lookups,
insert and retire, and the reads. The ledger's storage must share the backend's transaction,
which is what makes a record and its ledger entry one unit of work.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TypeVar

from ceasefire.domain import (
    Finding,
    Incident,
    Message,
    Observation,
    RecordKind,
    RecordRef,
    Report,
    ResponseClock,
    Transition,
)
from ceasefire.domain.errors import ConflictError, NotFoundError, Problem
from ceasefire.domain.intent_record import IntentRecord
from ceasefire.domain.timeinterval import meets_window
from ceasefire.domain.workflow import CURRENT, SUPERSEDED
from ceasefire.ledger.log import META_ORIGIN, Ledger, LedgerConflictError
from ceasefire.ledger.note import Verifier
from ceasefire.ledger.storage import LedgerStorage
from ceasefire.records import EncodedRecord, Record, decode, encode, encode_many
from ceasefire.store.contract import (
    MAX_PAGE,
    AddResult,
    ConflictingRecordError,
    ObservationQuery,
    Page,
    StoredRecord,
)

R = TypeVar("R", bound=Record)

#: (record, its envelope) as handed to a backend's insert.
Item = tuple[Record, EncodedRecord]


def utc_text(moment: datetime) -> str:
    """ISO text in UTC with a fixed width, so string order is time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def index_columns(record: Record) -> tuple[str | None, ...]:
    """(source, start_utc, end_utc, agreement_id, subject, verdict): what the queries filter on;
    None where a kind has no such value. A clock's time is from its start to its deadline and
    its subject the incident it times."""
    if isinstance(record, Observation):
        interval = record.interval
        return (record.source, utc_text(interval.start), utc_text(interval.end), None, None, None)
    if isinstance(record, Finding):
        return (None, None, None, record.agreement_id, str(record.subject), str(record.verdict))
    if isinstance(record, Transition):
        return (None, None, None, None, str(record.subject), None)
    if isinstance(record, Incident):
        interval = record.interval
        return (None, utc_text(interval.start), utc_text(interval.end), None, None, None)
    if isinstance(record, ResponseClock):
        subject = str(RecordRef(RecordKind.INCIDENT, record.incident_id))
        return (None, utc_text(record.started_at), utc_text(record.due_at), None, subject, None)
    if isinstance(record, Report):
        period = record.period
        return (None, utc_text(period.start), utc_text(period.end), None, None, None)
    if isinstance(record, IntentRecord):
        occupied = record.intent.volumes + record.intent.off_nominal_volumes
        if occupied:  # the span of every volume it may occupy, nominal or not
            start = utc_text(min(v.start for v in occupied))
            return (None, start, utc_text(max(v.end for v in occupied)), None, None, None)
    return (None, None, None, None, None, None)


def point_of(record: Record) -> tuple[float, float] | None:
    """(lon, lat) of an observation located by coordinates; None for any other record, and
    for an observation known only by a region name (it lies in no box)."""
    if isinstance(record, Observation):
        where = record.location
        if where.lat is not None and where.lon is not None:
            return (where.lon, where.lat)
    return None


def in_box(point: tuple[float, float] | None, bbox: tuple[float, float, float, float]) -> bool:
    """The contract's box test: edges included, no point no match."""
    if point is None:
        return False
    west, south, east, north = bbox
    return west <= point[0] <= east and south <= point[1] <= north


class RecordStore(ABC):
    """The `Store` contract over a backend's table operations (the abstract methods)."""

    url: str

    def __init__(self, ledger_storage: LedgerStorage) -> None:
        self._ledger_storage = ledger_storage
        #: Serialises writers of this process; other processes queue in the backend.
        self._write_lock = threading.RLock()
        #: The writers' view of the log, used under the write lock only; readers get their
        #: own (`ledger()`), so a reader's refresh never moves a writer's size under it.
        self._writer: Ledger | None = None
        self._reader: Ledger | None = None
        #: Inside `group_of_work`: the ledger entries its units logged, appended at its end.
        self._gathered: dict[str, bytes] | None = None
        #: Per thread: how many units of work it has open (`in_unit_of_work`).
        self._uow_depth = threading.local()

    # -- what a backend provides ------------------------------------------------------

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[bool]:
        """Begin a transaction (a savepoint when one is open in this thread); commit on exit,
        roll back store *and* ledger storage on an exception. Yields True when outermost."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[object]:
        """Held around every read (a backend with one connection serialises them)."""

    @abstractmethod
    def _current_ledger_ids(self, kind: RecordKind, ids: Sequence[str]) -> dict[str, str]:
        """Record id -> ledger id of the current version, for the ids that have one."""

    @abstractmethod
    def _current_findings(self, agreement_id: str, subject_kind: RecordKind) -> dict[str, str]:
        """Finding id -> ledger id of the agreement's current findings about records of
        `subject_kind` (their `subject` column starts with ``<kind>/``)."""

    @abstractmethod
    def _was_stored(self, encoded: EncodedRecord) -> bool:
        """Whether this exact version of the record is stored and no longer current."""

    @abstractmethod
    def _next_change(self) -> int:
        """The next store-wide change number (inside the transaction)."""

    @abstractmethod
    def _insert(self, items: Sequence[Item], change: int) -> None:
        """Store each item as the current version of its record, with change numbers
        `change`, `change` + 1, ..."""

    @abstractmethod
    def _retire(self, ref: RecordRef, successor: str | None, change: int) -> None:
        """Mark the current version of `ref` not current, replaced by `successor` (or none)."""

    @abstractmethod
    def _versions(self, ref: RecordRef) -> list[tuple[int, StoredRecord]]:
        """(insertion number, version) of every version stored under `ref`."""

    @abstractmethod
    def _superseded_by(self, ledger_ids: Sequence[str]) -> list[tuple[int, StoredRecord]]:
        """(insertion number, version) of the versions replaced by any of `ledger_ids`."""

    @abstractmethod
    def _current_bodies(
        self, kind: RecordKind, query: ObservationQuery, after: str | None, limit: int | None
    ) -> list[bytes]:
        """Envelopes of current records of `kind` matching `query` with id > `after`, by id
        (the source filter applies to observations, the time filter to every kind with an
        interval: observations, incidents, clocks, reports)."""

    @abstractmethod
    def _subject_bodies(self, kind: RecordKind, subject: str) -> list[bytes]:
        """Envelopes of current records of `kind` about `subject` (``kind/id``), in insertion
        order: the transitions of a record, the clocks of an incident."""

    @abstractmethod
    def _finding_bodies(
        self, agreement_id: str, after: str | None = None, limit: int | None = None
    ) -> list[bytes]:
        """Envelopes of the agreement's current findings with id > `after`, by id, at most
        `limit` of them (all when None)."""

    @abstractmethod
    def _finding_agreement_ids(self) -> list[str]:
        """The distinct agreement ids of current findings, sorted."""

    @abstractmethod
    def get(self, ref: RecordRef) -> StoredRecord | None: ...

    @abstractmethod
    def count_observations(self) -> int: ...

    @abstractmethod
    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]: ...

    @abstractmethod
    def stored_records(self) -> Iterator[StoredRecord]: ...

    @abstractmethod
    def index_problems(self) -> list[Problem]: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- unit of work and ledger --------------------------------------------------------

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """One transaction for the store and the ledger; nested blocks become savepoints."""
        with self._write_lock:
            mark = None if self._gathered is None else len(self._gathered)
            depth: int = getattr(self._uow_depth, "depth", 0)
            self._uow_depth.depth = depth + 1
            try:
                with self._transaction() as outermost:
                    if outermost:
                        self._writer = self._open_writer()
                    yield
            except BaseException:
                if mark is not None and self._gathered is not None:
                    for rid in list(self._gathered)[mark:]:  # rolled back with the savepoint
                        del self._gathered[rid]
                if self._writer is not None:
                    self._writer.reset()  # its cached size and tiles may be rolled back
                raise
            finally:
                self._uow_depth.depth = depth

    def in_unit_of_work(self) -> bool:
        return getattr(self._uow_depth, "depth", 0) > 0

    @contextmanager
    def group_of_work(self) -> Iterator[None]:
        """An outermost unit of work whose nested units log to the ledger together, in one
        append just before the commit, instead of one append (and one rewrite of the log's
        right-edge tiles) each. A nested unit that fails rolls back its savepoint and drops
        its gathered entries; the others commit. For a service's single writer, which gathers
        many small requests into one transaction (docs/service.md, "Group commit")."""
        with self._write_lock:
            if self._gathered is not None:
                raise RuntimeError("group_of_work cannot be nested")
            try:
                with self.unit_of_work():
                    self._gathered = {}
                    yield
                    gathered, self._gathered = self._gathered, None
                    if gathered and self._writer is not None:
                        self._writer.append_entries(list(gathered.items()))
            finally:
                self._gathered = None

    def _open_writer(self) -> Ledger | None:
        """The log as of now (inside the write transaction: nobody appends behind our back)."""
        if self._ledger_storage.get_meta(META_ORIGIN) is None:
            return None
        if self._writer is None:
            return Ledger(self._ledger_storage)
        self._writer.refresh()
        return self._writer

    def _log(self, encoded: Sequence[EncodedRecord]) -> int:
        """Append, inside the current unit of work, what the log does not hold yet (inside
        `group_of_work`: gather it, to be appended when the group ends)."""
        if self._writer is None:
            return 0
        entries = [(e.ledger_id, e.data) for e in encoded]
        if self._gathered is None:
            return len(self._writer.append_missing_entries(entries))
        fresh = [(rid, data) for rid, data in self._writer.missing_entries(entries)
                 if rid not in self._gathered or self._refuse_other(rid, data)]
        self._gathered.update(fresh)
        return len(fresh)

    def _refuse_other(self, rid: str, data: bytes) -> bool:
        """False when `rid` is gathered already with these bytes; raises if with others."""
        if self._gathered is not None and self._gathered[rid] != data:
            raise LedgerConflictError(
                "1 id(s) taken by different records; nothing appended",
                [Problem("ledger", "gathered in this group with other bytes", pointer=repr(rid))],
            )
        return False

    def ledger(self) -> Ledger | None:
        with self._reading():
            if self._ledger_storage.get_meta(META_ORIGIN) is None:
                return None
            if self._reader is None:
                self._reader = Ledger(self._ledger_storage)
            else:
                self._reader.refresh()
            return self._reader

    def initialise_ledger(self, origin: str, log_key: Verifier) -> Ledger:
        with self.unit_of_work():
            Ledger.initialise(self._ledger_storage, origin, log_key)
            self._writer = Ledger(self._ledger_storage)
            self._writer.append_missing_entries(
                [(r.ledger_id, r.data) for r in self.stored_records()]
            )
        reader = self.ledger()
        assert reader is not None
        return reader

    # -- writing ----------------------------------------------------------------------

    def _current_versions(self, encoded: Sequence[EncodedRecord]) -> dict[RecordRef, str]:
        """Ref -> ledger id of the current version, for the records stored already."""
        by_kind: dict[RecordKind, list[str]] = {}
        for e in encoded:
            by_kind.setdefault(e.ref.kind, []).append(e.ref.id)
        return {
            RecordRef(kind, rid): lid
            for kind, ids in by_kind.items()
            for rid, lid in self._current_ledger_ids(kind, ids).items()
        }

    def add_observations(self, observations: Sequence[Observation]) -> AddResult:
        return self.add_records(observations)

    def add_records(self, records: Sequence[Record]) -> AddResult:
        encoded = encode_many(records)
        with self.unit_of_work():
            known = self._current_versions(encoded)
            fresh: list[Item] = []
            present = 0
            for record, e in zip(records, encoded, strict=True):
                current = known.get(e.ref)
                if current is None:
                    known[e.ref] = e.ledger_id
                    fresh.append((record, e))
                elif current == e.ledger_id or self._was_stored(e):
                    present += 1  # stored already, or a version a correction has replaced
                else:
                    raise ConflictingRecordError(
                        str(e.ref),
                        "stored already with different content (a correction must supersede it)",
                    )
            self._insert(fresh, self._next_change())
            logged = self._log(encoded)
        return AddResult(len(fresh), present, logged)

    def replace_findings(
        self,
        agreement_id: str,
        findings: Sequence[Finding],
        subject_kind: RecordKind = RecordKind.OBSERVATION,
    ) -> AddResult:
        for finding in findings:
            if finding.agreement_id != agreement_id:
                raise ConflictError(
                    f"finding {finding.id} belongs to {finding.agreement_id}, not {agreement_id}"
                )
            if finding.subject.kind is not subject_kind:
                raise ConflictError(
                    f"finding {finding.id} is about a {finding.subject.kind}, not a"
                    f" {subject_kind}: replace each kind's findings on its own"
                )
        encoded = encode_many(findings)
        with self.unit_of_work():
            current = self._current_findings(agreement_id, subject_kind)
            change = self._next_change()
            fresh: list[Item] = []
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
                    self._retire(e.ref, e.ledger_id, change)
                    change += 1
                fresh.append((finding, e))
            for gone in sorted(set(current) - wanted):
                self._retire(RecordRef(RecordKind.FINDING, gone), None, change)
                change += 1
            self._insert(fresh, change)
            logged = self._log(encoded)
        return AddResult(len(fresh), present, logged)

    def add_or_correct(
        self, records: Sequence[Record], *, actor: str, reason: str, at: datetime
    ) -> AddResult:
        encoded = encode_many(records)
        with self.unit_of_work():
            known = self._current_versions(encoded)
            batch: dict[RecordRef, str] = {}
            fresh: list[Item] = []
            corrections: list[tuple[RecordRef, str]] = []
            steps: list[EncodedRecord] = []
            present = 0
            for record, e in zip(records, encoded, strict=True):
                if e.ref in batch:
                    if batch[e.ref] != e.ledger_id:
                        raise ConflictingRecordError(
                            str(e.ref), "appears twice in one batch with different content"
                        )
                    present += 1
                    continue
                batch[e.ref] = e.ledger_id
                current = known.get(e.ref)
                if current == e.ledger_id or self._was_stored(e):
                    present += 1  # stored already, or a version a correction has replaced
                    continue
                if current is None:
                    if self._versions(e.ref):
                        raise ConflictingRecordError(
                            str(e.ref),
                            "changed, but its stored version was superseded by a record under"
                            " another id (store.history names it): correct that one by hand",
                        )
                    fresh.append((record, e))
                    continue
                transition = _transition(e.ref, current, e, actor=actor, reason=reason, at=at)
                step = encode(transition)
                corrections.append((e.ref, e.ledger_id))
                fresh += [(record, e), (transition, step)]
                steps.append(step)
            change = self._next_change()
            for n, (ref, successor) in enumerate(corrections):
                self._retire(ref, successor, change + n)
            self._insert(fresh, change + len(corrections))
            logged = self._log([*encoded, *steps])
        added = len(fresh) - 2 * len(corrections)
        return AddResult(added, present, logged, corrected=len(corrections))

    def supersede(
        self, old: RecordRef, new: Record, *, actor: str, reason: str, at: datetime
    ) -> Transition:
        replacement = encode(new)
        if replacement.ref.kind is not old.kind:
            raise ConflictError(f"{old} cannot be superseded by a {replacement.ref.kind}")
        with self.unit_of_work():
            before = self._current_ledger_ids(old.kind, [old.id]).get(old.id)
            if before is None:
                raise NotFoundError(f"{old} is not stored (or was superseded already)")
            if before == replacement.ledger_id:
                raise ConflictError(f"{old}: the correction is identical to the stored record")
            if replacement.ref != old and self._current_ledger_ids(old.kind, [replacement.ref.id]):
                raise ConflictingRecordError(str(replacement.ref), "is stored already")
            transition = _transition(old, before, replacement, actor=actor, reason=reason, at=at)
            step = encode(transition)
            change = self._next_change()
            self._retire(old, replacement.ledger_id, change)
            self._insert([(new, replacement), (transition, step)], change + 1)
            self._log([replacement, step])
        return transition

    def retire(
        self,
        ref: RecordRef,
        *,
        successor: RecordRef | None,
        to_state: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> Transition:
        with self.unit_of_work():
            before = self._current_ledger_ids(ref.kind, [ref.id]).get(ref.id)
            if before is None:
                raise NotFoundError(f"{ref} is not stored (or was retired already)")
            after: str | None = None
            if successor is not None:
                after = self._current_ledger_ids(successor.kind, [successor.id]).get(successor.id)
                if after is None or successor == ref:
                    raise NotFoundError(f"{ref} cannot be retired into {successor}: not stored")
            digest = hashlib.sha256(f"{before}>{to_state}>{after}".encode()).hexdigest()
            transition = Transition(
                id=digest[:20],
                subject=ref,
                from_state=CURRENT,
                to_state=to_state,
                at=at,
                actor=actor,
                reason=reason,
                successor=successor,
            )
            step = encode(transition)
            change = self._next_change()
            self._retire(ref, after, change)
            self._insert([(transition, step)], change + 1)
            self._log([step])
        return transition

    # -- reading ----------------------------------------------------------------------

    def history(self, ref: RecordRef) -> list[StoredRecord]:
        with self._reading():
            found: dict[int, StoredRecord] = {}
            frontier = self._versions(ref)
            while frontier:
                found.update(frontier)
                replaced_by = sorted({version.ledger_id for _, version in frontier})
                frontier = [(n, v) for n, v in self._superseded_by(replaced_by) if n not in found]
        return [found[n] for n in sorted(found)]

    def get_observation(self, observation_id: str) -> Observation | None:
        stored = self.get(RecordRef(RecordKind.OBSERVATION, observation_id))
        if stored is None:
            return None
        value = stored.value()
        assert isinstance(value, Observation)
        return value

    def observations(
        self,
        sources: Iterable[str] | None = None,
        overlapping: tuple[datetime, datetime] | None = None,
    ) -> list[Observation]:
        with self._reading():
            query = ObservationQuery.of(sources, overlapping)
            bodies = self._current_bodies(RecordKind.OBSERVATION, query, None, None)
        return [_observation(body) for body in bodies]

    def observation_page(
        self, query: ObservationQuery, after: str | None = None, limit: int = 100
    ) -> Page[Observation]:
        limit = max(1, min(limit, MAX_PAGE))
        with self._reading():
            bodies = self._current_bodies(RecordKind.OBSERVATION, query, after, limit + 1)
        items = [_observation(body) for body in bodies[:limit]]
        return Page(items, items[-1].id if len(bodies) > limit else None)

    def incidents(
        self, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[Incident]:
        with self._reading():
            query = ObservationQuery.of(None, overlapping)
            bodies = self._current_bodies(RecordKind.INCIDENT, query, None, None)
        return [_decoded(body, Incident) for body in bodies]

    def incident_page(
        self,
        overlapping: tuple[datetime, datetime] | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[Incident]:
        return self._timed_page(RecordKind.INCIDENT, Incident, overlapping, after, limit)

    def _timed_page(
        self,
        kind: RecordKind,
        cls: type[R],
        overlapping: tuple[datetime, datetime] | None,
        after: str | None,
        limit: int,
    ) -> Page[R]:
        """A keyset page of current records of `kind` whose time span meets `overlapping`."""
        limit = max(1, min(limit, MAX_PAGE))
        with self._reading():
            query = ObservationQuery.of(None, overlapping)
            bodies = self._current_bodies(kind, query, after, limit + 1)
        items = [_decoded(body, cls) for body in bodies[:limit]]
        return Page(items, items[-1].id if len(bodies) > limit else None)

    def transitions(self, subject: RecordRef) -> list[Transition]:
        with self._reading():
            bodies = self._subject_bodies(RecordKind.TRANSITION, str(subject))
        return [_decoded(body, Transition) for body in bodies]

    def clocks(self, incident_id: str | None = None) -> list[ResponseClock]:
        with self._reading():
            if incident_id is None:
                query = ObservationQuery()
                bodies = self._current_bodies(RecordKind.CLOCK, query, None, None)
            else:
                subject = str(RecordRef(RecordKind.INCIDENT, incident_id))
                bodies = self._subject_bodies(RecordKind.CLOCK, subject)
        return [_decoded(body, ResponseClock) for body in bodies]

    def messages(self) -> list[Message]:
        with self._reading():
            bodies = self._current_bodies(RecordKind.MESSAGE, ObservationQuery(), None, None)
        return [_decoded(body, Message) for body in bodies]

    def reports(self, overlapping: tuple[datetime, datetime] | None = None) -> list[Report]:
        with self._reading():
            query = ObservationQuery.of(None, overlapping)
            bodies = self._current_bodies(RecordKind.REPORT, query, None, None)
        return [_decoded(body, Report) for body in bodies]

    def intent_page(
        self,
        overlapping: tuple[datetime, datetime] | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[IntentRecord]:
        return self._timed_page(RecordKind.INTENT, IntentRecord, overlapping, after, limit)

    def findings(self, agreement_id: str) -> list[Finding]:
        with self._reading():
            bodies = self._finding_bodies(agreement_id)
        return [_decoded(body, Finding) for body in bodies]

    def assessed_agreements(self) -> list[str]:
        with self._reading():
            return self._finding_agreement_ids()

    def finding_page(
        self, agreement_id: str, after: str | None = None, limit: int = 100
    ) -> Page[Finding]:
        limit = max(1, min(limit, MAX_PAGE))
        with self._reading():
            bodies = self._finding_bodies(agreement_id, after, limit + 1)
        items = [_decoded(body, Finding) for body in bodies[:limit]]
        return Page(items, items[-1].id if len(bodies) > limit else None)


def _transition(
    old: RecordRef,
    before: str,
    replacement: EncodedRecord,
    *,
    actor: str,
    reason: str,
    at: datetime,
) -> Transition:
    """The record of `old` (current version `before`, a ledger id) superseded by `replacement`;
    its id follows from the two versions, so the same correction is the same transition."""
    digest = hashlib.sha256(f"{before}>{replacement.ledger_id}".encode()).hexdigest()
    return Transition(
        id=digest[:20],
        subject=old,
        from_state=CURRENT,
        to_state=SUPERSEDED,
        at=at,
        actor=actor,
        reason=reason,
        successor=replacement.ref,
    )


def _observation(body: bytes) -> Observation:
    return _decoded(body, Observation)


def _decoded(body: bytes, kind: type[R]) -> R:
    """The record in `body`, which the query guarantees to be of `kind`."""
    value = decode(body)
    assert isinstance(value, kind)
    return value


def overlaps(start: str, end: str, window: tuple[datetime, datetime]) -> bool:
    """`meets_window` on the UTC texts of the index columns."""
    return meets_window(start, end, utc_text(window[0]), utc_text(window[1]))


def index_problem(ledger_id: str, data: bytes, columns: tuple[str | None, ...]) -> Problem | None:
    """A problem when a version's query columns are not those its record gives."""
    wanted = index_columns(decode(data))
    if tuple(columns) == wanted:
        return None
    names = ("source", "start_utc", "end_utc", "agreement_id", "subject", "verdict")
    wrong = [
        f"{n} {have!r} (record: {want!r})"
        for n, have, want in zip(names, columns, wanted, strict=True)
        if have != want
    ]
    return Problem(
        "store", "query columns disagree with the record: " + ", ".join(wrong), pointer=ledger_id
    )
