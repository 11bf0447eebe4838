"""The hotline's pure core: message states as transitions, acknowledgment, escalation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ceasefire.domain import Message, MessageKind, MessageState, Side, Transition
from ceasefire.domain.errors import ConflictError, InvalidInputError
from ceasefire.hotline.escalation import escalations
from ceasefire.hotline.state import acknowledge, advance, message_status

T0 = datetime(2025, 6, 2, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
NOTICE = Message(
    id="msg-1", kind=MessageKind.VIOLATION_NOTICE, sent_at=T0, sender="reviewer",
    sender_org="Mission", sender_party=None, recipient_org="RU liaison",
    recipient_party=Side.RU, text="verified violation", incident_id="inc-1",
)
CHAT = replace(NOTICE, id="msg-2", kind=MessageKind.MESSAGE, incident_id="")


def test_a_message_joins_the_mission_and_one_party() -> None:
    with pytest.raises(ValueError, match="one end must be the mission"):
        replace(NOTICE, sender_party=Side.UA)
    with pytest.raises(ValueError, match="must name its incident"):
        replace(NOTICE, incident_id="")


def test_milestones_follow_the_chain_once_each() -> None:
    delivered = advance(NOTICE, [], MessageState.DELIVERED, at=T0 + HOUR, actor="ru",
                        organisation="RU liaison")
    assert [t.to_state for t in delivered] == ["delivered"]
    assert advance(NOTICE, delivered, MessageState.DELIVERED, at=T0 + 2 * HOUR, actor="ru",
                   organisation="RU liaison") == []
    read = advance(NOTICE, delivered, MessageState.READ, at=T0 + 2 * HOUR, actor="ru",
                   organisation="RU liaison")
    status = message_status(NOTICE, [*delivered, *read])
    assert status.state is MessageState.READ
    assert (status.delivered_at, status.read_at) == (T0 + HOUR, T0 + 2 * HOUR)


def test_acknowledging_records_the_delivery_and_reading_it_implies() -> None:
    steps = acknowledge(NOTICE, [], at=T0 + HOUR, actor="ru", organisation="RU liaison")
    assert [(t.from_state, t.to_state) for t in steps] == [
        ("sent", "delivered"), ("delivered", "read"), ("read", "acknowledged")]
    assert message_status(NOTICE, steps).acknowledged_at == T0 + HOUR
    with pytest.raises(ConflictError, match="already acknowledged"):
        acknowledge(NOTICE, steps, at=T0 + 2 * HOUR, actor="ru", organisation="RU liaison")
    with pytest.raises(ConflictError, match="asks for no acknowledgment"):
        acknowledge(CHAT, [], at=T0 + HOUR, actor="ru", organisation="RU liaison")
    with pytest.raises(InvalidInputError, match="before it was sent"):
        acknowledge(NOTICE, [], at=T0 - HOUR, actor="ru", organisation="RU liaison")


def test_a_bad_history_is_refused_naming_the_transition() -> None:
    read = advance(NOTICE, [], MessageState.READ, at=T0, actor="ru", organisation="RU")
    with pytest.raises(InvalidInputError, match=r"msg-1:read moves sent -> read"):
        message_status(NOTICE, read[1:])
    with pytest.raises(InvalidInputError, match="is about message/msg-1, not message/msg-2"):
        message_status(CHAT, read)


def test_escalation_is_dated_at_the_deadline_and_recorded_once() -> None:
    after = 2 * HOUR
    messages = [NOTICE, CHAT, replace(NOTICE, id="msg-3", sent_at=T0 + HOUR)]
    assert escalations(messages, {}, T0 + after - timedelta(seconds=1), after) == []
    first = escalations(messages, {}, T0 + 2 * HOUR, after)
    assert [(t.id, t.at) for t in first] == [("msg-1:escalated", T0 + 2 * HOUR)]
    later = escalations(messages, {}, T0 + 10 * HOUR, after)
    assert later[0] == first[0]  # the same record whenever it is computed
    assert [t.id for t in later] == ["msg-1:escalated", "msg-3:escalated"]
    histories: dict[str, list[Transition]] = {"msg-1": first}
    assert [t.id for t in escalations(messages, histories, T0 + 10 * HOUR, after)] == [
        "msg-3:escalated"]
    assert message_status(NOTICE, first).escalated_at == T0 + 2 * HOUR


def test_an_acknowledged_notice_never_escalates() -> None:
    acked = acknowledge(NOTICE, [], at=T0 + HOUR, actor="ru", organisation="RU liaison")
    assert escalations([NOTICE], {"msg-1": acked}, T0 + 10 * HOUR, 2 * HOUR) == []
    with pytest.raises(InvalidInputError, match="after must be positive"):
        escalations([NOTICE], {}, T0, timedelta(0))
