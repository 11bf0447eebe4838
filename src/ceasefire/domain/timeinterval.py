"""Time intervals that remember how precisely their source dated them.

A bulletin dated only by day says "some time that day", not "all day long": the interval
is the whole local day and its precision is DAY, so an assessment can tell a row that
straddles a truce boundary (possible) from one that lies wholly inside (certain).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

#: What the window test compares: moments, or their fixed-width UTC texts (the store's columns).
Moment = TypeVar("Moment", datetime, str)


class TimePrecision(StrEnum):
    """How finely the source dated the event."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class WindowOverlap(StrEnum):
    """How an interval lies against a window."""

    INSIDE = "inside"
    PARTIAL = "partial"
    OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class TimeInterval:
    """Half-open interval [start, end) in UTC; a point in time has start == end."""

    start: datetime
    end: datetime
    precision: TimePrecision

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() != timedelta(0):
                raise ValueError(f"{name} must be a UTC-aware datetime, got {value!r}")
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlap_with(self, window: TimeInterval) -> WindowOverlap:
        """Place this interval against a half-open window.

        An instant exactly at the window's end is outside (the truce is over); an interval
        that ends exactly at the window's start is outside too (it was over before).
        """
        if self.start == self.end:
            inside = window.start <= self.start < window.end
            return WindowOverlap.INSIDE if inside else WindowOverlap.OUTSIDE
        if self.end <= window.start or self.start >= window.end:
            return WindowOverlap.OUTSIDE
        if self.start >= window.start and self.end <= window.end:
            return WindowOverlap.INSIDE
        return WindowOverlap.PARTIAL


def meets_window(start: Moment, end: Moment, low: Moment, high: Moment) -> bool:
    """The one time filter of the store and the service: [start, end] meets the half-open
    window [low, high) when it starts before the window ends and ends after it starts, or,
    for an instant (start == end), when it lies in the window: an instant at `low` counts,
    one at `high` does not (docs/store.md)."""
    return start < high and (end > low or (start == end and start >= low))
