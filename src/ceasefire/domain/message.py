"""Hotline messages between the mission and a party's liaison office.

Why a record with transitions rather than a mutable row: parties that distrust each other
will later argue about whether a notice reached them and when. The message itself is fixed
when sent; its delivery, reading, acknowledgment and escalation are transitions on it, each
dated and kept in the ledger, exactly as a response clock's are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ceasefire.domain.taxonomy import Side


class MessageKind(StrEnum):
    VIOLATION_NOTICE = "violation_notice"
    """Tells a party of a verified violation; refers to the incident whose clocks run."""
    DECONFLICTION_NOTICE = "deconfliction_notice"
    """Tells a party of a planned activity or a conflict between operations."""
    ACKNOWLEDGMENT = "acknowledgment"
    """An answer that confirms receipt of an earlier message (`reply_to`)."""
    MESSAGE = "message"
    """Anything else; needs no acknowledgment and never escalates."""


#: Kinds that wait for the recipient's acknowledgment and escalate without it.
NOTICE_KINDS = frozenset({MessageKind.VIOLATION_NOTICE, MessageKind.DECONFLICTION_NOTICE})


class MessageState(StrEnum):
    """Milestones of a message; each is one transition on it, recorded at most once."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    ACKNOWLEDGED = "acknowledged"
    UNACKNOWLEDGED = "unacknowledged"
    """Only the starting point of an escalation: escalating does not depend on whether the
    notice was delivered or read, so its record is the same whenever it is computed."""
    ESCALATED = "escalated"


@dataclass(frozen=True, slots=True)
class Message:
    """One hotline message. `sender_party`/`recipient_party` is the side an end speaks for;
    None is the mission."""

    id: str
    kind: MessageKind
    sent_at: datetime
    sender: str
    """The user who sent it."""
    sender_org: str
    sender_party: Side | None
    recipient_org: str
    recipient_party: Side | None
    text: str
    incident_id: str = ""
    """For a violation notice: the incident whose response clocks the notice is about."""
    reply_to: str = ""
    """For an acknowledgment: the message it answers."""

    def __post_init__(self) -> None:
        if self.sent_at.tzinfo is None or self.sent_at.utcoffset() != timedelta(0):
            raise ValueError(f"message {self.id}: sent_at must be UTC-aware, got {self.sent_at!r}")
        if (self.sender_party is None) == (self.recipient_party is None):
            raise ValueError(
                f"message {self.id}: one end must be the mission and the other a party"
            )
        if self.kind is MessageKind.VIOLATION_NOTICE and not self.incident_id:
            raise ValueError(f"message {self.id}: a violation notice must name its incident")
