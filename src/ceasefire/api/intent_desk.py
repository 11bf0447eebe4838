"""The service's operational intents: one deconfliction engine in memory, every accepted
version in the store (and so in the ledger).

Why memory and store together: deciding a plan needs the engine's spatial index of every live
intent, which is too slow to rebuild per request, while evidence needs every version kept. So
each change is decided by the engine and then stored, under one lock, as a new version of the
``intent`` record (`Store.add_or_correct`: the version it replaces is kept, with a transition).
When the store refuses the write, the engine is put back as it was, so memory never holds
what the store does not. When the service starts, the engine is rebuilt from the stored live
intents (`IntentDesk.open`).

One writer: only one service process may serve a data directory's intents. A second process
would hold its own engine, decide against an index that lacks the first one's changes, and
could accept two conflicting plans; nothing here can detect that (docs/service.md).

Agreement constraints: the zones of every agreement the service has loaded, each in force
during its own agreement's window (`deconflict.from_agreement`), so a plan is checked against
whichever agreement covers its time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ceasefire.api.audit import Auditor
from ceasefire.api.intent_wire import refusal
from ceasefire.api.roles import Principal
from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.deconflict.from_agreement import airspace_constraints
from ceasefire.deconflict.strategic import Decision, StrategicDeconflictor
from ceasefire.domain import AuditOutcome, RecordKind, RecordRef
from ceasefire.domain.agreement import Agreement
from ceasefire.domain.errors import ConflictError, ForbiddenError, NotFoundError
from ceasefire.domain.intent import LIVE_STATES, IntentState, OperationalIntent, Volume4D
from ceasefire.domain.intent_record import IntentRecord
from ceasefire.store import Store

#: Intents read from the store per page while rebuilding the engine.
_RESTORE_PAGE = 1000


def agreement_constraints(agreements: Sequence[Agreement]) -> list[AirspaceConstraint]:
    return [c for agreement in agreements for c in airspace_constraints(agreement)]


def stored_intents(store: Store) -> Iterator[IntentRecord]:
    """Every current intent record (ended ones too), by id."""
    after: str | None = None
    while True:
        page = store.intent_page(after=after, limit=_RESTORE_PAGE)
        yield from page.items
        if page.next is None:
            return
        after = page.next


@dataclass(frozen=True, slots=True)
class Accepted:
    record: IntentRecord
    decision: Decision


class IntentDesk:
    """Submit, update and end intents for the service; thread-safe (one lock)."""

    def __init__(self, store: Store, auditor: Auditor, engine: StrategicDeconflictor) -> None:
        self._store = store
        self._auditor = auditor
        self._engine = engine
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, store: Store, auditor: Auditor, constraints: Sequence[AirspaceConstraint]
    ) -> IntentDesk:
        """The desk with the stored live intents back in the engine, at their versions."""
        engine = StrategicDeconflictor(constraints=constraints)
        for record in stored_intents(store):
            if record.intent.state in LIVE_STATES:
                engine.restore(record.intent)
        return cls(store, auditor, engine)

    # -- reading --------------------------------------------------------------------------
    def stored(self, intent_id: str) -> IntentRecord | None:
        found = self._store.get(RecordRef(RecordKind.INTENT, intent_id))
        if found is None:
            return None
        value = found.value()
        assert isinstance(value, IntentRecord)
        return value

    def nation_of(self, intent_id: str) -> str:
        held = self._engine.get(intent_id)
        return "" if held is None else held.nation

    def area(self, volumes: tuple[Volume4D, ...]) -> list[OperationalIntent]:
        """The live intents a plan occupying `volumes` must have seen (the engine's area)."""
        probe = OperationalIntent(id="area-query", command="", nation="", mandate="",
                                  priority=0, state=IntentState.ACCEPTED, volumes=volumes)
        with self._lock:
            view = self._engine.view(probe)
            return [i for k in sorted(view) if (i := self._engine.get(k)) is not None]

    # -- changing -------------------------------------------------------------------------
    def submit(self, principal: Principal, intent: OperationalIntent, seen: dict[str, int],
               at: datetime) -> Accepted:
        """A new intent; its id must be unused (an ended intent's id stays used)."""
        with self._lock:
            taken = self.stored(intent.id)
            if taken is not None:
                raise ConflictError(
                    f"intent id {intent.id!r} is taken (version {taken.intent.version},"
                    f" {taken.intent.state}, of {taken.nation}); change it with"
                    f" PUT /v1/intents/{intent.id} or choose another id")
            return self._decide(principal, intent, seen, at, None, "intent.submit")

    def update(self, principal: Principal, intent: OperationalIntent, seen: dict[str, int],
               at: datetime) -> Accepted:
        with self._lock:
            previous = self._owned_live(principal, intent.id, "update")
            return self._decide(principal, intent, seen, at, previous, "intent.update")

    def end(self, principal: Principal, intent_id: str, seen: dict[str, int],
            at: datetime) -> Accepted:
        with self._lock:
            previous = self._owned_live(principal, intent_id, "end")
            ended = replace(previous, state=IntentState.ENDED)
            accepted = self._decide(principal, ended, seen, at, previous, "intent.end")
            self._engine.forget(intent_id)  # ended intents stay in the store, not in memory
            return accepted

    def _owned_live(self, principal: Principal, intent_id: str, verb: str) -> OperationalIntent:
        """The held version of an intent the caller's nation owns and that has not ended."""
        record = self.stored(intent_id)
        if record is None:
            raise NotFoundError(f"no intent {intent_id!r}")
        if record.nation != principal.organisation:
            raise ForbiddenError(
                f"intent {intent_id!r} belongs to {record.nation}; {principal.organisation}"
                f" may not {verb} it")
        held = self._engine.get(intent_id)
        if record.intent.state is IntentState.ENDED or held is None:
            raise ConflictError(
                f"intent {intent_id!r} ended at version {record.intent.version}; an ended"
                " intent does not change (submit a new one)")
        return held

    def _decide(self, principal: Principal, intent: OperationalIntent, seen: dict[str, int],
                at: datetime, previous: OperationalIntent | None, action: str) -> Accepted:
        decision = self._engine.submit(intent, seen)
        if not decision.accepted:
            raise refusal(decision)  # the engine changed nothing
        held = self._engine.get(intent.id)
        assert held is not None
        record = IntentRecord(held, at, principal.user)
        try:
            with self._store.unit_of_work():
                self._store.add_or_correct(
                    [record], actor=principal.user, at=at,
                    reason=f"{action} by {principal.organisation}: version {held.version}")
                notified = ",".join(n.intent_id for n in decision.notifications)
                self._auditor.record(principal, action, f"intent/{intent.id}",
                                     AuditOutcome.ALLOWED,
                                     f"version={held.version} state={held.state}"
                                     + (f" notified={notified}" if notified else ""))
        except BaseException:
            if previous is None:
                self._engine.forget(intent.id)
            else:
                self._engine.restore(previous)
            raise
        return Accepted(record, decision)
