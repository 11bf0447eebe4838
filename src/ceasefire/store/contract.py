"""The store contract every backend meets (SQLite now, PostgreSQL next), and its value types.

What a backend promises (tests/store_contract.py checks every one of them on every backend):

- **Records are immutable and versioned.** A record is kept in its `ceasefire.records` envelope,
  byte for byte what the evidence ledger commits to. Storing the same record again adds nothing
  (nor does a version a correction has since replaced: re-reading a source file must not undo
  the correction); a *different* record under a used id is refused (`ConflictingRecordError`)
  unless it is explicitly a correction (`supersede`, or `add_or_correct` for a re-read source
  whose rows are keyed naturally), which keeps the predecessor and records a transition.
- **One unit of work.** Every write call is atomic, and the store write and the ledger append of
  the same records happen in one database transaction: both or neither. Calls made inside
  ``with store.unit_of_work():`` share that one transaction.
- **Reads see current versions** unless asked for history; lists are ordered by id and paged
  by keyset (`after` = the last id seen), so a page never shifts under concurrent inserts.
- **A change feed.** Every insert and every retirement of a version bumps a store-wide change
  number; `changes(since)` returns what changed after a cursor, for the bus and for caches.
- **Time filters are half-open.** ``overlapping=(start, end)`` matches a record whose interval
  [s, e) meets [start, end): ``s < end and e > start``, and an instant (s == e) when
  ``start <= s < end``.
- **Thread-safe.** One store object may be shared by the threads of a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

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
from ceasefire.domain.errors import ConflictError, Problem
from ceasefire.domain.intent_record import IntentRecord
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.note import Verifier
from ceasefire.records import Record, decode

T = TypeVar("T")

#: Largest page a list call returns, whatever the caller asks: bounds memory per request.
MAX_PAGE = 10_000


class ConflictingRecordError(ConflictError):
    """A record with this id is stored already with different content; nothing was written."""

    def __init__(self, record: str, reason: str) -> None:
        self.record_id = record
        super().__init__(f"record {record}: {reason}")


@dataclass(frozen=True, slots=True)
class AddResult:
    """What a write did: records newly stored, and records that were stored already."""

    added: int
    already_present: int
    logged: int = 0
    """Entries appended to the evidence ledger by this write (0 when the store keeps none)."""
    corrected: int = 0
    """Records stored under a used id with changed content, each superseding the version it
    replaced (`Store.add_or_correct`); not counted in `added`."""


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One stored version of a record, as the change feed and history return it."""

    ref: RecordRef
    ledger_id: str
    schema: int
    data: bytes
    """The envelope bytes, identical to the ledger entry `ledger_id`."""
    current: bool
    """False once a correction or a re-assessment replaced this version."""
    superseded_by: str | None
    """Ledger id of the version that replaced this one, if one did."""
    change: int
    """The store-wide change number of this version's last change (insert or retirement)."""

    def value(self) -> Record:
        """The domain record, decoded with the codec of the version it was written in."""
        return decode(self.data)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list; `next` is the cursor for the following page, None at the end."""

    items: list[T]
    next: str | None


@dataclass(frozen=True, slots=True)
class ObservationQuery:
    """Filters for observation lists; None means no filter."""

    sources: frozenset[str] | None = None
    overlapping: tuple[datetime, datetime] | None = None
    bbox: tuple[float, float, float, float] | None = None
    """(west, south, east, north) in degrees, edges included: an observation whose point lies
    in the box. One known only by a region name is in no box. PostgreSQL answers it from a
    GiST index (docs/store.md), the other backends by scanning."""

    @staticmethod
    def of(
        sources: Iterable[str] | None = None,
        overlapping: tuple[datetime, datetime] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> ObservationQuery:
        return ObservationQuery(None if sources is None else frozenset(sources), overlapping, bbox)


class Store(Protocol):
    """Persistence of records behind one interface; open one with `ceasefire.store.open_store`."""

    url: str
    """Where the store lives, as given to `open_store` (no password is ever kept here)."""

    # -- writing ---------------------------------------------------------------------

    def unit_of_work(self) -> AbstractContextManager[None]:
        """Group the writes inside the block into one transaction (store and ledger)."""
        ...

    def in_unit_of_work(self) -> bool:
        """Whether the calling thread is inside a unit of work (holds the write lock)."""
        ...

    def group_of_work(self) -> AbstractContextManager[None]:
        """An outermost unit of work whose nested units (savepoints: one may fail alone) log
        to the ledger in one append at its end; a single writer's group commit."""
        ...

    def add_observations(self, observations: Sequence[Observation]) -> AddResult:
        """Store new observations; identical ones already stored are counted, not duplicated."""
        ...

    def add_records(self, records: Sequence[Record]) -> AddResult:
        """Store new records of any kind (incidents, transitions, reports, audit entries)."""
        ...

    def add_or_correct(
        self, records: Sequence[Record], *, actor: str, reason: str, at: datetime
    ) -> AddResult:
        """Store new records; a record whose id is stored with other content is a correction
        that supersedes the current version (as `supersede` does, with `actor`, `reason` and
        `at` on its transition). For a source re-read: a version stored before (the original
        row after a correction) counts as already present, never restores itself."""
        ...

    def replace_findings(
        self,
        agreement_id: str,
        findings: Sequence[Finding],
        subject_kind: RecordKind = RecordKind.OBSERVATION,
    ) -> AddResult:
        """Make `findings` the agreement's current assessment of records of `subject_kind`;
        the versions they replace, and findings about that kind no longer produced, are
        retired but kept (history, ledger). Findings about other kinds stay as they are: the
        observations are assessed by `assess`, the incidents from them after fusion."""
        ...

    def supersede(
        self, old: RecordRef, new: Record, *, actor: str, reason: str, at: datetime
    ) -> Transition:
        """Replace the current version of `old` by the corrected record `new` (same or new id),
        keeping the predecessor; returns the transition recorded for it."""
        ...

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
        """Make the current version of `ref` no longer current without a replacement under
        its id (an incident merged into `successor`, which must be stored), keeping it and
        recording a transition to `to_state`; `history(successor)` then includes it."""
        ...

    # -- reading ---------------------------------------------------------------------

    def get(self, ref: RecordRef) -> StoredRecord | None:
        """The current version of a record, or None."""
        ...

    def history(self, ref: RecordRef) -> list[StoredRecord]:
        """Every version of a record and of the records it corrected, oldest first."""
        ...

    def get_observation(self, observation_id: str) -> Observation | None:
        """The current version of an observation, or None."""
        ...

    def observations(
        self,
        sources: Iterable[str] | None = None,
        overlapping: tuple[datetime, datetime] | None = None,
    ) -> list[Observation]:
        """Every current observation matching the filters, ordered by id."""
        ...

    def observation_page(
        self, query: ObservationQuery, after: str | None = None, limit: int = 100
    ) -> Page[Observation]:
        """At most `limit` current observations with id > `after`, ordered by id."""
        ...

    def count_observations(self) -> int:
        """Number of current observations."""
        ...

    def findings(self, agreement_id: str) -> list[Finding]:
        """The agreement's current findings, ordered by id."""
        ...

    def assessed_agreements(self) -> list[str]:
        """The ids of the agreements that have current findings, sorted."""
        ...

    def finding_page(
        self, agreement_id: str, after: str | None = None, limit: int = 100
    ) -> Page[Finding]:
        """At most `limit` of the agreement's current findings with id > `after`, by id."""
        ...

    def incidents(self, overlapping: tuple[datetime, datetime] | None = None) -> list[Incident]:
        """Every current incident (whose interval meets `overlapping`, if given), by id."""
        ...

    def incident_page(
        self,
        overlapping: tuple[datetime, datetime] | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[Incident]:
        """At most `limit` current incidents with id > `after`, ordered by id."""
        ...

    def transitions(self, subject: RecordRef) -> list[Transition]:
        """Every transition recorded about `subject` (workflow moves, corrections, clock
        acknowledgments), oldest first: replaying them gives the record's state."""
        ...

    def clocks(self, incident_id: str | None = None) -> list[ResponseClock]:
        """The response clocks of one incident (in the order they were started), or all of
        them (ordered by id)."""
        ...

    def messages(self) -> list[Message]:
        """Every current hotline message, ordered by id (the hotline filters by side)."""
        ...

    def reports(self, overlapping: tuple[datetime, datetime] | None = None) -> list[Report]:
        """Every published report (whose period meets `overlapping`, if given), by id."""
        ...

    def intent_page(
        self,
        overlapping: tuple[datetime, datetime] | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[IntentRecord]:
        """At most `limit` current operational intents (every state, ended ones too) with
        id > `after`, ordered by id; `overlapping` matches the span of their volumes."""
        ...

    def changes(self, since: int = 0, limit: int = 1000) -> Page[StoredRecord]:
        """Versions inserted or retired after change number `since`, in change order;
        `next` is the cursor (a change number, as text) to pass next time."""
        ...

    def change_head(self) -> int:
        """The latest change number (0 for an empty store): what a reader that keeps derived
        views passes to `changes` next, to learn cheaply whether anything changed since."""
        ...

    def stored_records(self) -> Iterator[StoredRecord]:
        """Every stored version, in insertion order (audits, ledger cross-checks)."""
        ...

    def index_problems(self) -> list[Problem]:
        """Every stored version whose query columns disagree with its record (a filter could
        then hide or misplace it although its bytes are intact); empty when all agree."""
        ...

    # -- evidence ledger -------------------------------------------------------------

    def ledger(self) -> Ledger | None:
        """The evidence ledger kept in the same database, or None before `initialise_ledger`."""
        ...

    def initialise_ledger(self, origin: str, log_key: Verifier) -> Ledger:
        """Start (or re-open) the ledger; records stored before are logged now, in store order."""
        ...

    def close(self) -> None: ...
