"""Deadlines recorded while nobody asks: the service's sweep records a notice's escalation
and the overdue alerts of response clocks by itself, each once, dated at its deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api_helpers import UA, Clock, Service, running_service
from ceasefire.api.sweeper import sweep_once
from ceasefire.domain import IncidentState, Transition

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
AFTER_MIN = 30


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(START)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("sweeper"), now=clock, sweep_seconds=1,
                         escalate_after_minutes=AFTER_MIN) as running:
        yield running


def _transitions(service: Service, to_state: str) -> dict[str, Transition]:
    found = {}
    for stored in service.store.stored_records():
        value = stored.value()
        if isinstance(value, Transition) and value.to_state == to_state:
            found[value.id] = value
    return found


def _wait_for(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("the sweep did not record it in time")


def test_the_sweep_records_escalations_and_overdue_clocks_unasked(
    service: Service, clock: Clock
) -> None:
    verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
    # the seeded clocks started on 2025-06-02: at START they are long overdue
    _wait_for(lambda: len(_transitions(service, "overdue")) == 4)
    overdue = _transitions(service, "overdue")
    with service.as_user("reviewer") as reviewer:
        notice = reviewer.post("/v1/hotline/messages", json={
            "kind": "violation_notice", "to": UA, "text": "violation",
            "incident_id": verified}).json()
    time.sleep(1.5)  # a sweep passes: not due yet, nothing recorded
    assert f"{notice['id']}:escalated" not in _transitions(service, "escalated")
    clock.at = START + timedelta(minutes=AFTER_MIN, seconds=1)
    _wait_for(lambda: f"{notice['id']}:escalated" in _transitions(service, "escalated"))
    escalation = _transitions(service, "escalated")[f"{notice['id']}:escalated"]
    assert escalation.at == START + timedelta(minutes=AFTER_MIN)  # dated at the deadline
    time.sleep(1.5)  # more sweeps: nothing recorded twice
    assert _transitions(service, "overdue") == overdue
    assert len(_transitions(service, "escalated")) == 1
    again = sweep_once(service.app.state.services)
    assert (again.escalations, again.overdue) == (0, 0)
