"""Stored observations to fusion's input, and fusion's output to incident records (pure).

Only observations with a point are fused: a region-only row (an Air Force bulletin's tally
for "south") says nothing about where one event was, so it becomes supporting evidence
(`supporting.link_supporting`) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ceasefire.domain import (
    Attribution,
    Incident,
    Location,
    Observation,
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
        links=fused.joins,
        sources=fused.sources,
        supporting=tuple(supporting),
    )
