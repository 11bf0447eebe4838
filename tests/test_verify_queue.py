"""The review queue: only waiting incidents, oldest wait first, ties by id, ages from an
injected now, a reopened incident waiting from its reopening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ceasefire.domain import IncidentState, Transition
from ceasefire.domain.errors import InvalidInputError
from ceasefire.verify.queue import QueueItem, review_queue
from ceasefire.verify.workflow import Role, TransitionRequest, decide
from verify_helpers import incident

NOW = datetime(2025, 5, 10, 12, 0, tzinfo=UTC)
S = IncidentState


def move(
    incident_id: str, history: list[Transition], to: IncidentState, at: datetime,
    role: Role = Role.REVIEWER,
) -> list[Transition]:
    request = TransitionRequest(
        incident_id, to, "someone", "" if role is Role.SYSTEM else "mission-hq", role,
        "because", ("observation/x",), at,
    )
    return [*history, decide(request, history, frozenset())]


def test_only_reported_and_corroborated_wait_oldest_first_with_their_age() -> None:
    t = NOW - timedelta(days=2)
    corroborated = move("b", [], S.CORROBORATED, t + timedelta(hours=1), Role.SYSTEM)
    dismissed = move("c", [], S.DISMISSED, t + timedelta(hours=2))
    verified = move("b2", move("b2", [], S.CORROBORATED, t, Role.SYSTEM), S.VERIFIED, t)
    items = [
        (incident("a"), [], t + timedelta(hours=5)),  # reported, recorded last
        (incident("b"), corroborated, t),  # corroborated: waits from when it was recorded
        (incident("c"), dismissed, t - timedelta(days=1)),
        (incident("b2"), verified, t - timedelta(days=1)),
    ]
    queue = review_queue(items, NOW)
    assert [(e.incident_id, e.state) for e in queue] == [
        ("b", S.CORROBORATED), ("a", S.REPORTED)
    ]
    assert queue[0].age == timedelta(days=2)
    assert queue[1].age == timedelta(days=2) - timedelta(hours=5)
    assert queue[0].waiting_since == t


def test_ties_are_broken_by_id() -> None:
    t = NOW - timedelta(hours=1)
    items = [QueueItem(incident(i), [], t) for i in ("z", "m", "a")]
    assert [e.incident_id for e in review_queue(items, NOW)] == ["a", "m", "z"]


def test_order_is_by_instant_whatever_the_zone_it_was_written_in() -> None:
    kyiv_9 = datetime(2025, 5, 10, 9, 0, tzinfo=timezone(timedelta(hours=3)))  # 06:00 UTC
    utc_7 = datetime(2025, 5, 10, 7, 0, tzinfo=UTC)
    queue = review_queue([(incident("late"), [], utc_7), (incident("early"), [], kyiv_9)], NOW)
    assert [e.incident_id for e in queue] == ["early", "late"]
    assert queue[0].age == timedelta(hours=6)


def test_a_reopened_incident_waits_from_its_reopening() -> None:
    recorded = NOW - timedelta(days=10)
    reopened_at = NOW - timedelta(hours=3)
    history = move("r", [], S.DISMISSED, recorded + timedelta(days=1))
    history = move("r", history, S.REPORTED, reopened_at)
    other = NOW - timedelta(hours=5)
    queue = review_queue([(incident("r"), history, recorded), (incident("o"), [], other)], NOW)
    assert [e.incident_id for e in queue] == ["o", "r"]
    assert queue[1].waiting_since == reopened_at
    assert queue[1].age == timedelta(hours=3)


def test_empty_input_gives_an_empty_queue() -> None:
    assert review_queue([], NOW) == []


def test_recorded_after_now_is_refused_naming_the_incident() -> None:
    with pytest.raises(InvalidInputError, match=r"incident/x: waiting since .* after now"):
        review_queue([(incident("x"), [], NOW + timedelta(seconds=1))], NOW)


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"review queue: now: time .* has no time zone"):
        review_queue([], datetime(2025, 5, 10, 12, 0))
    with pytest.raises(InvalidInputError, match=r"incident/x: recorded_at: time .* no time zone"):
        review_queue([(incident("x"), [], datetime(2025, 5, 10))], NOW)


def test_a_history_of_another_incident_is_refused() -> None:
    history = move("b", [], S.DISMISSED, NOW - timedelta(hours=1))
    with pytest.raises(InvalidInputError, match="incident/a: its history is about incident/b"):
        review_queue([(incident("a"), history, NOW - timedelta(hours=2))], NOW)
