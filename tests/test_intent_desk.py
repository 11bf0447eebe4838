"""The service's intent desk without HTTP: when the store refuses an accepted change, the
engine is put back as it was, so memory never holds a plan the store does not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ceasefire.api.audit import Auditor
from ceasefire.api.intent_desk import IntentDesk
from ceasefire.api.roles import OrgKind, Principal, Role
from ceasefire.domain.intent import Circle, IntentState, OperationalIntent, Volume4D
from ceasefire.records import RecordFormatError
from ceasefire.store import open_store

AT = datetime(2026, 6, 1, tzinfo=UTC)
PLANNER = Principal("planner", "Nation A", OrgKind.NATION, None, Role.OPERATIONS_PLANNER, "t1")
VOLUME = Volume4D(Circle(24.0, 49.8, 1000.0), 0.0, 500.0,
                  datetime(2026, 7, 1, 10, tzinfo=UTC), datetime(2026, 7, 1, 11, tzinfo=UTC))
#: A priority JSON cannot carry exactly: the record encoder refuses it, after the engine
#: accepted the plan (the service's own bodies bound priorities, so only a bug gets here).
UNRECORDABLE = 2**60


def intent(intent_id: str, priority: int = 0) -> OperationalIntent:
    return OperationalIntent(intent_id, "wing", "Nation A", "", priority, IntentState.ACCEPTED,
                             (VOLUME,))


def desk() -> IntentDesk:
    store = open_store("memory://")
    return IntentDesk.open(store, Auditor(store, lambda: AT), ())


def test_a_refused_new_intent_is_forgotten() -> None:
    d = desk()
    with pytest.raises(RecordFormatError):
        d.submit(PLANNER, intent("a", UNRECORDABLE), {}, AT)
    assert d.stored("a") is None
    assert d.area((VOLUME,)) == []  # not in the engine either
    assert d.submit(PLANNER, intent("b"), {}, AT).record.intent.version == 1


def test_a_refused_update_restores_the_previous_version() -> None:
    d = desk()
    d.submit(PLANNER, intent("a"), {}, AT)
    with pytest.raises(RecordFormatError):
        d.update(PLANNER, intent("a", UNRECORDABLE), {"a": 1}, AT)
    (held,) = d.area((VOLUME,))
    assert (held.version, held.priority) == (1, 0)
    accepted = d.update(PLANNER, replace(intent("a"), mandate="m"), {"a": 1}, AT)
    assert accepted.record.intent.version == 2
