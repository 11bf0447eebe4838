"""The entry points: fuse a set of sightings, re-fuse against stored incidents, or stream.

All three find the same candidate edges (`candidates.candidate_edges`) and build incidents the
same way (`incidents.build`), so streaming one sighting at a time gives exactly the batch
result, ids included. Only `refuse` differs, on purpose: it keeps the ids already stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ceasefire.fusion.candidates import candidate_edges
from ceasefire.fusion.columns import from_sightings
from ceasefire.fusion.incidents import build
from ceasefire.fusion.model import FusedIncident, Sighting
from ceasefire.fusion.partition import IntArray, components, fresh_id, fresh_ids


def _latest(sightings: Iterable[Sighting]) -> list[Sighting]:
    """One sighting per id (a later one with the same id is a correction and wins), by id."""
    by_id: dict[str, Sighting] = {}
    for s in sightings:
        by_id[s.id] = s
    return [by_id[k] for k in sorted(by_id)]


def fuse(sightings: Iterable[Sighting]) -> list[FusedIncident]:
    """Incidents of `sightings`, sorted by id; each id by the id rule (docs/fusion.md)."""
    rows = _latest(sightings)
    columns = from_sightings(rows)
    edges = candidate_edges(columns)
    count, labels = components(len(rows), edges)
    return build(rows, columns, edges, labels, count, fresh_ids(columns.ids, labels, count))


def refuse(
    previous: Mapping[str, frozenset[str]], sightings: Iterable[Sighting]
) -> tuple[list[FusedIncident], dict[str, str]]:
    """Incidents of `sightings` that keep the ids of the stored incidents they contain.

    `previous` maps each stored incident id to its observation ids. A component holding members
    of stored incidents takes the smallest of their ids; the other stored ids are reported in
    the returned map as merged into it. Components are served in order of their smallest member,
    and a stored id already taken (a stored incident whose members now lie in two components,
    which adding observations alone never causes) is not given twice.
    """
    rows = _latest(sightings)
    columns = from_sightings(rows)
    edges = candidate_edges(columns)
    count, labels = components(len(rows), edges)
    ids, merged = keep_stored_ids(previous, columns.ids, labels, count)
    return build(rows, columns, edges, labels, count, ids), merged


def keep_stored_ids(
    previous: Mapping[str, frozenset[str]], row_ids: Sequence[str], labels: IntArray, count: int
) -> tuple[list[str], dict[str, str]]:
    """Component ids under the stored state, and the map merged-away id -> surviving id."""
    stored_of: dict[str, str] = {}
    for incident_id in sorted(previous):
        for obs in previous[incident_id]:
            stored_of.setdefault(obs, incident_id)
    claims: list[set[str]] = [set() for _ in range(count)]
    for row, label in enumerate(labels.tolist()):
        stored = stored_of.get(row_ids[row])
        if stored is not None:
            claims[label].add(stored)
    fresh = fresh_ids(row_ids, labels, count)
    taken: set[str] = set()
    ids: list[str] = []
    merged: dict[str, str] = {}
    for c in range(count):  # components are numbered by their smallest member
        free = sorted(claims[c] - taken)
        chosen = free[0] if free else fresh[c]
        if chosen in taken:  # a fresh id equal to a stored id given to another component
            members = sorted(row_ids[k] for k in np.flatnonzero(labels == c).tolist())
            chosen = fresh_id("\n".join(members))
        taken.add(chosen)
        ids.append(chosen)
        for other in free[1:]:
            merged[other] = chosen
    return ids, merged


class IncrementalFuser:
    """Fusion one sighting at a time, equal to `fuse` over everything added so far.

    `add` is O(1); `incidents` searches candidates only between the sightings added since the
    last call and all the others (the trees of the old ones are rebuilt: O(N log N) per call),
    and keeps the edges found so far, so edges are never searched twice. A sighting added again
    with the same id and other content is a correction: it replaces the old one and its edges
    are searched again.
    """

    def __init__(self) -> None:
        self._by_id: dict[str, Sighting] = {}
        self._edges: set[tuple[str, str]] = set()
        self._pending: set[str] = set()

    def add(self, s: Sighting) -> None:
        """Take one more sighting (or a correction of one already added)."""
        old = self._by_id.get(s.id)
        if old == s:
            return  # a re-delivery
        if old is not None:
            self._edges = {e for e in self._edges if s.id not in e}
        self._by_id[s.id] = s
        self._pending.add(s.id)

    def incidents(self) -> list[FusedIncident]:
        """The incidents of every sighting added, sorted by id (as `fuse` would give)."""
        rows = [self._by_id[k] for k in sorted(self._by_id)]
        columns = from_sightings(rows)
        if self._pending:
            fresh = np.array([s.id in self._pending for s in rows], dtype=np.bool_)
            found = candidate_edges(columns, fresh)
            self._edges.update((rows[i].id, rows[j].id) for i, j in found.tolist())
            self._pending.clear()
        index = {s.id: k for k, s in enumerate(rows)}
        pairs = sorted((index[a], index[b]) for a, b in self._edges)
        edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        count, labels = components(len(rows), edges)
        return build(rows, columns, edges, labels, count, fresh_ids(columns.ids, labels, count))
