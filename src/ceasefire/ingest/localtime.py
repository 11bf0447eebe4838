"""Turn a source's local-time text into UTC intervals with their precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ceasefire.domain import TimeInterval, TimePrecision
from ceasefire.domain.errors import InvalidInputError

KYIV = ZoneInfo("Europe/Kyiv")
MOSCOW = ZoneInfo("Europe/Moscow")

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$")


class TimeParseError(InvalidInputError):
    """The text is not a date or date-time this adapter understands."""


def parse_local(text: str) -> tuple[date, time | None]:
    """Parse `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (one-digit hours too), ignoring stray spaces."""
    stripped = text.strip()
    if m := _DATETIME.match(stripped):
        y, mo, d, h, mi = (int(g) for g in m.groups())
        try:
            return date(y, mo, d), time(h, mi)
        except ValueError as exc:
            raise TimeParseError(f"{stripped!r}: {exc}") from None
    if m := _DATE.match(stripped):
        y, mo, d = (int(g) for g in m.groups())
        try:
            return date(y, mo, d), None
        except ValueError as exc:
            raise TimeParseError(f"{stripped!r}: {exc}") from None
    raise TimeParseError(f"{stripped!r} is not YYYY-MM-DD or YYYY-MM-DD HH:MM")


def local_to_utc(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """Local wall-clock time to UTC; the zone database supplies daylight saving."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def local_interval(start_text: str, end_text: str, tz: ZoneInfo = KYIV) -> TimeInterval:
    """The UTC interval a source's local start/end text covers.

    A side given only as a date covers that whole local day: a start date begins at local
    midnight, an end date ends at the next local midnight. Precision is DAY if either side
    lacks a clock time, else MINUTE.
    """
    start_day, start_clock = parse_local(start_text)
    end_day, end_clock = parse_local(end_text)
    start = local_to_utc(start_day, start_clock or time(0, 0), tz)
    if end_clock is None:
        end = local_to_utc(end_day + timedelta(days=1), time(0, 0), tz)
    else:
        end = local_to_utc(end_day, end_clock, tz)
    both_clocked = start_clock is not None and end_clock is not None
    precision = TimePrecision.MINUTE if both_clocked else TimePrecision.DAY
    if end < start:
        raise TimeParseError(f"ends ({end_text.strip()}) before it starts ({start_text.strip()})")
    return TimeInterval(start, end, precision)


def local_day(day_text: str, tz: ZoneInfo = KYIV) -> TimeInterval:
    """The whole local day named by `YYYY-MM-DD`."""
    return local_interval(day_text, day_text, tz)
