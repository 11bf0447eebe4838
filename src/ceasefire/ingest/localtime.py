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


#: Years a source record may be dated in. Reports of this war start in 2014 and none is
#: dated in the future; the range is wide on purpose, and only shuts out dates that are typing
#: or export errors (`0001-01-01`, `9999-12-31`), whose local midnight, the day after or the
#: UTC conversion would overflow the calendar.
YEARS = range(1900, 2200)


class TimeParseError(InvalidInputError):
    """The text is not a date or date-time this adapter understands."""


def _checked_year(stripped: str, year: int) -> None:
    if year not in YEARS:
        raise TimeParseError(f"{stripped!r}: year {year} is outside {YEARS.start}-{YEARS.stop - 1}")


def parse_local(text: str) -> tuple[date, time | None]:
    """Parse `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (one-digit hours too), ignoring stray spaces."""
    stripped = text.strip()
    if m := _DATETIME.match(stripped):
        y, mo, d, h, mi = (int(g) for g in m.groups())
        _checked_year(stripped, y)
        try:
            return date(y, mo, d), time(h, mi)
        except ValueError as exc:
            raise TimeParseError(f"{stripped!r}: {exc}") from None
    if m := _DATE.match(stripped):
        y, mo, d = (int(g) for g in m.groups())
        _checked_year(stripped, y)
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


#: Where the Air Force headquarters' nightly reports usually begin (Kyiv time): 18:00 is the
#: commonest stated start, and 907 of the 936 timed overnight headquarters rows start at or
#: after it (docs/assessment.md, "Point 2").
NIGHT_START = time(18, 0)

#: Widening added to an inverted interval: its end most likely missed a date roll-over.
_ROLL_OVER = timedelta(days=1)


def _try_parse(text: str) -> tuple[date, time | None] | None:
    try:
        return parse_local(text)
    except TimeParseError:
        return None


def bulletin_interval(
    start_text: str, end_text: str, tz: ZoneInfo = KYIV
) -> tuple[TimeInterval, str] | None:
    """The widest UTC interval a bulletin row's start/end text can mean, and why it is wide.

    The second element is "" for a row timed to the minute on both sides, else the words a
    reviewer needs (it ends up in the observation's description). None: the row has no usable
    time at all (the caller dates it by the file's span). The rules, with the evidence for
    them, are in docs/assessment.md ("Point 2" and "Point 8"):

    * a date-only row dated D is either the day D or the 24 hours before a report published on
      D: it covers D-1 00:00 to D+1 00:00 local time (DAY precision);
    * a date-only start with a timed end is a night whose start was not given: it starts at the
      earlier of the start date's midnight and 18:00 the evening before the end's date;
    * a timed start with a date-only end ends at the end date's next midnight;
    * an end before the start is read as both orders, plus a missed date roll-over: the
      earlier of the two to the later plus one day (DAY precision);
    * a side that cannot be parsed is replaced by the other side's date (date-only rule).
    """
    start = _try_parse(start_text)
    end = _try_parse(end_text)
    notes: list[str] = []
    if start is None and end is None:
        return None
    if start is None or end is None:
        known = start or end
        assert known is not None
        bad = start_text if start is None else end_text
        notes.append(f"unreadable time {bad.strip()!r}: dated by the other side's day")
        start = end = (known[0], None)
    (start_day, start_clock), (end_day, end_clock) = start, end
    if start_clock is None and end_clock is None:
        lower = local_to_utc(start_day - timedelta(days=1), time(0, 0), tz)
        upper = local_to_utc(end_day + timedelta(days=1), time(0, 0), tz)
        notes.append("date only: the day itself or the 24 hours before a report of that day")
    elif start_clock is None:
        assert end_clock is not None
        lower = min(
            local_to_utc(start_day, time(0, 0), tz),
            local_to_utc(end_day - timedelta(days=1), NIGHT_START, tz),
        )
        upper = local_to_utc(end_day, end_clock, tz)
        notes.append(
            f"start date only: from {NIGHT_START:%H:%M} the evening before at the earliest"
        )
    elif end_clock is None:
        lower = local_to_utc(start_day, start_clock, tz)
        upper = local_to_utc(end_day + timedelta(days=1), time(0, 0), tz)
        notes.append("end date only: to the end of that day")
    else:
        lower = local_to_utc(start_day, start_clock, tz)
        upper = local_to_utc(end_day, end_clock, tz)
    if upper < lower:
        lower, upper = upper, lower + _ROLL_OVER
        notes.append(
            f"ends ({end_text.strip()}) before it starts ({start_text.strip()}): "
            "both orders and a missed date roll-over"
        )
    precision = TimePrecision.DAY if notes else TimePrecision.MINUTE
    return TimeInterval(lower, upper, precision), "; ".join(notes)
