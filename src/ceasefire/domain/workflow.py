"""Workflow transitions: a record moved from one state to another, by whom, when and why.

The verification workflow (incidents going from reported to verified to published) and
corrections (a stored record superseded by a corrected one) are both transitions, so the
evidence ledger holds one kind of record for "this changed" and a party can replay every
change to any record from the log alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ceasefire.domain.ref import RecordRef

#: The states a stored record has before and after a correction.
CURRENT = "current"
SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of state of one record."""

    id: str
    subject: RecordRef
    """The record whose state changed."""
    from_state: str
    to_state: str
    at: datetime
    """When the change was made (UTC)."""
    actor: str
    """Who made it: a user or organisation id, or ``system`` for the pipeline itself."""
    reason: str
    successor: RecordRef | None = None
    """For a correction: the record that replaces `subject`."""
    organisation: str = ""
    """The actor's organisation (the mission, a party's liaison office): what reviewer
    independence is checked against. Empty for the pipeline's own transitions."""
    evidence: tuple[str, ...] = ()
    """References (``kind/id``, URLs, ledger ids) the actor relied on."""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() != timedelta(0):
            raise ValueError(f"transition {self.id}: time must be UTC-aware, got {self.at!r}")
        if not self.actor:
            raise ValueError(f"transition {self.id}: who made the change must be named")
