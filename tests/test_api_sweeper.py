"""Deadlines recorded while nobody asks: the service's sweep records a notice's escalation
and the overdue alerts of response clocks by itself, each once, dated at its deadline."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api_helpers import UA, Clock, Service, running_service
from ceasefire.api.idempotency import IdempotencyKeys, Remembered
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


def test_old_idempotency_keys_are_forgotten_and_a_late_retry_doubles_nothing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    clock = Clock(START)
    with running_service(tmp_path_factory.mktemp("keys"), now=clock,
                         idempotency_hours=24) as service:
        body = [{"source": "patrol", "source_record_id": "k-1", "category": "small_arms",
                 "start": "2026-02-28T10:00:00Z", "end": "2026-02-28T10:05:00Z",
                 "lat": 47.8, "lon": 35.2, "radius_m": 500}]
        headers = {"Idempotency-Key": "late-retry"}
        with service.as_user("monitor") as monitor:
            first = monitor.post("/v1/observations", json=body, headers=headers)
        assert first.status_code == 201, first.text
        keys = service.app.state.services.idempotency
        assert keys.count() == 1
        clock.at = START + timedelta(hours=23)
        assert sweep_once(service.app.state.services).forgotten_keys == 0
        clock.at = START + timedelta(hours=25)
        assert sweep_once(service.app.state.services).forgotten_keys == 1
        assert keys.count() == 0
        stored = service.store.count_observations()
        ledger_before = service.store.ledger()
        assert ledger_before is not None
        size = ledger_before.size
        with service.as_user("monitor") as monitor:
            late = monitor.post("/v1/observations", json=body, headers=headers)
        assert late.status_code == 201, late.text  # runs again: the key was forgotten...
        assert late.json()["added"] == 0  # ...and the store holds it already
        assert service.store.count_observations() == stored
        ledger_after = service.store.ledger()
        assert ledger_after is not None
        assert ledger_after.size == size + 1  # only the upload's audit entry


def test_a_keys_file_from_before_dating_is_opened_and_its_keys_pruned(tmp_path: Path) -> None:
    path = tmp_path / "idempotency.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE idempotency (user TEXT NOT NULL, key TEXT NOT NULL,"
                " digest TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
                " PRIMARY KEY (user, key))")
    old.execute("INSERT INTO idempotency VALUES ('u', 'k', 'd', 201, '{}')")
    old.commit()
    old.close()
    keys = IdempotencyKeys(path)
    try:
        assert keys.find("u", "k") is not None
        keys.remember_many({("u", "new"): Remembered("d2", 201, "{}")}, START)
        assert keys.prune(START - timedelta(hours=1)) == 1  # the undated one only
        assert keys.find("u", "k") is None
        assert keys.find("u", "new") is not None
    finally:
        keys.close()
