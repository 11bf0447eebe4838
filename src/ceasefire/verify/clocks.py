"""Response clocks: verifying a violation gives each notified party 24 h for a diplomatic and
72 h for a military response; acknowledging stops a clock, silence makes it overdue.

Who is notified: the party the violation is attributed to. When attribution is
`undetermined`, both parties are: a violation nobody can attribute is still a violation, and
a mechanism that waits for attribution before anyone must answer would let the hardest cases,
those near the line where both sides fire, go unanswered. Each party then answers for its
own forces.

A clock runs in real time, not wall-clock time: its deadline is the verification instant
plus 24 (72) hours, computed in UTC, so a night when Kyiv's clocks go back adds no hour and
takes none away. Everything here takes `now` as an argument; nothing reads the system clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ceasefire.domain import (
    ClockState,
    ClockTrack,
    Incident,
    IncidentState,
    RecordKind,
    RecordRef,
    ResponseClock,
    Side,
    Transition,
)
from ceasefire.domain.clock import RESPONSE_TIME
from ceasefire.domain.errors import ConflictError, ForbiddenError, InvalidInputError
from ceasefire.verify.moments import as_utc, refused
from ceasefire.verify.workflow import CLAUSE_PREFIX

#: The parties a mechanism notifies; an undetermined violation notifies both.
PARTIES: tuple[Side, ...] = (Side.RU, Side.UA)

#: Legal moves of a clock. An overdue clock can still be acknowledged: a late answer is an
#: answer, and the record keeps both that it was late and when it came.
_MOVES: frozenset[tuple[ClockState, ClockState]] = frozenset(
    {
        (ClockState.RUNNING, ClockState.ACKNOWLEDGED),
        (ClockState.RUNNING, ClockState.OVERDUE),
        (ClockState.OVERDUE, ClockState.ACKNOWLEDGED),
    }
)


def clock_id(incident_id: str, party: Side, track: ClockTrack) -> str:
    return f"{incident_id}:{party}:{track}"


def clock_ref(clock: ResponseClock) -> RecordRef:
    return RecordRef(RecordKind.CLOCK, clock.id)


def violation_clauses(verification: Transition) -> tuple[str, ...]:
    """The clauses a verification names as violated (its ``clause:<id>`` evidence)."""
    return tuple(
        item[len(CLAUSE_PREFIX):] for item in verification.evidence
        if item.startswith(CLAUSE_PREFIX)
    )


def notified_parties(incident: Incident) -> tuple[Side, ...]:
    """The attributed party, or both parties when attribution did not name one of them."""
    side = incident.attribution.side
    return (side,) if side in PARTIES else PARTIES


def start_clocks(verification: Transition, incident: Incident) -> list[ResponseClock]:
    """The clocks a verification starts: none unless it verified a violation (named a clause),
    else one diplomatic and one military clock per notified party, deterministic ids
    ``<incident>:<party>:<track>``."""
    source = f"transition/{verification.id}"
    expected = RecordRef(RecordKind.INCIDENT, incident.id)
    if verification.subject != expected:
        reason = f"is about {verification.subject}, not {expected}"
        raise refused(source, reason)
    if verification.to_state != IncidentState.VERIFIED:
        reason = f"moves to {verification.to_state!r}; only a verification starts clocks"
        raise refused(source, reason)
    clauses = violation_clauses(verification)
    if not clauses:
        return []
    clause = ", ".join(clauses)
    return [
        ResponseClock(
            id=clock_id(incident.id, party, track),
            incident_id=incident.id,
            track=track,
            notified_party=party,
            started_at=verification.at,
            due_at=verification.at + RESPONSE_TIME[track],
            started_by=verification.id,
            clause=clause,
        )
        for party in notified_parties(incident)
        for track in (ClockTrack.DIPLOMATIC, ClockTrack.MILITARY)
    ]


def _history_error(clock: ResponseClock, transition: Transition, reason: str) -> InvalidInputError:
    return refused(f"history of clock/{clock.id}", reason, pointer=f"transition {transition.id}")


def clock_state(clock: ResponseClock, history: Sequence[Transition]) -> ClockState:
    """The recorded state after replaying the clock's transitions (none: running)."""
    state = ClockState.RUNNING
    ref = clock_ref(clock)
    for transition in history:
        if transition.subject != ref:
            raise _history_error(clock, transition, f"is about {transition.subject}, not {ref}")
        if transition.from_state != state:
            reason = f"starts from {transition.from_state!r} but the clock was {state}"
            raise _history_error(clock, transition, reason)
        try:
            target = ClockState(transition.to_state)
        except ValueError:
            raise _history_error(
                clock, transition, f"unknown state {transition.to_state!r}"
            ) from None
        if (state, target) not in _MOVES:
            raise _history_error(clock, transition, f"illegal move {state} -> {target}")
        state = target
    return state


def _acknowledged_at(history: Sequence[Transition]) -> datetime | None:
    return next((t.at for t in history if t.to_state == ClockState.ACKNOWLEDGED), None)


def acknowledge(
    clock: ResponseClock,
    history: Sequence[Transition],
    actor: str,
    organisation: str,
    party: Side,
    at: datetime,
    reason: str = "",
) -> Transition:
    """The transition by which the notified party acknowledges its clock, stopping it.

    Only the notified party may (another party acknowledging would silence a clock that is
    not its own: `ForbiddenError`); a second acknowledgment is a `ConflictError`. An overdue
    clock is stopped too, and `clock_status` reports how late the answer came.
    """
    source = f"clock/{clock.id}"
    ref = clock_ref(clock)
    if not actor.strip() or not organisation.strip():
        reason_text = "the acknowledging actor and organisation must be named"
        raise refused(source, reason_text)
    if party != clock.notified_party:
        raise ForbiddenError(
            f"{ref}: {actor} ({organisation}) speaks for {party}, but this clock waits for "
            f"{clock.notified_party}; only the notified party may acknowledge it"
        )
    state = clock_state(clock, history)
    if state is ClockState.ACKNOWLEDGED:
        raise ConflictError(
            f"{ref}: already acknowledged at {_acknowledged_at(history)}; "
            "a second acknowledgment records nothing new"
        )
    at_utc = as_utc(at, source, "at")
    if at_utc < clock.started_at:
        reason_text = (
            f"acknowledged at {at_utc.isoformat()}, before the clock started "
            f"({clock.started_at.isoformat()})"
        )
        raise refused(source, reason_text)
    if history and at_utc < history[-1].at:
        raise ConflictError(
            f"{ref}: acknowledgment dated {at_utc.isoformat()}, before the last transition "
            f"{history[-1].id} at {history[-1].at.isoformat()}"
        )
    return Transition(
        id=f"{clock.id}:{ClockState.ACKNOWLEDGED}",
        subject=ref,
        from_state=str(state),
        to_state=str(ClockState.ACKNOWLEDGED),
        at=at_utc,
        actor=actor,
        reason=reason.strip() or f"{party} acknowledged the {clock.track} notification",
        organisation=organisation,
    )


@dataclass(frozen=True, slots=True)
class ClockStatus:
    """Where a clock stands at `now`, for a dashboard or an alert."""

    clock_id: str
    state: ClockState
    due_at: datetime
    remaining: timedelta | None
    """Time left while running; None otherwise."""
    overdue_by: timedelta | None
    """How far past due: at `now` for an overdue clock, at the acknowledgment for one
    acknowledged late; None when nothing was late."""
    acknowledged_at: datetime | None


def clock_status(clock: ResponseClock, history: Sequence[Transition], now: datetime) -> ClockStatus:
    """The clock at `now`: acknowledged if the party answered, else overdue once `now` has
    reached the deadline (whether or not the alert was recorded yet), else running."""
    now_utc = as_utc(now, f"clock/{clock.id}", "now")
    state = clock_state(clock, history)
    acknowledged = _acknowledged_at(history)
    if acknowledged is not None:
        late = acknowledged - clock.due_at
        overdue = late if late > timedelta(0) else None
        return ClockStatus(clock.id, state, clock.due_at, None, overdue, acknowledged)
    if state is ClockState.OVERDUE or now_utc >= clock.due_at:
        overdue_by = max(now_utc - clock.due_at, timedelta(0))
        return ClockStatus(clock.id, ClockState.OVERDUE, clock.due_at, None, overdue_by, None)
    return ClockStatus(
        clock.id, ClockState.RUNNING, clock.due_at, clock.due_at - now_utc, None, None
    )


def overdue_alerts(
    clocks_with_history: Iterable[tuple[ResponseClock, Sequence[Transition]]], now: datetime
) -> list[Transition]:
    """A running -> overdue transition for each clock past due, unanswered and not yet marked.

    The alert is dated at the deadline (the moment the clock became overdue), not at `now`,
    and its id is ``<clock>:overdue``: computing alerts again, at any later time, gives the
    same record byte for byte, so recording it twice adds nothing. Sorted by deadline, then id.
    """
    now_utc = as_utc(now, "overdue alerts", "now")
    alerts: list[Transition] = []
    for clock, history in clocks_with_history:
        if clock_state(clock, history) is not ClockState.RUNNING or now_utc < clock.due_at:
            continue
        hours = RESPONSE_TIME[clock.track] / timedelta(hours=1)
        alerts.append(
            Transition(
                id=f"{clock.id}:{ClockState.OVERDUE}",
                subject=clock_ref(clock),
                from_state=str(ClockState.RUNNING),
                to_state=str(ClockState.OVERDUE),
                at=clock.due_at,
                actor="system",
                reason=(
                    f"{clock.notified_party} did not acknowledge the {clock.track} "
                    f"notification within {hours:g} h (due {clock.due_at.isoformat()})"
                ),
            )
        )
    alerts.sort(key=lambda t: (t.at, t.id))
    return alerts
