"""Schema version 1 of the hotline message.

Frozen like `v1` and `v2`: released bodies never change. An end that is the mission is
written as an empty party (``""``) rather than left out, so every body has the same members.
"""

from __future__ import annotations

from datetime import datetime

from ceasefire.domain import Message, MessageKind, Side
from ceasefire.records.v1 import Body


def _party(side: Side | None) -> str:
    return "" if side is None else str(side)


def _load_party(text: str) -> Side | None:
    return None if text == "" else Side(text)


def dump_message(m: Message) -> Body:
    return {
        "id": m.id,
        "kind": str(m.kind),
        "sent_at": m.sent_at.isoformat(),
        "sender": m.sender,
        "sender_org": m.sender_org,
        "sender_party": _party(m.sender_party),
        "recipient_org": m.recipient_org,
        "recipient_party": _party(m.recipient_party),
        "text": m.text,
        "incident_id": m.incident_id,
        "reply_to": m.reply_to,
    }


def load_message(data: Body) -> Message:
    return Message(
        id=data["id"],
        kind=MessageKind(data["kind"]),
        sent_at=datetime.fromisoformat(data["sent_at"]),
        sender=data["sender"],
        sender_org=data["sender_org"],
        sender_party=_load_party(data["sender_party"]),
        recipient_org=data["recipient_org"],
        recipient_party=_load_party(data["recipient_party"]),
        text=data["text"],
        incident_id=data["incident_id"],
        reply_to=data["reply_to"],
    )
