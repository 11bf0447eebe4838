"""Fuse the stored observations into incidents and store them, in one unit of work.

Re-running is the normal case: observations arrive, are corrected, and fusion runs again.
Stored incident ids are kept (`fusion.fuse.refuse`): an incident that grew is a correction of
its earlier version (history and ledger keep both); one merged into another is retired into
it; one whose observations now belong elsewhere is retired as dissolved. A new incident gets
a creation transition (``new -> reported``), and one that reaches two independent sources the
workflow's move to `corroborated`, so the review queue knows since when each waits, and the
ledger says so. A correction that later leaves an incident with one source does not move it
back: a reviewer decides that (docs/monitoring.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from ceasefire.domain import (
    Incident,
    IncidentState,
    Observation,
    RecordKind,
    RecordRef,
    Transition,
)
from ceasefire.fusion.fuse import refuse
from ceasefire.fusion.gates import categories_compatible
from ceasefire.monitoring.build import Attributor, incident_of, sighting_of
from ceasefire.monitoring.supporting import UnitOf, link_supporting
from ceasefire.monitoring.workflow_history import NEW, created_at, workflow_moves
from ceasefire.store import Store
from ceasefire.verify.workflow import Role, TransitionRequest, decide, state_of

SYSTEM = "system"
MERGED = "merged"
DISSOLVED = "dissolved"


@dataclass(frozen=True, slots=True)
class FusionRun:
    """What one fusion run found and changed."""

    incidents: list[Incident]
    observations: list[Observation]
    """Every current observation, fused or not."""
    fused_observations: int
    supporting_rows: int
    """Region-only rows linked to at least one incident."""
    unplaced_rows: tuple[str, ...]
    """Region-only rows whose region could not be mapped to oblasts."""
    added: int
    grown: int
    merged: dict[str, str]
    dissolved: list[str]
    transitions: list[Transition]

    def incident_of_observation(self) -> dict[str, Incident]:
        return {o: i for i in self.incidents for o in i.observation_ids}


def _creation(incident: Incident, at: datetime) -> Transition:
    """The record that fusion created the incident: where its workflow and its wait begin."""
    return Transition(
        id=f"{incident.id}:{NEW}>{IncidentState.REPORTED}",
        subject=RecordRef(RecordKind.INCIDENT, incident.id),
        from_state=NEW,
        to_state=str(IncidentState.REPORTED),
        at=at,
        actor=SYSTEM,
        reason="fused from observations",
        evidence=tuple(f"observation/{o}" for o in incident.observation_ids),
    )


def _corroboration(incident: Incident, history: list[Transition], at: datetime) -> Transition:
    """The pipeline's move reported -> corroborated, under the workflow's own rules."""
    groups = "; ".join(g.reason for g in incident.sources)
    request = TransitionRequest(
        incident_id=incident.id,
        to_state=IncidentState.CORROBORATED,
        actor=SYSTEM,
        organisation="",
        role=str(Role.SYSTEM),
        reason=f"{incident.independent_sources} independent sources ({groups})",
        evidence=tuple(f"observation/{o}" for o in incident.observation_ids),
        at=at,
    )
    return decide(request, history, frozenset())


def fuse_stored(
    store: Store,
    *,
    unit_of: UnitOf,
    attributor: Attributor,
    at: datetime,
    on_progress: Callable[[str], None] | None = None,
) -> FusionRun:
    """Fuse every current observation in `store`, write the incidents, return what changed."""
    observations = store.observations()
    by_id = {o.id: o for o in observations}
    sightings = [s for s in map(sighting_of, observations) if s is not None]
    region_rows = [o for o in observations if not o.location.has_point]
    stored = store.incidents()
    previous = {i.id: frozenset(i.observation_ids) for i in stored}
    fused, merged = refuse(previous, sightings)
    if on_progress:
        on_progress(f"fused {len(sightings)} observations into {len(fused)} incidents")
    base = [
        incident_of(f, by_id, (), unit_of(f.lat, f.lon)) for f in fused
    ]
    support = link_supporting(base, region_rows, unit_of, categories_compatible)
    incidents: list[Incident] = []
    for incident in base:
        links = support.links.get(incident.id, ())
        with_support = replace(incident, supporting=links)
        evidence = [by_id[o] for o in incident.observation_ids] + [
            by_id[link.observation_id] for link in links
        ]
        attribution = attributor(with_support, evidence)
        incidents.append(replace(with_support, attribution=attribution, side=attribution.side))
    kept = {i.id for i in incidents}
    dissolved = sorted(set(previous) - kept - set(merged))
    transitions: list[Transition] = []
    with store.unit_of_work():
        result = store.add_or_correct(
            incidents, actor=SYSTEM, reason="re-fused with new or corrected observations", at=at
        )
        for gone, into in sorted(merged.items()):
            transitions.append(store.retire(
                RecordRef(RecordKind.INCIDENT, gone),
                successor=RecordRef(RecordKind.INCIDENT, into),
                to_state=MERGED, actor=SYSTEM, at=at,
                reason=f"its observations now belong to incident {into}",
            ))
        for gone in dissolved:
            transitions.append(store.retire(
                RecordRef(RecordKind.INCIDENT, gone), successor=None, to_state=DISSOLVED,
                actor=SYSTEM, at=at, reason="its observations were corrected into other incidents",
            ))
        steps: list[Transition] = []
        for incident in incidents:
            moves = store.transitions(RecordRef(RecordKind.INCIDENT, incident.id))
            if created_at(moves) is None:
                steps.append(_creation(incident, at))
            history = workflow_moves(moves)
            if incident.corroborated and state_of(history) is IncidentState.REPORTED:
                steps.append(_corroboration(incident, history, at))
        store.add_records(steps)
        transitions += steps
    support_rows = {link.observation_id for links in support.links.values() for link in links}
    return FusionRun(
        incidents=incidents,
        observations=observations,
        fused_observations=len(sightings),
        supporting_rows=len(support_rows),
        unplaced_rows=support.unplaced,
        added=result.added,
        grown=result.corrected,
        merged=merged,
        dissolved=dissolved,
        transitions=transitions,
    )
