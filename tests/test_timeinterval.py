from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceasefire.domain import TimeInterval, TimePrecision, WindowOverlap

T0 = datetime(2025, 4, 19, 15, 0, tzinfo=UTC)
WINDOW = TimeInterval(T0, T0 + timedelta(hours=30), TimePrecision.MINUTE)


def interval(start_h: float, end_h: float) -> TimeInterval:
    return TimeInterval(
        T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h), TimePrecision.MINUTE
    )


@pytest.mark.parametrize(
    ("start_h", "end_h", "expected"),
    [
        (1, 2, WindowOverlap.INSIDE),
        (0, 30, WindowOverlap.INSIDE),  # exactly the window
        (-1, 1, WindowOverlap.PARTIAL),
        (29, 31, WindowOverlap.PARTIAL),
        (-5, 0, WindowOverlap.OUTSIDE),  # ends as the window starts
        (30, 35, WindowOverlap.OUTSIDE),  # starts as the window ends
        (-5, 40, WindowOverlap.PARTIAL),  # covers the whole window and more
        (0, 0, WindowOverlap.INSIDE),  # an instant at the start is inside
        (30, 30, WindowOverlap.OUTSIDE),  # an instant at the end is outside (half-open)
    ],
)
def test_overlap_with_half_open_window(
    start_h: float, end_h: float, expected: WindowOverlap
) -> None:
    assert interval(start_h, end_h).overlap_with(WINDOW) is expected


def test_rejects_naive_and_non_utc_datetimes() -> None:
    with pytest.raises(ValueError, match="UTC-aware"):
        TimeInterval(datetime(2025, 1, 1), datetime(2025, 1, 2), TimePrecision.DAY)
    kyiv_offset = timezone(timedelta(hours=2))
    with pytest.raises(ValueError, match="UTC-aware"):
        TimeInterval(
            datetime(2025, 1, 1, tzinfo=kyiv_offset),
            datetime(2025, 1, 2, tzinfo=UTC),
            TimePrecision.DAY,
        )


def test_rejects_end_before_start() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        interval(2, 1)


@given(st.floats(-100, 100), st.floats(0, 100))
def test_overlap_is_consistent_with_containment(start_h: float, length_h: float) -> None:
    candidate = interval(start_h, start_h + length_h)
    result = candidate.overlap_with(WINDOW)
    has_length = candidate.duration.total_seconds() > 0
    inside = candidate.start >= WINDOW.start and candidate.end <= WINDOW.end
    disjoint = candidate.end <= WINDOW.start or candidate.start >= WINDOW.end
    if has_length and inside:
        assert result is WindowOverlap.INSIDE
    if has_length and disjoint:
        assert result is WindowOverlap.OUTSIDE
    if not inside and not disjoint:
        assert result is WindowOverlap.PARTIAL
