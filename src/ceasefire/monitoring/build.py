"""Stored observations to fusion's input, and fusion's output to incident records (pure).

Only observations with a point are fused: a region-only row (an Air Force bulletin's tally
for "south") says nothing about where one event was, so it becomes supporting evidence
(`supporting.link_supporting`) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ceasefire.domain import (
    Attribution,
    FusionLink,
    Incident,
    Location,
    Observation,
    SourceGroup,
    SupportingLink,
    TimeInterval,
    TimePrecision,
)
from ceasefire.fusion.model import FusedIncident, Sighting
from ceasefire.monitoring.origins import origin_keys

#: Finest first: an incident is dated as finely as its finest member, because the fused
#: interval lies within that member's (docs/fusion.md).
_FINEST_FIRST = list(TimePrecision)

Attributor = Callable[[Incident, Sequence[Observation]], Attribution]
"""Decides an incident's side from the incident and its observations (supporting rows
included); `verify.attribution` provides the real one."""


def sighting_of(o: Observation) -> Sighting | None:
    """Fusion's view of an observation, or None when it has no point to fuse on."""
    loc = o.location
    if loc.lat is None or loc.lon is None:
        return None
    return Sighting(
        id=o.id,
        source=o.source,
        start=o.interval.start,
        end=o.interval.end,
        lat=loc.lat,
        lon=loc.lon,
        radius_m=loc.uncertainty_m,
        category=o.category,
        precision=o.interval.precision,
        origin_keys=origin_keys(o),
    )


def incident_of(
    fused: FusedIncident,
    members: Mapping[str, Observation],
    supporting: Sequence[SupportingLink],
    region: str | None,
) -> Incident:
    """The incident record of one fused group (attribution is added afterwards)."""
    precision = min(
        (members[i].interval.precision for i in fused.observation_ids),
        key=_FINEST_FIRST.index,
    )
    return Incident(
        id=fused.id,
        observation_ids=fused.observation_ids,
        interval=TimeInterval(fused.start, fused.end, precision),
        location=Location(fused.lat, fused.lon, fused.radius_m, region),
        category=fused.category,
        confidence=fused.confidence,
        independent_sources=fused.independent_sources,
        links=tuple(
            FusionLink(j.observation_id, j.partner_id, j.distance_m, j.reach_m, j.gap_s,
                       j.tolerance_s, j.categories)
            for j in fused.joins
        ),
        sources=tuple(SourceGroup(g.observation_ids, g.sources, g.reason) for g in fused.sources),
        supporting=tuple(supporting),
    )
