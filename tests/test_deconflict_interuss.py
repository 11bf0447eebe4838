"""InterUSS standard flight intents: the pairs its scenarios say must (not) conflict."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ceasefire.deconflict.index import DEFAULT_RESOLUTION, cover
from ceasefire.deconflict.interuss import load_collection, merge, resolve
from ceasefire.deconflict.strategic import StrategicDeconflictor
from ceasefire.deconflict.volumes import intersect
from ceasefire.domain.intent import IntentError, OperationalIntent
from deconflict_helpers import DATA, T0


def _load(name: str) -> dict[str, OperationalIntent]:
    with (DATA / "interuss" / name).open() as f:
        doc: dict[str, Any] = yaml.safe_load(f)
    return load_collection(doc, T0)


CONFLICTING = _load("conflicting_flights.yaml")
NON_CONFLICTING = _load("non_conflicting.yaml")

FLIGHT1 = ["flight1_planned", "flight1_activated", "flight1m_planned", "flight1m_activated"]
EQ2 = [
    "equal_prio_flight2_planned",
    "equal_prio_flight2_activated",
    "equal_prio_flight2_nonconforming",
]
MUST = (
    [(a, b) for a in FLIGHT1 for b in ["flight2_planned", "flight2_activated"]]
    + [("flight1c_activated", "flight2m_activated")]
    + [(a, b) for a in ["flight1_planned", "flight1m_activated"] for b in EQ2]
)
MUST_NOT = (
    [(a, "flight2m_activated") for a in FLIGHT1]
    + [(a, b) for a in ["flight1c_planned", "flight1c_activated"] for b in EQ2]
    + [("equal_prio_flight2m_planned", "flight1_planned")]
)


def _conflict(a: OperationalIntent, b: OperationalIntent) -> bool:
    return any(intersect(x, y) is not None for x in a.volumes for y in b.volumes)


@pytest.mark.parametrize(("a", "b"), MUST)
def test_must_conflict(a: str, b: str) -> None:
    assert _conflict(CONFLICTING[a], CONFLICTING[b])
    assert _conflict(CONFLICTING[b], CONFLICTING[a])


@pytest.mark.parametrize(("a", "b"), MUST_NOT)
def test_must_not_conflict(a: str, b: str) -> None:
    assert not _conflict(CONFLICTING[a], CONFLICTING[b])
    assert not _conflict(CONFLICTING[b], CONFLICTING[a])


@pytest.mark.parametrize(("a", "b"), MUST_NOT)
def test_must_not_pairs_do_share_coarse_cells(a: str, b: str) -> None:
    """The must-not pairs are metres apart: only the exact check can tell them apart."""
    va, vb = CONFLICTING[a].volumes[0], CONFLICTING[b].volumes[0]
    assert cover(va, DEFAULT_RESOLUTION) & cover(vb, DEFAULT_RESOLUTION)
    d = StrategicDeconflictor()
    assert d.submit(CONFLICTING[a]).accepted
    assert d.submit(CONFLICTING[b], d.view(CONFLICTING[b])).accepted


@pytest.mark.parametrize(("a", "b"), [p for p in MUST if "equal_prio" in p[1]])
def test_equal_priority_conflict_is_rejected_through_the_deconflictor(a: str, b: str) -> None:
    d = StrategicDeconflictor()
    assert d.submit(CONFLICTING[a]).accepted
    decision = d.submit(CONFLICTING[b], d.view(CONFLICTING[b]))
    if CONFLICTING[b].state.value == "nonconforming":
        # An off-nominal flight is recorded (it is already happening) and the other notified.
        assert decision.accepted
        assert [n.intent_id for n in decision.notifications] == [a]
    else:
        assert not decision.accepted
        assert [c.intent_id for c in decision.conflicts] == [a]


def test_higher_priority_flight2_is_accepted_and_flight1_owner_notified() -> None:
    d = StrategicDeconflictor()
    assert d.submit(CONFLICTING["flight1_planned"]).accepted
    f2 = CONFLICTING["flight2_planned"]
    decision = d.submit(f2, d.view(f2))
    assert decision.accepted
    assert [n.intent_id for n in decision.notifications] == ["flight1_planned"]
    # The lower-priority one can no longer be (re)planned over it.
    f1m = CONFLICTING["flight1m_planned"]
    assert not d.submit(f1m, d.view(f1m)).accepted


@pytest.mark.parametrize("a", ["flight_1", "flight_1_planned", "flight_1_activated"])
@pytest.mark.parametrize("b", ["flight_2", "flight_2_planned", "flight_2_planned_modified"])
def test_non_conflicting_collection(a: str, b: str) -> None:
    assert not _conflict(NON_CONFLICTING[a], NON_CONFLICTING[b])


def test_deltas_inherit_and_plus_keys_replace() -> None:
    f1 = CONFLICTING["flight1_planned"].volumes[0]
    f1c = CONFLICTING["flight1c_activated"].volumes[0]
    assert f1c.lower_m == pytest.approx(0.06)
    assert f1c.upper_m == 35  # inherited from flight1c_planned
    assert f1c.outline != f1.outline
    assert isinstance(f1c.outline, tuple)
    assert len(f1c.outline) == 4
    assert CONFLICTING["flight1_activated"].state.value == "activated"
    assert CONFLICTING["equal_prio_flight2_nonconforming"].state.value == "nonconforming"
    assert CONFLICTING["equal_prio_flight2_planned"].priority == 0
    assert CONFLICTING["flight2_planned"].priority == 100


def test_merge_rules() -> None:
    assert merge({"a": [1, 2]}, {"+a": [3]}) == {"a": [3]}
    assert merge({"a": [{"x": 1, "y": 2}]}, {"a": [{"y": 3}]}) == {"a": [{"x": 1, "y": 3}]}
    assert merge({"a": [1, 2]}, {"a": [3]}) == {"a": [3]}


def test_delta_cycle_is_an_error_not_a_hang() -> None:
    doc = {"intents": {"a": {"delta": {"source": "b"}}, "b": {"delta": {"source": "a"}}}}
    with pytest.raises(IntentError, match="cycle"):
        resolve(doc)
