from datetime import UTC, datetime

import pytest

from ceasefire.domain import TimePrecision
from ceasefire.ingest.localtime import TimeParseError, local_day, local_interval


def test_winter_time_is_utc_plus_two() -> None:
    got = local_interval("2025-12-25 18:00", "2025-12-26 09:00")
    assert got.start == datetime(2025, 12, 25, 16, 0, tzinfo=UTC)
    assert got.end == datetime(2025, 12, 26, 7, 0, tzinfo=UTC)
    assert got.precision is TimePrecision.MINUTE


def test_summer_time_is_utc_plus_three() -> None:
    got = local_interval("2025-05-11 02:00", "2025-05-11 09:30")
    assert got.start == datetime(2025, 5, 10, 23, 0, tzinfo=UTC)
    assert got.end == datetime(2025, 5, 11, 6, 30, tzinfo=UTC)


def test_date_only_covers_the_whole_local_day() -> None:
    got = local_day("2025-04-19")
    assert got.start == datetime(2025, 4, 18, 21, 0, tzinfo=UTC)
    assert got.end == datetime(2025, 4, 19, 21, 0, tzinfo=UTC)
    assert got.precision is TimePrecision.DAY


def test_day_of_the_spring_change_is_23_hours_long() -> None:
    assert local_day("2025-03-30").duration.total_seconds() == 23 * 3600


def test_mixed_date_and_time_is_day_precision() -> None:
    got = local_interval("2024-02-28", "2024-02-28 08:00")
    assert got.start == datetime(2024, 2, 27, 22, 0, tzinfo=UTC)
    assert got.end == datetime(2024, 2, 28, 6, 0, tzinfo=UTC)
    assert got.precision is TimePrecision.DAY


def test_tolerates_stray_spaces_and_one_digit_hours() -> None:
    got = local_interval("2023-05-16 3:30", "2025-03-07 10:00 ")
    assert got.start == datetime(2023, 5, 16, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01", "2025-02-30 10:00", "25-01-01"])
def test_bad_dates_raise_with_the_text(text: str) -> None:
    with pytest.raises(TimeParseError, match=r"2025|not YYYY|yesterday|''"):
        local_day(text)


def test_end_before_start_is_an_error() -> None:
    with pytest.raises(TimeParseError, match="before it starts"):
        local_interval("2025-05-11 09:00", "2025-05-11 08:00")
