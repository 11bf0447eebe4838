"""Incidents on a map: points when few, grid cells when many (pure).

Why aggregate on the server: with ten thousand incidents a browser that draws one marker
each (or clusters them itself) needs seconds before the first view answers; a grid whose
cell shrinks with the zoom sends at most a few hundred cells, each with its counts by state
and verdict, and the browser draws them at once. A view with few incidents gets them one by
one, so each can be opened.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: At most this many incidents in view are sent one by one; more are aggregated.
MAX_POINTS = 400
#: Cells per 256-pixel tile side: a cell is about 64 pixels wide on screen.
CELLS_PER_TILE = 4


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One incident as the map draws it (the place already as the caller may see it)."""

    id: str
    lat: float
    lon: float
    state: str
    verdict: str
    category: str
    day: str


def cell_degrees(zoom: int) -> float:
    """Side of a grid cell in degrees at web-mercator `zoom` (0-18)."""
    return 360.0 / float(2 ** max(0, min(zoom, 18))) / CELLS_PER_TILE


def aggregate(points: Iterable[MapPoint], zoom: int) -> dict[str, Any]:
    """The incidents as ``points`` (few) or ``cells`` (many), and their total.

    A cell is placed at the mean of its incidents, not at its corner, so a cluster sits where
    its incidents are; it carries counts by state and by verdict so it can be coloured by the
    worst of them."""
    shown = list(points)
    if len(shown) <= MAX_POINTS:
        return {"total": len(shown), "mode": "points",
                "points": shown, "cells": []}
    size = cell_degrees(zoom)
    groups: dict[tuple[int, int], list[MapPoint]] = {}
    for p in shown:
        groups.setdefault((math.floor(p.lat / size), math.floor(p.lon / size)), []).append(p)
    cells = []
    for (row, col), members in sorted(groups.items()):
        cells.append({
            "key": f"{zoom}/{row}/{col}",
            "lat": sum(p.lat for p in members) / len(members),
            "lon": sum(p.lon for p in members) / len(members),
            "count": len(members),
            "states": dict(Counter(p.state for p in members)),
            "verdicts": dict(Counter(p.verdict for p in members)),
            "bounds": [col * size, row * size, (col + 1) * size, (row + 1) * size],
        })
    return {"total": len(shown), "mode": "cells", "points": [], "cells": cells}


def per_day(points: Iterable[MapPoint]) -> dict[str, int]:
    """How many incidents each day holds: the timeline's bars."""
    return dict(sorted(Counter(p.day for p in points).items()))
