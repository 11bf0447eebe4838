"""Response bodies of the dashboard's map routes (`api/routes/maps.py`), for the schema."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ceasefire.dashboard.grid import MapPoint


class MapCell(BaseModel):
    key: str
    lat: float
    lon: float
    count: int
    states: dict[str, int]
    verdicts: dict[str, int]
    bounds: list[float]


class MapIncidents(BaseModel):
    total: int
    """Incidents in view that match the filters (points or cells hold them all)."""
    mode: str
    """``points`` when few, ``cells`` when aggregated."""
    points: list[MapPoint]
    cells: list[MapCell]
    unplaced: int
    """Matching incidents known only by a region name: on no map, counted here."""
    days: dict[str, int]
    """Matching incidents per day, whatever day is selected: the timeline."""
    facets: dict[str, dict[str, int]]
    """What the caller may see, counted by source, oblast, category and state."""


class MapDays(BaseModel):
    maps: list[date]
    """Days with a DeepState map: a line of contact can be drawn for them."""
