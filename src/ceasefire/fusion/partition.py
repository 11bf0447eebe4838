"""Incidents as connected components of the candidate graph, and the id rule.

Connected components do not depend on the order edges are found in, so any order of arrival
gives the same partition; the ids then depend only on the members (docs/fusion.md, "The id
rule").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

IntArray = NDArray[np.int64]


def fresh_id(smallest_member: str) -> str:
    """A new incident's id: ``inc-`` and the first 16 hex digits of SHA-256 of its smallest
    member id, so the same members give the same id on every machine and in every run."""
    return "inc-" + hashlib.sha256(smallest_member.encode("utf-8")).hexdigest()[:16]


def components(n: int, edges: IntArray) -> tuple[int, IntArray]:
    """(count, label per row) of the graph on `n` rows with `edges` ((m, 2) row pairs).

    Labels are renumbered in order of each component's smallest row, so rows sorted by id give
    components numbered by their smallest member.
    """
    graph = coo_matrix(
        (np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n)
    ).tocsr()
    count, raw = connected_components(graph, directed=False)
    first = np.full(count, n, dtype=np.int64)
    np.minimum.at(first, raw, np.arange(n, dtype=np.int64))
    rank = np.empty(count, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(count, dtype=np.int64)
    return int(count), np.asarray(rank[raw], dtype=np.int64)


def smallest_members(labels: IntArray, count: int) -> IntArray:
    """The smallest row of each component (rows sorted by id: its smallest member)."""
    first = np.full(count, len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels), dtype=np.int64))
    return first


def fresh_ids(ids: Sequence[str], labels: IntArray, count: int) -> list[str]:
    """The id of every component by the id rule (`fresh_id` of its smallest member)."""
    return [fresh_id(ids[k]) for k in smallest_members(labels, count).tolist()]
