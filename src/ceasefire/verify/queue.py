"""The review queue: what waits for a reviewer, oldest first, and for how long.

A monitoring mission is judged by how long a report waits before anyone looks at it, so the
queue is ordered by waiting time, not by importance: the oldest wait is the one the mission
owes an answer first. An incident waits from when it was first recorded, or, if a reviewer
reopened it, from the reopening (the earlier wait ended with a decision). Corroboration does
not restart the wait: it adds a source, the incident was waiting all along.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ceasefire.domain import Incident, IncidentState, Transition
from ceasefire.domain.incident import DECIDED_STATES
from ceasefire.verify.moments import as_utc, refused
from ceasefire.verify.workflow import state_of

#: States in which an incident waits for a reviewer.
WAITING_STATES: frozenset[IncidentState] = frozenset(
    {IncidentState.REPORTED, IncidentState.CORROBORATED}
)


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One incident as the queue needs it: the incident, its transitions, when it was recorded."""

    incident: Incident
    history: Sequence[Transition]
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One incident waiting for a reviewer."""

    incident_id: str
    state: IncidentState
    waiting_since: datetime
    """UTC: first recorded, or reopened."""
    age: timedelta
    """How long it has waited at `now`."""


def _waiting_since(recorded_at: datetime, history: Sequence[Transition]) -> datetime:
    since = recorded_at
    for transition in history:
        if transition.from_state in DECIDED_STATES:  # reopened: a new wait began
            since = transition.at
    return since


def review_queue(
    items: Iterable[QueueItem | tuple[Incident, Sequence[Transition], datetime]],
    now: datetime,
) -> list[QueueEntry]:
    """Incidents in a waiting state, oldest wait first (ties by incident id).

    `now` is injected so the ages are reproducible. An item recorded after `now` is refused
    naming the incident: its age would be negative, which means a clock is wrong somewhere.
    """
    now_utc = as_utc(now, "review queue", "now")
    entries: list[QueueEntry] = []
    for item in items:
        incident, history, recorded = (
            (item.incident, item.history, item.recorded_at)
            if isinstance(item, QueueItem)
            else item
        )
        source = f"incident/{incident.id}"
        recorded_utc = as_utc(recorded, source, "recorded_at")
        if history and history[0].subject.id != incident.id:
            reason = f"its history is about {history[0].subject}"
            raise refused(source, reason)
        state = state_of(history)
        if state not in WAITING_STATES:
            continue
        since = _waiting_since(recorded_utc, history)
        if since > now_utc:
            reason = f"waiting since {since.isoformat()}, after now ({now_utc.isoformat()})"
            raise refused(source, reason)
        entries.append(QueueEntry(incident.id, state, since, now_utc - since))
    entries.sort(key=lambda e: (e.waiting_since, e.incident_id))
    return entries
