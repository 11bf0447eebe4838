"""Coarse precision codes and calendar dates derived from an incident's interval and radius.

ACLED and UCDP grade how sure they are of a date and a place with small whole numbers; we keep
the exact interval and an uncertainty radius instead. Exporting needs the grade a coder of
those datasets would have given, so each code here is the *coarsest* one that the interval's
stated precision or its length calls for: a day-precise report spread over three days is not
"the actual day", and a week-precise report squeezed into one day is still only a week.

Thresholds are documented in docs/exports.md; a change here changes exported files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ceasefire.domain.observation import Location
from ceasefire.domain.timeinterval import TimeInterval, TimePrecision

#: A local calendar day lasts 25 hours on the night clocks go back; one hour of slack lets
#: such a day (and a week or month containing that night) keep its grade.
_DST_SLACK = timedelta(hours=1)
DAY = timedelta(days=1) + _DST_SLACK
SIX_DAYS = timedelta(days=6) + _DST_SLACK
WEEK = timedelta(days=7) + _DST_SLACK
MONTH = timedelta(days=31) + _DST_SLACK


def _graded(value: timedelta, limits: tuple[tuple[timedelta, int], ...], beyond: int) -> int:
    for limit, grade in limits:
        if value <= limit:
            return grade
    return beyond


# ACLED time_precision: 1 = the actual day, 2 = a specific week, 3 = only the month (coarsest).
_ACLED_TIME_BY_PRECISION = {
    TimePrecision.MINUTE: 1,
    TimePrecision.HOUR: 1,
    TimePrecision.DAY: 1,
    TimePrecision.WEEK: 2,
    TimePrecision.MONTH: 3,
    TimePrecision.YEAR: 3,
}


def acled_time_precision(interval: TimeInterval) -> int:
    """ACLED's grade: 1 up to a (25-hour) day, 2 up to a week, else 3.

    ACLED has no grade coarser than "month": a year-precise incident is written as 3, and
    its real interval stays in the ceasefire columns.
    """
    by_length = _graded(interval.duration, ((DAY, 1), (WEEK, 2)), 3)
    return max(by_length, _ACLED_TIME_BY_PRECISION[interval.precision])


# UCDP date_prec: 1 = exact day, 2 = within 2-6 days, 3 = the week, 4 = the month, 5 = the year.
_UCDP_DATE_BY_PRECISION = {
    TimePrecision.MINUTE: 1,
    TimePrecision.HOUR: 1,
    TimePrecision.DAY: 1,
    TimePrecision.WEEK: 3,
    TimePrecision.MONTH: 4,
    TimePrecision.YEAR: 5,
}


def ucdp_date_prec(interval: TimeInterval) -> int:
    """UCDP's grade: 1 up to a day, 2 up to six days, 3 up to a week, 4 up to 31 days, else 5."""
    limits = ((DAY, 1), (SIX_DAYS, 2), (WEEK, 3), (MONTH, 4))
    by_length = _graded(interval.duration, limits, 5)
    return max(by_length, _UCDP_DATE_BY_PRECISION[interval.precision])


#: ACLED geo_precision by uncertainty radius: within a town (5 km), near a town or in a small
#: part of a region (50 km); anything wider, or no point at all, is 3 ("only the province").
ACLED_GEO_LIMITS_M: tuple[tuple[float, int], ...] = ((5_000.0, 1), (50_000.0, 2))

#: UCDP where_prec by radius, the inverse of the radii `ceasefire.ingest.ucdp` gives each
#: grade: a grade is chosen only if its radius covers ours, so an export read back by our UCDP
#: adapter is never more certain than the incident was. Grades 5 (along a line) and 7 (at sea)
#: describe a shape, not a size, and are never derived from a radius.
UCDP_WHERE_LIMITS_M: tuple[tuple[float, int], ...] = (
    (1_000.0, 1),
    (25_000.0, 2),
    (50_000.0, 3),
    (150_000.0, 4),
)
UCDP_WHERE_COUNTRY = 6


def _by_radius(location: Location, limits: tuple[tuple[float, int], ...], coarsest: int) -> int:
    if not location.has_point:
        return coarsest
    for limit, grade in limits:
        if location.uncertainty_m <= limit:
            return grade
    return coarsest


def acled_geo_precision(location: Location) -> int:
    return _by_radius(location, ACLED_GEO_LIMITS_M, 3)


def ucdp_where_prec(location: Location) -> int:
    return _by_radius(location, UCDP_WHERE_LIMITS_M, UCDP_WHERE_COUNTRY)


def _utc_date(t: datetime) -> date:
    return t.astimezone(UTC).date()


def _nearest_midnight(t: datetime) -> date:
    """The UTC date whose midnight is nearest to `t`: a local day starts within twelve hours of
    a UTC midnight, so this recovers the local calendar date for every offset up to +-12 h."""
    return _utc_date(t + timedelta(hours=12))


def midpoint_date(interval: TimeInterval) -> date:
    """The one date of an event that can only have one (ACLED's event_date): the middle of the
    interval, as ACLED codes a week- or month-precise event to the middle of its span."""
    return _utc_date(interval.start + interval.duration / 2)


def date_range(interval: TimeInterval) -> tuple[date, date]:
    """First and last calendar day of the interval (UCDP's date_start and date_end).

    Shorter than a day: the midpoint's date, twice, so a local day does not straddle two UTC
    dates. Longer: each end rounded to its nearest midnight, the (exclusive) end less one day.
    """
    if interval.duration < timedelta(days=1):
        day = midpoint_date(interval)
        return day, day
    first = _nearest_midnight(interval.start)
    last = _nearest_midnight(interval.end) - timedelta(days=1)
    return first, max(first, last)


def priogrid_gid(lat: float, lon: float) -> int:
    """The PRIO-GRID cell (0.5 degree, numbered row by row from (-90, -180)) holding a point,
    as UCDP's `priogrid_gid` gives it; the northern and eastern edges fall in the last cell."""
    row = min(int((lat + 90.0) / 0.5), 359)
    col = min(int((lon + 180.0) / 0.5), 719)
    return row * 720 + col + 1
