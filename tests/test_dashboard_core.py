"""The dashboard's core: incidents aggregated by zoom, verdicts, the index that follows the
store's change feed (pure parts and the in-memory store)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from api_helpers import FUSED_AT, fill_store
from ceasefire.api.audit import entry
from ceasefire.api.roles import OrgKind, Principal, Role
from ceasefire.dashboard.grid import MAX_POINTS, MapPoint, aggregate, cell_degrees, per_day
from ceasefire.dashboard.index import IncidentIndex, sources_of, worst_verdict
from ceasefire.domain import AuditOutcome, IncidentState
from ceasefire.monitoring.review import transition_incident
from ceasefire.monitoring.setup import bundled_oblasts
from ceasefire.store import open_store
from ceasefire.verify.workflow import TransitionRequest


def _point(i: int, lat: float, lon: float, state: str = "reported",
           verdict: str = "none") -> MapPoint:
    return MapPoint(f"inc-{i}", lat, lon, state, verdict, "other", "2025-12-26")


def test_few_incidents_are_sent_one_by_one() -> None:
    points = [_point(i, 48.0 + i / 100, 37.0) for i in range(MAX_POINTS)]
    shown = aggregate(points, 6)
    assert shown["mode"] == "points"
    assert shown["points"] == points
    assert shown["cells"] == []


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(44.0, 52.0), st.floats(22.0, 40.0),
                          st.sampled_from(["reported", "verified"]),
                          st.sampled_from(["violation", "possible", "none"])),
                min_size=MAX_POINTS + 1, max_size=MAX_POINTS + 200),
       st.integers(0, 12))
def test_many_incidents_are_cells_that_lose_none(
        rows: list[tuple[float, float, str, str]], zoom: int) -> None:
    points = [_point(i, lat, lon, state, verdict)
              for i, (lat, lon, state, verdict) in enumerate(rows)]
    shown = aggregate(points, zoom)
    assert shown["mode"] == "cells"
    assert shown["points"] == []
    assert sum(c["count"] for c in shown["cells"]) == len(points) == shown["total"]
    size = cell_degrees(zoom)
    for cell in shown["cells"]:
        west, south, east, north = cell["bounds"]
        assert east - west == north - south == size
        assert south <= cell["lat"] <= north
        assert west <= cell["lon"] <= east
        assert sum(cell["states"].values()) == sum(cell["verdicts"].values()) == cell["count"]
    assert len({c["key"] for c in shown["cells"]}) == len(shown["cells"])


def test_cells_shrink_as_the_map_zooms_in() -> None:
    assert cell_degrees(0) == 90.0
    assert cell_degrees(6) == cell_degrees(5) / 2
    assert cell_degrees(30) == cell_degrees(18)  # clamped to the deepest zoom


def test_the_worst_verdict_wins_and_days_are_counted() -> None:
    assert worst_verdict(["not_covered", "possible", "none"]) == "possible"
    assert worst_verdict(["possible", "violation"]) == "violation"
    assert worst_verdict([]) == "none"
    days = per_day([_point(1, 48, 37), _point(2, 48, 37),
                    MapPoint("x", 48, 37, "reported", "none", "other", "2025-12-25")])
    assert days == {"2025-12-25": 1, "2025-12-26": 2}


def test_sources_come_from_the_observation_ids() -> None:
    class Stub:
        observation_ids = ("cir:UW1", "bellingcat:CIV0001", "cir:UW2")

    assert sources_of(Stub()) == frozenset({"cir", "bellingcat"})  # type: ignore[arg-type]


def test_the_index_follows_decisions_and_ignores_audit_entries(tmp_path: Path) -> None:
    store = open_store("memory://")
    fill_store(store, tmp_path)
    index = IncidentIndex(store, bundled_oblasts().unit_of)
    first = index.entries()
    assert len(first) == len(store.incidents())
    reviewer = Principal("r", "Mission", OrgKind.MISSION, None, Role.REVIEWER, "tok-1")
    store.add_records([entry(reviewer, "map.incidents", "all", AuditOutcome.ALLOWED,
                             datetime.now(UTC))])
    assert index.entries() is first  # an audit entry changes nothing on the map
    reported = next(e for e in first if e.state is IncidentState.REPORTED)
    transition_incident(store, TransitionRequest(
        incident_id=reported.row["id"], to_state=IncidentState.DISMISSED, actor="r",
        organisation="Mission", role="reviewer", reason="not as reported", evidence=(),
        at=FUSED_AT.replace(day=3)))
    rebuilt = index.entries()
    assert rebuilt is not first
    assert next(e for e in rebuilt if e.row["id"] == reported.row["id"]).state is (
        IncidentState.DISMISSED)
    store.close()
