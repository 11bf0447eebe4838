"""Findings that probably report the same event, until fusion builds incidents from them.

One strike reported by a bulletin and by two geolocated incidents is three findings; a reader
who adds them up counts one attack three times. This module does not fuse anything: it only
lists, for a reviewer, which violation and possible findings look like one event, and why.
The rule (docs/assessment.md, point 9), applied to pairs of observations:

* two points are the same place when their uncertainty discs overlap (centres no farther apart
  than the sum of the radii) and neither disc is wider than `MAX_RADIUS_M`: a disc the size of
  a province cannot say that two reports are one event;
* a region-only observation (a bulletin row) names the same place as a point whose region has
  the same name, compared case-insensitively; two region-only rows are never linked here
  (whether a regional tally repeats a headquarters row is the bulletin rule of point 1);
* their intervals overlap (an instant counts if it lies in the other's half-open interval);
* their categories are compatible: equal, or one is unspecific (`strike_unspecified`,
  `other`), or both are drones and one is `unidentified_drone`.

Linked findings are grouped transitively, so a group is what a chain of such pairs connects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from ceasefire.domain import Category, Finding, Observation, Verdict
from ceasefire.domain.timeinterval import TimeInterval, WindowOverlap

#: Uncertainty discs wider than this (a town) are too vague to put two reports in one place.
MAX_RADIUS_M = 5_000.0
#: Mean Earth radius (IUGG): a spherical distance errs by under 0.5 %, small against the
#: kilometre a geolocated site is uncertain by.
EARTH_RADIUS_M = 6_371_008.8

#: Categories that say only "something struck": compatible with any other.
UNSPECIFIC: frozenset[Category] = frozenset({Category.STRIKE_UNSPECIFIED, Category.OTHER})
DRONES: frozenset[Category] = frozenset(
    {
        Category.ONE_WAY_ATTACK_DRONE,
        Category.TACTICAL_DRONE,
        Category.RECONNAISSANCE_DRONE,
        Category.UNIDENTIFIED_DRONE,
    }
)


@dataclass(frozen=True, slots=True)
class SameEventGroup:
    """Findings of one agreement that probably report one event."""

    finding_ids: tuple[str, ...]
    """Sorted ids of the violation and possible findings in the group (two or more)."""
    reason: str
    """What linked them, quoting the places, the day and the categories, for the reviewer."""


def probable_same_events(
    findings: Sequence[Finding], observations: Mapping[str, Observation]
) -> list[SameEventGroup]:
    """Groups of violation/possible findings that probably report the same event.

    `observations` maps each finding's subject id to its observation. Groups are sorted by
    their first finding id; findings that match nothing are in no group.
    """
    chosen = sorted(
        (
            f
            for f in findings
            if f.verdict is not Verdict.NOT_COVERED and f.subject.id in observations
        ),
        key=lambda f: f.id,
    )
    parent = list(range(len(chosen)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(chosen)), 2):
        a, b = observations[chosen[i].subject.id], observations[chosen[j].subject.id]
        if probably_same_event(a, b):
            parent[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(len(chosen)):
        members.setdefault(root(i), []).append(i)
    groups = [
        _group([chosen[i] for i in indices], observations)
        for indices in members.values()
        if len(indices) > 1
    ]
    return sorted(groups, key=lambda g: g.finding_ids)


def probably_same_event(a: Observation, b: Observation) -> bool:
    """Whether two observations are close in place and time, with compatible categories."""
    return _same_place(a, b) and _overlap(a.interval, b.interval) and _compatible(a, b)


def _same_place(a: Observation, b: Observation) -> bool:
    pa, pb = a.location, b.location
    if pa.has_point and pb.has_point:
        if max(pa.uncertainty_m, pb.uncertainty_m) > MAX_RADIUS_M:
            return False
        return _distance_m(a, b) <= pa.uncertainty_m + pb.uncertainty_m
    if pa.has_point == pb.has_point:
        return False  # two region-only rows: not this rule's question
    return bool(pa.region and pb.region and pa.region.casefold() == pb.region.casefold())


def _distance_m(a: Observation, b: Observation) -> float:
    """Great-circle distance between two observations' points (haversine)."""
    lat1, lon1 = math.radians(a.location.lat or 0.0), math.radians(a.location.lon or 0.0)
    lat2, lon2 = math.radians(b.location.lat or 0.0), math.radians(b.location.lon or 0.0)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _overlap(a: TimeInterval, b: TimeInterval) -> bool:
    return (
        a.overlap_with(b) is not WindowOverlap.OUTSIDE
        or b.overlap_with(a) is not WindowOverlap.OUTSIDE
    )


def _compatible(a: Observation, b: Observation) -> bool:
    x, y = a.category, b.category
    if x == y or x in UNSPECIFIC or y in UNSPECIFIC:
        return True
    return {x, y} <= DRONES and Category.UNIDENTIFIED_DRONE in (x, y)


def _group(findings: list[Finding], observations: Mapping[str, Observation]) -> SameEventGroup:
    members = [observations[f.subject.id] for f in findings]
    places = sorted({_place(o) for o in members})
    earliest = min(o.interval.start for o in members).strftime("%Y-%m-%d %H:%MZ")
    categories = sorted({str(o.category) for o in members})
    reason = (
        f"{len(members)} reports of {', '.join(categories)} at {'; '.join(places)}, "
        f"overlapping in time (earliest start {earliest})"
    )
    return SameEventGroup(tuple(sorted(f.id for f in findings)), reason)


def _place(o: Observation) -> str:
    if o.location.lat is None or o.location.lon is None:
        return f"region {o.location.region}"
    name = f"{o.location.region} " if o.location.region else ""
    return f"{name}({o.location.lat:.3f}, {o.location.lon:.3f})"
