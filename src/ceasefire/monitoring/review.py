"""The verification workflow and the response clocks over the store (I/O at the edge).

`verify` decides; this module reads what a decision needs (the incident, its workflow
history, who reported it), stores what was decided in one unit of work — the transition, and
the clocks a verified violation starts — so that a crash can never leave a verification
without its clocks.

Reporters: reviewer independence is checked against the organisations that submitted the
incident's observations (`Observation.reported_by`). Until the service's organisation registry
exists (issue 11), an organisation speaks for a party when its name is the party's code or
starts with it (``UA``, ``UA/liaison``, ``RU-mod``): the party is then a reporter too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ceasefire.domain import (
    Incident,
    RecordKind,
    RecordRef,
    ResponseClock,
    Side,
    Transition,
)
from ceasefire.domain.errors import ForbiddenError, NotFoundError
from ceasefire.monitoring.workflow_history import created_at, workflow_moves
from ceasefire.store import Store
from ceasefire.verify.clocks import (
    ClockStatus,
    acknowledge,
    clock_ref,
    clock_status,
    overdue_alerts,
    start_clocks,
)
from ceasefire.verify.queue import QueueEntry, review_queue
from ceasefire.verify.workflow import TransitionRequest, decide

PARTIES = (Side.RU, Side.UA)


def party_of(organisation: str) -> Side | None:
    """The party an organisation speaks for, by the interim naming rule (module doc)."""
    text = organisation.strip().upper()
    for party in PARTIES:
        code = str(party)
        if text == code or text.startswith((f"{code}/", f"{code}-", f"{code}_", f"{code}:")):
            return party
    return None


def reporters(observations_reported_by: Sequence[str]) -> frozenset[str]:
    """Organisations (and the parties they speak for) that reported an incident."""
    found: set[str] = set()
    for organisation in observations_reported_by:
        if not organisation:
            continue
        found.add(organisation)
        party = party_of(organisation)
        if party is not None:
            found.add(str(party))
    return frozenset(found)


def _incident(store: Store, incident_id: str) -> Incident:
    stored = store.get(RecordRef(RecordKind.INCIDENT, incident_id))
    if stored is None:
        raise NotFoundError(f"no current incident {incident_id}")
    value = stored.value()
    assert isinstance(value, Incident)
    return value


@dataclass(frozen=True, slots=True)
class Decision:
    """What a workflow request recorded."""

    transition: Transition
    clocks: list[ResponseClock]


def transition_incident(store: Store, request: TransitionRequest) -> Decision:
    """Decide `request` against the stored incident and record it (and any clocks)."""
    with store.unit_of_work():
        incident = _incident(store, request.incident_id)
        moves = store.transitions(RecordRef(RecordKind.INCIDENT, incident.id))
        submitted = [
            o.reported_by
            for o in map(store.get_observation, incident.observation_ids)
            if o is not None
        ]
        transition = decide(request, workflow_moves(moves), reporters(submitted))
        clocks = (
            start_clocks(transition, incident) if transition.to_state == "verified" else []
        )
        store.add_records([transition, *clocks])
    return Decision(transition, clocks)


def queue(store: Store, now: datetime) -> list[tuple[QueueEntry, Incident]]:
    """What waits for a reviewer, oldest first, with the incident."""
    items = []
    by_id: dict[str, Incident] = {}
    for incident in store.incidents():
        moves = store.transitions(RecordRef(RecordKind.INCIDENT, incident.id))
        recorded = created_at(moves)
        if recorded is None:  # stored by hand, not by fusion: waits since its first move
            history = workflow_moves(moves)
            recorded = history[0].at if history else now
        items.append((incident, workflow_moves(moves), recorded))
        by_id[incident.id] = incident
    return [(entry, by_id[entry.incident_id]) for entry in review_queue(items, now)]


@dataclass(frozen=True, slots=True)
class ClockRow:
    """A clock and where it stands."""

    clock: ResponseClock
    status: ClockStatus


def clock_rows(store: Store, now: datetime) -> list[ClockRow]:
    """Every response clock at `now`, by id."""
    return [
        ClockRow(c, clock_status(c, store.transitions(clock_ref(c)), now))
        for c in store.clocks()
    ]


def record_overdue(store: Store, now: datetime) -> list[Transition]:
    """Record an alert for every clock that is past due and unanswered; recording the same
    alerts again adds nothing (their ids and times are fixed by the deadline)."""
    with store.unit_of_work():
        alerts = overdue_alerts(
            ((c, store.transitions(clock_ref(c))) for c in store.clocks()), now
        )
        store.add_records(alerts)  # only clocks not marked yet get one: all are new
    return alerts


def acknowledge_clock(
    store: Store,
    clock_id: str,
    *,
    actor: str,
    organisation: str,
    party: Side,
    at: datetime,
    reason: str = "",
) -> Transition:
    """Record the notified party's acknowledgment, which stops its clock. An organisation
    that by its name speaks for one party cannot claim to speak for the other."""
    named = party_of(organisation)
    if named is not None and named is not party:
        raise ForbiddenError(
            f"clock/{clock_id}: {organisation} speaks for {named}, not {party}"
        )
    with store.unit_of_work():
        stored = store.get(RecordRef(RecordKind.CLOCK, clock_id))
        if stored is None:
            raise NotFoundError(f"no response clock {clock_id}")
        clock = stored.value()
        assert isinstance(clock, ResponseClock)
        step = acknowledge(
            clock, store.transitions(clock_ref(clock)), actor, organisation, party, at, reason
        )
        store.add_records([step])
    return step
