"""Sightings as columns of numbers, sorted by id: what the vectorised core works on.

A million `Sighting` objects cost a second to walk; the candidate search, the components and
the CSV command work on arrays instead. Rows are sorted by observation id, so every index-based
tie-break (the spanning tree, the smallest member) is a function of the set of sightings, not
of the order they arrived in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ceasefire.fusion.gates import CATEGORY_CODE, PRECISIONS, TOLERANCE_BY_CODE
from ceasefire.fusion.model import Sighting

_PRECISION_CODE = {p: i for i, p in enumerate(PRECISIONS)}


@dataclass(frozen=True, slots=True)
class Columns:
    """One row per sighting, sorted by `ids`; times in seconds since the Unix epoch (UTC)."""

    ids: Sequence[str]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    radius: NDArray[np.float64]
    start: NDArray[np.float64]
    end: NDArray[np.float64]
    category: NDArray[np.int8]
    precision: NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def tolerance(self) -> NDArray[np.float64]:
        """Each row's time tolerance (seconds), by its precision."""
        return np.asarray(TOLERANCE_BY_CODE[self.precision])


def from_sightings(sightings: Sequence[Sighting]) -> Columns:
    """Columns of `sightings`, which must already be sorted by id with no id repeated."""
    return Columns(
        ids=[s.id for s in sightings],
        lat=np.array([s.lat for s in sightings], dtype=np.float64),
        lon=np.array([s.lon for s in sightings], dtype=np.float64),
        radius=np.array([s.radius_m for s in sightings], dtype=np.float64),
        start=np.array([s.start.timestamp() for s in sightings], dtype=np.float64),
        end=np.array([s.end.timestamp() for s in sightings], dtype=np.float64),
        category=np.array([CATEGORY_CODE[s.category] for s in sightings], dtype=np.int8),
        precision=np.array([_PRECISION_CODE[s.precision] for s in sightings], dtype=np.int8),
    )


def sorted_by_id(columns: Columns) -> Columns:
    """The same rows reordered by id (for callers that gathered them in arrival order)."""
    order = sorted(range(len(columns.ids)), key=columns.ids.__getitem__)
    idx = np.asarray(order, dtype=np.int64)
    return Columns(
        ids=[columns.ids[k] for k in order],
        lat=columns.lat[idx],
        lon=columns.lon[idx],
        radius=columns.radius[idx],
        start=columns.start[idx],
        end=columns.end[idx],
        category=columns.category[idx],
        precision=columns.precision[idx],
    )
