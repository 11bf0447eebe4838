"""Live tracks of the force's own assets against their nation's mandates.

A track is tied to its unit by the ids the registry lists (`Unit.tracks`). Each state is
checked as an instant at a point with `force.nation_refusals` (no task: a track does not say
what it is doing, so only time and area clauses can fire). An alert is raised when a track
*starts* breaking a clause, not on every state while it keeps breaking it, and again if it
breaks it anew after complying in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import shapely

from ceasefire.domain.track import TrackState
from ceasefire.force.force import Force, nation_refusals, unique
from ceasefire.force.mandate import Refusal


@dataclass(frozen=True, slots=True)
class TrackAlert:
    """One own-asset track breaking one clause, from this state on."""

    track_id: str
    unit_id: str
    nation: str
    at: datetime
    lat: float
    lon: float
    refusal: Refusal

    def describe(self) -> str:
        return (
            f"{self.at.isoformat()} track {self.track_id} ({self.unit_id}, {self.nation}) at"
            f" {self.lat:.4f},{self.lon:.4f}: {self.refusal}"
        )


def state_refusals(force: Force, nation: str, state: TrackState) -> tuple[Refusal, ...]:
    """What the nation's mandates forbid about being where this state is, when it is."""
    at = datetime.fromtimestamp(state.t, UTC)
    where = shapely.Point(state.lon, state.lat)
    what = f"position {state.lat:.4f},{state.lon:.4f}"
    return unique(nation_refusals(force, nation, at, at, [(what, where)]))


def track_alerts(force: Force, states: Iterable[TrackState]) -> list[TrackAlert]:
    """Alerts for the states of own assets, in time order; other tracks are ignored."""
    breaking: dict[str, set[tuple[str | None, str]]] = {}
    alerts: list[TrackAlert] = []
    for state in sorted(states, key=lambda s: s.t):
        unit = force.registry.unit_for_track(state.id)
        if unit is None:
            continue
        refusals = state_refusals(force, unit.nation, state)
        now = {(r.mandate, r.clause) for r in refusals}
        before = breaking.get(state.id, set())
        at = datetime.fromtimestamp(state.t, UTC)
        for r in refusals:
            if (r.mandate, r.clause) not in before:
                alerts.append(
                    TrackAlert(state.id, unit.id, unit.nation, at, state.lat, state.lon, r)
                )
        breaking[state.id] = now
    return alerts
