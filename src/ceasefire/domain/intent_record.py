"""An operational intent as the service keeps it: the deconflicted intent and who recorded it.

Why a record beside `OperationalIntent` rather than that type itself: the intent is what the
deconfliction engine decides on, and it says nothing about who asked or when. Evidence must:
each accepted change is a new version of this record in the store and the ledger (the store's
correction contract keeps every earlier version), so the history of a plan — who changed it,
when, from which version to which — can be shown to the parties later and cannot be rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ceasefire.domain.intent import OperationalIntent


@dataclass(frozen=True, slots=True)
class IntentRecord:
    """One accepted version of an operational intent.

    `intent.nation` is the owning organisation (a contributing nation's command, from the
    token of the planner who submitted it); `intent.version` the engine's version number.
    `recorded_at` is the service's clock when the version was accepted, `recorded_by` the user.
    """

    intent: OperationalIntent
    recorded_at: datetime
    recorded_by: str

    def __post_init__(self) -> None:
        if self.recorded_at.tzinfo is None:
            raise ValueError(f"intent {self.intent.id!r}: recorded_at needs a time zone")

    @property
    def id(self) -> str:
        """The record id is the intent's id: every version is stored under it."""
        return self.intent.id

    @property
    def nation(self) -> str:
        return self.intent.nation
