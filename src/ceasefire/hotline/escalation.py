"""Escalation of notices nobody acknowledged in time (pure), like `verify.clocks.overdue_alerts`.

A notice (violation or deconfliction) unacknowledged `after` its sending escalates: one
transition ``<message>:escalated`` dated at the deadline (sent_at + after), not at `now`, from
the fixed state ``unacknowledged``. Computing escalations again at any later time therefore
gives the same records byte for byte, and a notice already escalated gives none: each is
recorded once. A notice acknowledged before its deadline never escalates; one acknowledged
after the deadline but before anyone computed the escalation does not either, because the
answer came and escalating then would only raise an alarm about a closed matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from ceasefire.domain import Message, MessageState, Transition
from ceasefire.domain.errors import InvalidInputError
from ceasefire.domain.message import NOTICE_KINDS
from ceasefire.hotline.state import message_ref, message_status


def escalations(
    messages: Iterable[Message],
    histories: Mapping[str, Sequence[Transition]],
    now: datetime,
    after: timedelta,
) -> list[Transition]:
    """The escalation of each notice past `after` without acknowledgment and not yet
    escalated; `histories` maps message id to its transitions (missing: none). Sorted by
    deadline, then id."""
    if now.tzinfo is None or now.utcoffset() != timedelta(0):
        raise InvalidInputError(f"escalations: now {now!r} must be UTC-aware")
    if after <= timedelta(0):
        raise InvalidInputError(f"escalations: after must be positive, got {after}")
    out: list[Transition] = []
    for message in messages:
        if message.kind not in NOTICE_KINDS:
            continue
        deadline = message.sent_at + after
        if now < deadline:
            continue
        status = message_status(message, histories.get(message.id, ()))
        if status.acknowledged_at is not None or status.escalated_at is not None:
            continue
        minutes = after / timedelta(minutes=1)
        out.append(Transition(
            id=f"{message.id}:{MessageState.ESCALATED}",
            subject=message_ref(message),
            from_state=str(MessageState.UNACKNOWLEDGED),
            to_state=str(MessageState.ESCALATED),
            at=deadline,
            actor="system",
            reason=(
                f"{message.recipient_org} did not acknowledge the {message.kind} within "
                f"{minutes:g} min (due {deadline.isoformat()})"
            ),
        ))
    out.sort(key=lambda t: (t.at, t.id))
    return out
