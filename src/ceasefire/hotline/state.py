"""Where a hotline message stands, and the transitions that move it (pure).

The milestones delivered -> read -> acknowledged happen in that order, each at most once:
acknowledging a notice one has not read would be a claim nobody could check, so `acknowledge`
records the missing delivery and reading at the same instant instead of skipping them.
Escalation is apart from that chain (`ceasefire.hotline.escalation`): it is about time, not
about what the recipient did. Transition ids are ``<message>:<state>``, so the same
milestone can never be recorded twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ceasefire.domain import Message, MessageState, RecordKind, RecordRef, Transition
from ceasefire.domain.errors import ConflictError, InvalidInputError
from ceasefire.domain.message import NOTICE_KINDS

#: The chain of milestones, in the order they must happen.
CHAIN = (MessageState.SENT, MessageState.DELIVERED, MessageState.READ, MessageState.ACKNOWLEDGED)


def message_ref(message: Message) -> RecordRef:
    return RecordRef(RecordKind.MESSAGE, message.id)


@dataclass(frozen=True, slots=True)
class MessageStatus:
    """A message's milestones, each the instant it happened or None."""

    state: MessageState
    """The furthest milestone of the chain reached (sent, delivered, read, acknowledged)."""
    delivered_at: datetime | None
    read_at: datetime | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None


def _bad(message: Message, transition: Transition, reason: str) -> InvalidInputError:
    return InvalidInputError(
        f"history of message/{message.id}: transition {transition.id} {reason}"
    )


def message_status(message: Message, history: Sequence[Transition]) -> MessageStatus:
    """Replay `history` (oldest first); a transition about another record, out of order,
    repeated or of an unknown state is refused, naming it."""
    ref = message_ref(message)
    state = MessageState.SENT
    at: dict[MessageState, datetime] = {}
    for transition in history:
        if transition.subject != ref:
            raise _bad(message, transition, f"is about {transition.subject}, not {ref}")
        try:
            target = MessageState(transition.to_state)
        except ValueError:
            raise _bad(message, transition, f"has unknown state {transition.to_state!r}") from None
        if target in at:
            raise _bad(message, transition, f"repeats {target}")
        if target is MessageState.ESCALATED:
            if message.kind not in NOTICE_KINDS:
                raise _bad(message, transition, f"escalates a {message.kind}, which never does")
        elif target not in CHAIN[1:] or CHAIN.index(target) != CHAIN.index(state) + 1:
            raise _bad(message, transition, f"moves {state} -> {target}")
        else:
            state = target
        at[target] = transition.at
    return MessageStatus(
        state,
        at.get(MessageState.DELIVERED),
        at.get(MessageState.READ),
        at.get(MessageState.ACKNOWLEDGED),
        at.get(MessageState.ESCALATED),
    )


def _step(
    message: Message, before: MessageState, after: MessageState, at: datetime, actor: str,
    organisation: str, reason: str,
) -> Transition:
    return Transition(
        id=f"{message.id}:{after}",
        subject=message_ref(message),
        from_state=str(before),
        to_state=str(after),
        at=at,
        actor=actor,
        reason=reason,
        organisation=organisation,
    )


def _utc(message: Message, at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() != timedelta(0):
        raise InvalidInputError(f"message/{message.id}: time {at!r} must be UTC-aware")
    if at < message.sent_at:
        raise InvalidInputError(
            f"message/{message.id}: {at.isoformat()} is before it was sent "
            f"({message.sent_at.isoformat()})"
        )
    return at


def advance(
    message: Message, history: Sequence[Transition], target: MessageState, *, at: datetime,
    actor: str, organisation: str,
) -> list[Transition]:
    """The transitions that bring the message up to `target` along the chain (none when it is
    there already): delivering is idempotent, and so is reading."""
    if target not in CHAIN[1:]:
        raise InvalidInputError(f"message/{message.id}: cannot advance to {target}")
    status = message_status(message, history)
    moment = _utc(message, at)
    steps = []
    state = status.state
    for following in CHAIN[CHAIN.index(state) + 1 : CHAIN.index(target) + 1]:
        steps.append(_step(message, state, following, moment, actor, organisation,
                           f"{organisation} {following} it"))
        state = following
    return steps


def acknowledge(
    message: Message, history: Sequence[Transition], *, at: datetime, actor: str,
    organisation: str,
) -> list[Transition]:
    """The recipient's acknowledgment of a notice (with the delivery and reading it implies).

    Only notices ask for one (a plain message or an acknowledgment does not: `ConflictError`),
    and a second acknowledgment records nothing new (`ConflictError`)."""
    if message.kind not in NOTICE_KINDS:
        raise ConflictError(
            f"message/{message.id}: a {message.kind} asks for no acknowledgment"
        )
    status = message_status(message, history)
    if status.acknowledged_at is not None:
        raise ConflictError(
            f"message/{message.id}: already acknowledged at {status.acknowledged_at.isoformat()}"
        )
    return advance(message, history, MessageState.ACKNOWLEDGED, at=at, actor=actor,
                   organisation=organisation)
