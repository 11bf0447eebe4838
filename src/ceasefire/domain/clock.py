"""Response clocks: the mechanism's promise to act on a verified violation in time.

Verifying a violation starts two clocks per notified party: a diplomatic response within
24 hours and a coordinated military response within 72 hours. A clock is a record; what
happens to it (acknowledged by the notified party, overdue) is a transition on it, so the
ledger shows when each party was told and when it answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ceasefire.domain.taxonomy import Side


class ClockTrack(StrEnum):
    """Which response a clock times."""

    DIPLOMATIC = "diplomatic"
    MILITARY = "military"


#: How long each response may take after verification.
RESPONSE_TIME: dict[ClockTrack, timedelta] = {
    ClockTrack.DIPLOMATIC: timedelta(hours=24),
    ClockTrack.MILITARY: timedelta(hours=72),
}


class ClockState(StrEnum):
    """Where a clock stands; kept as transitions on the clock record."""

    RUNNING = "running"
    OVERDUE = "overdue"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True, slots=True)
class ResponseClock:
    """One response owed by one notified party for one verified violation."""

    id: str
    incident_id: str
    track: ClockTrack
    notified_party: Side
    started_at: datetime
    """When the violation was verified (UTC)."""
    due_at: datetime
    started_by: str
    """The id of the verification transition that started it."""
    clause: str = ""
    """The agreement clause the verified violation breaks, as the reviewer named it."""

    def __post_init__(self) -> None:
        for name in ("started_at", "due_at"):
            moment: datetime = getattr(self, name)
            if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
                raise ValueError(f"clock {self.id}: {name} must be UTC-aware, got {moment!r}")
        if self.due_at < self.started_at:
            raise ValueError(f"clock {self.id}: due before it started")
