"""Incidents as the CLI and the coming API show them: plain JSON-ready dicts (pure).

One function per view, so that `incidents list --json`, `incidents show --json` and the
service print the same names for the same things.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ceasefire.domain import Incident, IncidentState, Observation, ResponseClock, Transition
from ceasefire.monitoring.workflow_history import workflow_moves
from ceasefire.verify.workflow import state_of

View = dict[str, Any]


def workflow_state(moves: Sequence[Transition]) -> IncidentState:
    """The workflow state an incident's transitions (all of them, as the store keeps them)
    reach: `reported` before any workflow move."""
    return state_of(workflow_moves(moves))


def incident_row(incident: Incident, state: IncidentState) -> View:
    """The summary line of an incident."""
    loc = incident.location
    return {
        "id": incident.id,
        "state": str(state),
        "start": incident.interval.start.isoformat(),
        "end": incident.interval.end.isoformat(),
        "time_precision": str(incident.interval.precision),
        "category": str(incident.category),
        "region": loc.region,
        "lat": loc.lat,
        "lon": loc.lon,
        "radius_m": loc.uncertainty_m,
        "observations": len(incident.observation_ids),
        "independent_sources": incident.independent_sources,
        "supporting": len(incident.supporting),
        "side": str(incident.side),
        "confidence": incident.confidence,
    }


def transition_view(t: Transition) -> View:
    return {
        "id": t.id,
        "from": t.from_state,
        "to": t.to_state,
        "at": t.at.isoformat(),
        "actor": t.actor,
        "organisation": t.organisation,
        "reason": t.reason,
        "evidence": list(t.evidence),
        "successor": None if t.successor is None else str(t.successor),
    }


def observation_view(o: Observation) -> View:
    return {
        "id": o.id,
        "source": o.source,
        "source_record_id": o.source_record_id,
        "reported_by": o.reported_by,
        "start": o.interval.start.isoformat(),
        "end": o.interval.end.isoformat(),
        "lat": o.location.lat,
        "lon": o.location.lon,
        "radius_m": o.location.uncertainty_m,
        "region": o.location.region,
        "category": str(o.category),
        "side": str(o.side),
        "description": o.description,
    }


def clock_view(clock: ResponseClock) -> View:
    return {
        "id": clock.id,
        "incident_id": clock.incident_id,
        "track": str(clock.track),
        "notified_party": str(clock.notified_party),
        "started_at": clock.started_at.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "clause": clock.clause,
    }


def incident_detail(
    incident: Incident,
    moves: Sequence[Transition],
    observations: Sequence[Observation],
    supporting: Sequence[Observation],
    clocks: Sequence[View],
) -> View:
    """Everything a reviewer needs to judge one incident, reasons included."""
    a = incident.attribution
    return {
        **incident_row(incident, workflow_state(moves)),
        "observations": [observation_view(o) for o in observations],
        "fusion": [
            {
                "observation_id": link.observation_id,
                "joined": link.partner_id,
                "distance_m": link.distance_m,
                "reach_m": link.reach_m,
                "gap_s": link.gap_s,
                "tolerance_s": link.tolerance_s,
                "categories": list(link.categories),
            }
            for link in incident.links
        ],
        "sources": [
            {"observation_ids": list(g.observation_ids), "sources": list(g.sources),
             "reason": g.reason}
            for g in incident.sources
        ],
        "supporting": [
            {"observation_id": s.observation_id, "reason": s.reason,
             "observation": next((observation_view(o) for o in supporting
                                  if o.id == s.observation_id), None)}
            for s in incident.supporting
        ],
        "attribution": {
            "side": "undetermined" if not a.determined else str(a.side),
            "confidence": a.confidence,
            "method": a.method,
            "reasons": list(a.reasons),
        },
        "history": [transition_view(t) for t in moves],
        "clocks": list(clocks),
    }
