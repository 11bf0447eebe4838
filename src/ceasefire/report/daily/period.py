"""The reporting period of a daily report: one Kyiv calendar day, and the rule that puts a
row on a day.

The mission's day is the local day of the country it monitors, 00:00 to 24:00 Europe/Kyiv,
stated in UTC as well because the store keeps UTC and because a day when the clocks change
is 23 or 25 hours long. A row is counted on the Kyiv date at the middle of its reported
interval (`ceasefire.verify.territory.map_day`, the rule that places incidents on the day's
map): a night from 18:00 to 09:00 belongs to the morning it ends on, and a bulletin row
dated only by day D (which may mean D or the 24 hours before a report of D) belongs to D.
So every row is counted on exactly one day, and a day and the day before never share a row.
A row dated only to the week or more coarsely belongs to no single day: it is counted
apart, never spread over days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ceasefire.domain import TimeInterval, TimePrecision
from ceasefire.domain.errors import UsageError
from ceasefire.verify.territory import map_day

ZONE = "Europe/Kyiv"
KYIV = ZoneInfo(ZONE)

#: Precisions fine enough to put a row on one day.
DAY_PRECISIONS = frozenset({TimePrecision.MINUTE, TimePrecision.HOUR, TimePrecision.DAY})

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_report_date(text: str, option: str = "--date") -> date:
    """The calendar date `text` names (YYYY-MM-DD, nothing else), or a usage error naming it."""
    value = text.strip()
    if not _DATE.fullmatch(value):
        raise UsageError(f"{option} {text!r}: not a date of the form YYYY-MM-DD (e.g. 2025-12-26)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} {text!r}: no such date ({exc})") from None


@dataclass(frozen=True, slots=True)
class ReportDay:
    """One local calendar day, with its bounds in UTC."""

    day: date

    @property
    def start(self) -> datetime:
        return _midnight(self.day)

    @property
    def end(self) -> datetime:
        return _midnight(self.day + timedelta(days=1))

    @property
    def interval(self) -> TimeInterval:
        return TimeInterval(self.start, self.end, TimePrecision.MINUTE)

    def previous(self) -> ReportDay:
        return ReportDay(self.day - timedelta(days=1))

    def local(self, moment: datetime) -> str:
        """A moment as local time of the report's zone, to the minute."""
        return moment.astimezone(KYIV).strftime("%Y-%m-%d %H:%M")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), KYIV).astimezone(UTC)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")


def row_day(interval: TimeInterval) -> date | None:
    """The Kyiv day a row is counted on, or None when it is dated too coarsely for any day."""
    if interval.precision not in DAY_PRECISIONS:
        return None
    return map_day(interval)
