"""From a partition to incidents that explain themselves: joins, sources, place, time, category.

The joins are the edges of one spanning tree per incident, chosen so that it depends only on
the set of sightings: the minimum spanning tree when edges are ranked by (distance, smaller id,
larger id), a strict order, so the tree is unique. Each member but the smallest joins its
parent on the path towards the smallest member. Only these n - 1 edges are explained, so the
cost is linear in the sightings whatever the number of candidate pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

from ceasefire.domain.taxonomy import HOSTILE_ACTS, Category
from ceasefire.domain.timeinterval import TimePrecision
from ceasefire.fusion.columns import Columns
from ceasefire.fusion.gates import (
    CATEGORIES,
    DRONES,
    UNSPECIFIC,
    categories_compatible,
    distance_m,
    gap_s,
    reach_m,
)
from ceasefire.fusion.independence import source_groups
from ceasefire.fusion.model import FusedIncident, Join, Sighting, SourceGroup

IntArray = NDArray[np.int64]

#: The most one source can add to confidence: a single report, however precise, may be wrong
#: (a misdated post, a misread crater) and needs corroboration to go higher.
SOURCE_WEIGHT = 0.6
#: A radius at which a report's location counts half as much (a town's extent).
HALF_QUALITY_RADIUS_M = 5_000.0
#: How much a report's dating counts, by precision.
PRECISION_QUALITY: MappingProxyType[TimePrecision, float] = MappingProxyType(
    {
        TimePrecision.MINUTE: 1.0,
        TimePrecision.HOUR: 0.9,
        TimePrecision.DAY: 0.7,
        TimePrecision.WEEK: 0.5,
        TimePrecision.MONTH: 0.3,
        TimePrecision.YEAR: 0.2,
    }
)
#: Radii below this weigh no more than it in the fused centre (a stated 0 m is not infinite
#: precision).
MIN_WEIGHT_RADIUS_M = 10.0

#: Specificity order for the incident's category: a named category, then "a drone", then
#: "a strike", then "something".
_GENERIC_RANK = {Category.UNIDENTIFIED_DRONE: 1, Category.STRIKE_UNSPECIFIED: 0, Category.OTHER: -1}


def spanning_parents(n: int, edges: IntArray, columns: Columns, roots: IntArray) -> IntArray:
    """Each row's parent in its incident's spanning tree; -1 for each incident's smallest row."""
    parent = np.full(n, -1, dtype=np.int64)
    if len(edges) == 0:
        return parent
    i, j = edges[:, 0], edges[:, 1]
    d = distance_m(columns.lat[i], columns.lon[i], columns.lat[j], columns.lon[j])
    rank = np.empty(len(edges), dtype=np.float64)
    rank[np.lexsort((j, i, d))] = np.arange(1, len(edges) + 1, dtype=np.float64)
    tree = minimum_spanning_tree(coo_matrix((rank, (i, j)), shape=(n, n)).tocsr()).tocoo()
    # One breadth-first walk from a virtual root linked to every incident's smallest row orients
    # every tree at once (the path to the root in a tree is unique, so the walk order is moot).
    hub = n
    rows = np.concatenate([tree.row, np.full(len(roots), hub)])
    cols = np.concatenate([tree.col, roots])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1)).tocsr()
    _, pred = breadth_first_order(graph, hub, directed=False, return_predecessors=True)
    pred = np.asarray(pred[:n], dtype=np.int64)
    linked = (pred >= 0) & (pred != hub)
    parent[linked] = pred[linked]
    return parent


def build(
    sightings: Sequence[Sighting],
    columns: Columns,
    edges: IntArray,
    labels: IntArray,
    count: int,
    ids: Sequence[str],
) -> list[FusedIncident]:
    """Incidents of a partition; `sightings` and `columns` sorted by id, `ids` per component."""
    n = len(sightings)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    roots = order[bounds[:-1]]
    parent = spanning_parents(n, edges, columns, roots)
    joins = _joins(sightings, columns, parent)
    out = []
    for c in range(count):
        rows = order[bounds[c] : bounds[c + 1]].tolist()
        members = [sightings[k] for k in rows]
        out.append(_incident(ids[c], members, [joins[k] for k in rows if parent[k] >= 0]))
    return sorted(out, key=lambda inc: inc.id)


def _joins(sightings: Sequence[Sighting], columns: Columns, parent: IntArray) -> dict[int, Join]:
    child = np.flatnonzero(parent >= 0)
    par = parent[child]
    c = columns
    d = distance_m(c.lat[child], c.lon[child], c.lat[par], c.lon[par]).tolist()
    reach = reach_m(c.radius[child], c.radius[par]).tolist()
    gap = gap_s(c.start[child], c.end[child], c.start[par], c.end[par]).tolist()
    tol = (c.tolerance[child] + c.tolerance[par]).tolist()
    out: dict[int, Join] = {}
    for k, (v, p) in enumerate(zip(child.tolist(), par.tolist(), strict=True)):
        a, b = sightings[v], sightings[p]
        pair = (str(a.category), str(b.category))
        out[v] = Join(a.id, b.id, d[k], reach[k], gap[k], tol[k], pair)
    return out


def _incident(id_: str, members: list[Sighting], joins: list[Join]) -> FusedIncident:
    groups = source_groups(members)
    start, end = _time(members)
    lat, lon, radius = _place(members)
    return FusedIncident(
        id=id_,
        observation_ids=tuple(s.id for s in members),
        joins=tuple(joins),
        sources=groups,
        independent_sources=len(groups),
        start=start,
        end=end,
        lat=lat,
        lon=lon,
        radius_m=radius,
        category=fused_category([s.category for s in members]),
        confidence=confidence(members, groups),
    )


def _time(members: list[Sighting]) -> tuple[datetime, datetime]:
    """The intersection of the intervals when it is not empty, else their hull."""
    latest_start = max(s.start for s in members)
    earliest_end = min(s.end for s in members)
    if latest_start <= earliest_end:
        return latest_start.astimezone(UTC), earliest_end.astimezone(UTC)
    return min(s.start for s in members).astimezone(UTC), max(s.end for s in members)


def _place(members: list[Sighting]) -> tuple[float, float, float]:
    """Precision-weighted centre (weights 1 / r^2, on the sphere) and the smallest radius about
    it that still holds one member's whole disc."""
    lat = np.radians(np.array([s.lat for s in members]))
    lon = np.radians(np.array([s.lon for s in members]))
    r = np.array([s.radius_m for s in members])
    w = 1.0 / np.maximum(r, MIN_WEIGHT_RADIUS_M) ** 2
    x = float(np.sum(w * np.cos(lat) * np.cos(lon)))
    y = float(np.sum(w * np.cos(lat) * np.sin(lon)))
    z = float(np.sum(w * np.sin(lat)))
    if len(members) == 1:
        return members[0].lat, members[0].lon, members[0].radius_m
    c_lat = float(np.degrees(np.arctan2(z, np.hypot(x, y))))
    c_lon = float(np.degrees(np.arctan2(y, x)))
    d = distance_m(np.full(len(r), c_lat), np.full(len(r), c_lon), np.degrees(lat), np.degrees(lon))
    return c_lat, c_lon, float(np.min(d + r))


def fused_category(categories: Sequence[Category]) -> Category:
    """The most specific category compatible with every member (docs/fusion.md)."""
    present = set(categories)
    fits = [c for c in present if all(categories_compatible(c, m) for m in present)]
    specific = [c for c in fits if c not in _GENERIC_RANK]
    if specific:
        return min(specific, key=CATEGORIES.index)  # at most one: specifics are incompatible
    if all(categories_compatible(Category.UNIDENTIFIED_DRONE, m) for m in present) and (
        present & DRONES
    ):
        return Category.UNIDENTIFIED_DRONE
    if present <= HOSTILE_ACTS | UNSPECIFIC and present - {Category.OTHER}:
        return Category.STRIKE_UNSPECIFIED
    return Category.OTHER


def quality(s: Sighting) -> float:
    """How much one report says: `SOURCE_WEIGHT`, scaled down with its radius and dating."""
    spatial = 1.0 / (1.0 + s.radius_m / HALF_QUALITY_RADIUS_M)
    return SOURCE_WEIGHT * spatial * PRECISION_QUALITY[s.precision]


def confidence(members: Sequence[Sighting], groups: Sequence[SourceGroup]) -> float:
    """``1 - prod(1 - q_g)``: q_g the best member quality of each independent source, so a
    second independent source raises confidence and a republication of the same one does not.
    """
    by_id = {s.id: s for s in members}
    doubt = 1.0
    for g in groups:
        doubt *= 1.0 - max(quality(by_id[i]) for i in g.observation_ids)
    return 1.0 - doubt
