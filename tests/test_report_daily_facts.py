"""The daily report's pure core on real domain objects: response clocks as they stood at the
end of the day, incidents placed on their day, and the rule that puts a row on one day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ceasefire.domain import IncidentState, Side, TimeInterval, TimePrecision, Transition
from ceasefire.domain.errors import UsageError
from ceasefire.report.daily.facts import clock_facts, incident_facts
from ceasefire.report.daily.period import ReportDay, parse_report_date, row_day
from ceasefire.verify.clocks import acknowledge, start_clocks
from verify_helpers import incident, verification

DAY = ReportDay(date(2025, 5, 10))  # Kyiv summer time: 2025-05-09 21:00Z to 2025-05-10 21:00Z


def test_the_kyiv_day_in_utc_and_its_length_across_a_clock_change() -> None:
    assert DAY.start == datetime(2025, 5, 9, 21, 0, tzinfo=UTC)
    assert DAY.end == datetime(2025, 5, 10, 21, 0, tzinfo=UTC)
    autumn = ReportDay(date(2025, 10, 26))  # clocks go back: a 25-hour day
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_a_night_belongs_to_the_morning_it_ends_on_and_a_month_to_no_day() -> None:
    night = TimeInterval(datetime(2025, 5, 9, 15, 0, tzinfo=UTC),  # 18:00 Kyiv
                         datetime(2025, 5, 10, 6, 0, tzinfo=UTC), TimePrecision.MINUTE)
    assert row_day(night) == date(2025, 5, 10)
    month = TimeInterval(datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC),
                         TimePrecision.MONTH)
    assert row_day(month) is None


@pytest.mark.parametrize("text", ["2025-5-10", "10.05.2025", "2025-02-30", "yesterday"])
def test_a_malformed_date_names_the_option_and_the_form(text: str) -> None:
    with pytest.raises(UsageError, match="--date"):
        parse_report_date(text)


def test_clocks_at_the_end_of_the_day() -> None:
    """Verified at 10:00Z the day before: both parties' 24 h clocks fall due during the day.
    UA answers two hours late during the day (late, not overdue); RU does not (overdue by
    11 h at 21:00Z); the 72 h clocks still run; an answer after the day is not counted."""
    verified_at = datetime(2025, 5, 9, 10, 0, tzinfo=UTC)
    clocks = start_clocks(verification(verified_at), incident(side=Side.UNKNOWN))
    histories: dict[str, list[Transition]] = {c.id: [] for c in clocks}
    ua_diplomatic = next(c for c in clocks if c.notified_party is Side.UA
                         and c.track == "diplomatic")
    ru_military = next(c for c in clocks if c.notified_party is Side.RU and c.track == "military")
    histories[ua_diplomatic.id].append(acknowledge(
        ua_diplomatic, [], "ua-1", "ua-liaison", Side.UA, verified_at + timedelta(hours=26)
    ))
    histories[ru_military.id].append(acknowledge(
        ru_military, [], "ru-1", "ru-liaison", Side.RU, DAY.end + timedelta(hours=1)
    ))
    facts = clock_facts(DAY, [(c, histories[c.id]) for c in clocks])
    assert facts.total == 4
    assert facts.started == 0  # verified the day before
    assert facts.acknowledged == 1
    assert [line.party for line in facts.late] == ["UA"]
    assert facts.late[0].overdue_hours == pytest.approx(2.0)
    assert [(line.party, line.track) for line in facts.overdue] == [("RU", "diplomatic")]
    assert facts.overdue[0].overdue_hours == pytest.approx(11.0)
    assert facts.running == 2  # both military clocks: RU's answer comes after the day


def test_incidents_are_placed_on_their_day_with_their_state() -> None:
    def lookup(lat: float, lon: float) -> str | None:
        return "Zaporizhzhia" if (lat, lon) == (47.57, 34.39) else None

    rows = [
        (incident("inc-1", day=date(2025, 5, 10)), IncidentState.VERIFIED),
        (incident("inc-2", day=date(2025, 5, 9)), IncidentState.REPORTED),
        (incident("inc-3", day=date(2025, 5, 10), lat=50.0, lon=20.0), IncidentState.REPORTED),
    ]
    placed, previous, by_place = incident_facts(DAY, rows, lookup)
    assert [(p.id, p.oblast, p.state) for p in placed] == [
        ("inc-1", "Zaporizhzhia", "verified"),
        ("inc-3", "outside Ukraine's oblasts", "reported"),
    ]
    assert previous == 1
    assert [(c.key, c.day, c.previous) for c in by_place] == [
        (("Zaporizhzhia", "artillery_shelling"), 1, 1),
        (("outside Ukraine's oblasts", "artillery_shelling"), 1, 0),
    ]
