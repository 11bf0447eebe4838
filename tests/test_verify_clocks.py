"""Response clocks: started by verifying a violation, one pair per notified party; stopped only
by the notified party, once; overdue alerts recorded once; real hours across DST changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ceasefire.domain import (
    ClockState,
    ClockTrack,
    IncidentState,
    ResponseClock,
    Side,
    Transition,
)
from ceasefire.domain.errors import ConflictError, ForbiddenError, InvalidInputError
from ceasefire.verify.clocks import (
    acknowledge,
    clock_state,
    clock_status,
    overdue_alerts,
    start_clocks,
)
from verify_helpers import incident, verification

KYIV = ZoneInfo("Europe/Kyiv")
S = IncidentState


AT = datetime(2025, 5, 9, 8, 0, tzinfo=UTC)


def clocks_for(side: Side, at: datetime = AT) -> list[ResponseClock]:
    return start_clocks(verification(at), incident(side=side))


# -- starting ----------------------------------------------------------------------------


def test_an_attributed_violation_starts_two_clocks_for_that_party() -> None:
    clocks = clocks_for(Side.RU)
    assert [(c.id, c.notified_party, c.track) for c in clocks] == [
        ("inc-1:RU:diplomatic", Side.RU, ClockTrack.DIPLOMATIC),
        ("inc-1:RU:military", Side.RU, ClockTrack.MILITARY),
    ]
    assert [c.due_at - c.started_at for c in clocks] == [timedelta(hours=24),
                                                         timedelta(hours=72)]
    assert {c.started_at for c in clocks} == {AT}
    assert {c.clause for c in clocks} == {"art-1"}
    assert {c.started_by for c in clocks} == {"inc-1:2:verified"}


@pytest.mark.parametrize("side", [Side.UNKNOWN, Side.MISSION])
def test_an_undetermined_violation_notifies_both_parties(side: Side) -> None:
    clocks = clocks_for(side)
    assert sorted(c.id for c in clocks) == [
        "inc-1:RU:diplomatic", "inc-1:RU:military", "inc-1:UA:diplomatic", "inc-1:UA:military"
    ]


def test_verified_without_a_violation_starts_no_clock() -> None:
    assert start_clocks(verification(AT, clause=None), incident(side=Side.RU)) == []


def test_starting_is_deterministic() -> None:
    assert clocks_for(Side.UA) == clocks_for(Side.UA)


def test_only_a_verification_of_this_incident_starts_clocks() -> None:
    v = verification(AT)
    with pytest.raises(InvalidInputError, match="only a verification starts clocks"):
        start_clocks(replace(v, to_state="dismissed"), incident())
    with pytest.raises(InvalidInputError, match="is about incident/inc-1, not incident/other"):
        start_clocks(v, incident("other"))


# -- DST and zones -------------------------------------------------------------------------


def test_deadline_is_24_real_hours_across_the_autumn_dst_change_in_kyiv() -> None:
    verified_at = datetime(2025, 10, 25, 12, 0, tzinfo=KYIV)  # EEST, UTC+3
    diplomatic, military = clocks_for(Side.RU, verified_at)
    assert diplomatic.started_at == datetime(2025, 10, 25, 9, 0, tzinfo=UTC)
    assert diplomatic.due_at == datetime(2025, 10, 26, 9, 0, tzinfo=UTC)
    # Clocks went back at 04:00 on 26 October: 24 h later is 11:00 on Kyiv's wall clock
    assert diplomatic.due_at.astimezone(KYIV).hour == 11
    assert military.due_at.astimezone(KYIV) == datetime(2025, 10, 28, 11, 0, tzinfo=KYIV)
    one_hour_before = datetime(2025, 10, 26, 10, 0, tzinfo=KYIV)
    status = clock_status(diplomatic, [], one_hour_before)
    assert status.state is ClockState.RUNNING
    assert status.remaining == timedelta(hours=1)
    at_noon = datetime(2025, 10, 26, 12, 0, tzinfo=KYIV)  # same wall clock as verification
    assert clock_status(diplomatic, [], at_noon).overdue_by == timedelta(hours=1)


def test_deadline_is_24_real_hours_across_the_spring_dst_change_in_kyiv() -> None:
    verified_at = datetime(2025, 3, 29, 12, 0, tzinfo=KYIV)  # EET, UTC+2
    diplomatic, _ = clocks_for(Side.UA, verified_at)
    assert diplomatic.due_at.astimezone(KYIV) == datetime(2025, 3, 30, 13, 0, tzinfo=KYIV)
    assert diplomatic.due_at - diplomatic.started_at == timedelta(hours=24)


def test_now_in_any_offset_is_the_same_instant() -> None:
    clock = clocks_for(Side.RU)[0]
    moscow = timezone(timedelta(hours=3))
    utc_now = AT + timedelta(hours=20)
    assert clock_status(clock, [], utc_now) == clock_status(
        clock, [], utc_now.astimezone(moscow)
    )


def test_naive_now_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="no time zone"):
        clock_status(clocks_for(Side.RU)[0], [], datetime(2025, 5, 9, 9, 0))


# -- acknowledging --------------------------------------------------------------------------


def test_the_notified_party_acknowledges_and_the_clock_stops() -> None:
    clock = clocks_for(Side.RU)[0]
    when = datetime(2025, 5, 9, 14, 0, tzinfo=timezone(timedelta(hours=3)))
    t = acknowledge(clock, [], "officer-7", "ru-liaison", Side.RU, when)
    assert (t.id, t.from_state, t.to_state) == ("inc-1:RU:diplomatic:acknowledged",
                                                "running", "acknowledged")
    assert t.at == datetime(2025, 5, 9, 11, 0, tzinfo=UTC)
    assert t.organisation == "ru-liaison"
    assert clock_state(clock, [t]) is ClockState.ACKNOWLEDGED
    status = clock_status(clock, [t], AT + timedelta(days=30))
    assert status.state is ClockState.ACKNOWLEDGED
    assert status.acknowledged_at == t.at
    assert status.overdue_by is None
    assert status.remaining is None


def test_another_party_may_not_acknowledge() -> None:
    clock = clocks_for(Side.RU)[0]
    with pytest.raises(ForbiddenError, match="speaks for UA, but this clock waits for RU"):
        acknowledge(clock, [], "officer-2", "ua-liaison", Side.UA, AT + timedelta(hours=1))
    with pytest.raises(ForbiddenError):
        acknowledge(clock, [], "m-1", "mission-hq", Side.MISSION, AT + timedelta(hours=1))


def test_acknowledging_twice_is_a_conflict() -> None:
    clock = clocks_for(Side.RU)[0]
    first = acknowledge(clock, [], "officer-7", "ru-liaison", Side.RU, AT + timedelta(hours=1))
    with pytest.raises(ConflictError, match="already acknowledged"):
        acknowledge(clock, [first], "officer-8", "ru-liaison", Side.RU, AT + timedelta(hours=2))


def test_an_overdue_clock_is_stopped_by_a_late_acknowledgment_which_stays_late() -> None:
    clock = clocks_for(Side.UA)[0]
    now = clock.due_at + timedelta(hours=5)
    [alert] = overdue_alerts([(clock, [])], now)
    late = acknowledge(clock, [alert], "o-1", "ua-liaison", Side.UA, now)
    assert late.from_state == "overdue"
    status = clock_status(clock, [alert, late], now + timedelta(days=3))
    assert status.state is ClockState.ACKNOWLEDGED
    assert status.overdue_by == timedelta(hours=5)
    assert overdue_alerts([(clock, [alert, late])], now + timedelta(days=3)) == []


def test_an_acknowledgment_without_actor_or_before_the_start_is_refused() -> None:
    clock = clocks_for(Side.RU)[0]
    with pytest.raises(InvalidInputError, match="must be named"):
        acknowledge(clock, [], "officer", " ", Side.RU, AT + timedelta(hours=1))
    with pytest.raises(InvalidInputError, match="before the clock started"):
        acknowledge(clock, [], "officer", "ru-liaison", Side.RU, AT - timedelta(seconds=1))


# -- overdue alerts ----------------------------------------------------------------------


def test_overdue_alerts_are_raised_once_and_are_the_same_record_every_time() -> None:
    clocks = clocks_for(Side.UNKNOWN)  # four clocks, two due at 24 h, two at 72 h
    now = AT + timedelta(hours=30)
    histories: dict[str, list[Transition]] = {c.id: [] for c in clocks}
    alerts = overdue_alerts([(c, histories[c.id]) for c in clocks], now)
    assert [a.id for a in alerts] == ["inc-1:RU:diplomatic:overdue", "inc-1:UA:diplomatic:overdue"]
    assert {(a.from_state, a.to_state, a.at) for a in alerts} == {
        ("running", "overdue", AT + timedelta(hours=24))
    }
    # computed again later, before they were recorded: the very same records
    assert overdue_alerts([(c, histories[c.id]) for c in clocks], now + timedelta(hours=1)) == (
        alerts
    )
    for alert in alerts:
        histories[alert.subject.id].append(alert)
    # once recorded, nothing new until the military clocks run out
    assert overdue_alerts([(c, histories[c.id]) for c in clocks], now) == []
    later = overdue_alerts([(c, histories[c.id]) for c in clocks], AT + timedelta(hours=72))
    assert [a.id for a in later] == ["inc-1:RU:military:overdue", "inc-1:UA:military:overdue"]


def test_no_alert_before_the_deadline_or_for_an_acknowledged_clock() -> None:
    diplomatic, military = clocks_for(Side.RU)
    ack = acknowledge(diplomatic, [], "o", "ru-liaison", Side.RU, AT + timedelta(hours=2))
    now = diplomatic.due_at - timedelta(microseconds=1)
    assert overdue_alerts([(diplomatic, []), (military, [])], now) == []
    assert overdue_alerts([(diplomatic, [ack])], AT + timedelta(days=9)) == []
    assert clock_status(military, [], now).state is ClockState.RUNNING


def test_status_is_overdue_at_the_deadline_even_before_the_alert_is_recorded() -> None:
    clock = clocks_for(Side.RU)[0]
    status = clock_status(clock, [], clock.due_at)
    assert status.state is ClockState.OVERDUE
    assert status.overdue_by == timedelta(0)


def test_a_clock_history_of_another_clock_is_refused() -> None:
    diplomatic, military = clocks_for(Side.RU)
    ack = acknowledge(diplomatic, [], "o", "ru-liaison", Side.RU, AT + timedelta(hours=2))
    with pytest.raises(InvalidInputError, match="is about clock/inc-1:RU:diplomatic"):
        clock_state(military, [ack])
