"""Instants as the verification rules need them: timezone-aware, compared in UTC.

A response clock promises hours of real time, and a reviewer in Kyiv, a liaison officer in
Moscow and the mission's server in UTC must agree when it runs out. Naive datetimes cannot
be placed on that one time line, so they are refused, never guessed to be local or UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ceasefire.domain.errors import InvalidInputError, Problem


def as_utc(moment: datetime, source: str, field: str) -> datetime:
    """`moment` converted to UTC; a naive one is refused naming `source` and `field`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        reason = f"time {moment.isoformat()} has no time zone; give an offset or a zone"
        raise refused(source, reason, field=field)
    return moment.astimezone(UTC)


def refused(
    source: str, reason: str, field: str | None = None, pointer: str | None = None
) -> InvalidInputError:
    """The error for one bad input to a verification rule: the Problem names the record
    (`source`, `pointer`, `field`) and the reason; the detail only says what kind of error."""
    problem = Problem(source, reason, pointer=pointer, field=field)
    return InvalidInputError("verification input refused", [problem])
