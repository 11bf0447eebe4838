"""The hotline over the store (I/O at the edge): send, deliver, read, acknowledge, escalate.

`ceasefire.hotline` decides; this module reads what a decision needs and records it in one
unit of work. Acknowledging a violation notice also stops the acknowledging party's response
clocks for the incident, through the same `acknowledge_clock` a direct acknowledgment uses,
in the same transaction: a notice can never be acknowledged while its clock keeps running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ceasefire.domain import (
    ClockState,
    Message,
    MessageKind,
    MessageState,
    RecordKind,
    RecordRef,
    Side,
    Transition,
)
from ceasefire.domain.errors import InvalidInputError, NotFoundError, Problem
from ceasefire.hotline.escalation import escalations
from ceasefire.hotline.state import MessageStatus, acknowledge, advance, message_ref, message_status
from ceasefire.monitoring.review import acknowledge_clock
from ceasefire.store import Store
from ceasefire.verify.clocks import clock_ref, clock_state


@dataclass(frozen=True, slots=True)
class MessageRow:
    """A message and where it stands."""

    message: Message
    status: MessageStatus


def _refused(message: Message, field: str, reason: str) -> InvalidInputError:
    return InvalidInputError(
        f"message/{message.id}: {reason}",
        [Problem(source=f"message/{message.id}", field=field, reason=reason)],
    )


def send(store: Store, message: Message) -> Message:
    """Store a new message after checking what it refers to exists."""
    with store.unit_of_work():
        if message.incident_id and store.get(
            RecordRef(RecordKind.INCIDENT, message.incident_id)
        ) is None:
            raise _refused(message, "incident_id", f"no incident {message.incident_id}")
        if message.kind is MessageKind.VIOLATION_NOTICE and message.recipient_party is None:
            raise _refused(message, "kind", "only the mission sends violation notices")
        if message.reply_to and store.get(
            RecordRef(RecordKind.MESSAGE, message.reply_to)
        ) is None:
            raise _refused(message, "reply_to", f"no message {message.reply_to}")
        store.add_records([message])
    return message


def get_message(store: Store, message_id: str) -> Message:
    stored = store.get(RecordRef(RecordKind.MESSAGE, message_id))
    if stored is None:
        raise NotFoundError(f"no message {message_id}")
    value = stored.value()
    assert isinstance(value, Message)
    return value


def rows(store: Store, messages: Sequence[Message]) -> list[MessageRow]:
    return [MessageRow(m, message_status(m, store.transitions(message_ref(m)))) for m in messages]


def advance_all(
    store: Store, messages: Sequence[Message], target: MessageState, *, at: datetime,
    actor: str, organisation: str,
) -> list[Transition]:
    """Bring each message up to `target` (delivered or read); those there already add nothing."""
    with store.unit_of_work():
        steps = [
            step
            for m in messages
            for step in advance(m, store.transitions(message_ref(m)), target, at=at,
                                actor=actor, organisation=organisation)
        ]
        store.add_records(steps)
    return steps


def acknowledge_message(
    store: Store, message: Message, *, at: datetime, actor: str, organisation: str,
    party: Side | None,
) -> list[Transition]:
    """The recipient's acknowledgment; for a violation notice also the acknowledgment of
    every clock of its incident still waiting for `party`."""
    with store.unit_of_work():
        steps = acknowledge(message, store.transitions(message_ref(message)), at=at,
                            actor=actor, organisation=organisation)
        store.add_records(steps)
        if message.kind is MessageKind.VIOLATION_NOTICE and party is not None:
            for clock in store.clocks(message.incident_id):
                if clock.notified_party is not party:
                    continue
                if clock_state(clock, store.transitions(clock_ref(clock))) is (
                    ClockState.ACKNOWLEDGED
                ):
                    continue
                steps.append(acknowledge_clock(
                    store, clock.id, actor=actor, organisation=organisation, party=party,
                    at=at, reason=f"acknowledged by hotline notice {message.id}",
                ))
    return steps


def record_escalations(store: Store, now: datetime, after: timedelta) -> list[Transition]:
    """Record the escalation of every notice left unacknowledged `after` its sending; recording
    again adds nothing (the records are fixed by the deadline)."""
    with store.unit_of_work():
        messages = store.messages()
        histories = {m.id: store.transitions(message_ref(m)) for m in messages}
        found = escalations(messages, histories, now, after)
        store.add_records(found)
    return found
