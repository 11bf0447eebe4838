"""What fusion takes in and gives back: sightings, and incidents that explain themselves.

These are the names the store integration builds on; they carry plain values (floats, UTC
datetimes, ids) so that fusion needs nothing of the store, and every incident carries the edges
and source groups that made it, so a reviewer can check each join without re-running anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ceasefire.domain.incident import FusionLink, SourceGroup

__all__ = ["FusedIncident", "FusionLink", "Join", "Sighting", "SourceGroup"]
from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimePrecision


@dataclass(frozen=True, slots=True)
class Sighting:
    """One observation as fusion sees it.

    `origin_keys` name the original report(s) a row republishes (the URL of the original post,
    ``bulletin:<document>``): two sightings that share one are one independent source, however
    many feeds carried them. `document` names the document a row was taken from when the feed
    gives one (a bulletin's number): rows of one source without origin keys are one source only
    if they also come from the same document (or neither names one).
    """

    id: str
    source: str
    start: datetime
    end: datetime
    lat: float
    lon: float
    radius_m: float
    category: Category
    precision: TimePrecision = TimePrecision.MINUTE
    origin_keys: frozenset[str] = frozenset()
    document: str | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() != timedelta(0):
                raise ValueError(f"{name} must be a UTC-aware datetime, got {value!r}")
        if self.end < self.start:
            raise ValueError(f"sighting {self.id} ends ({self.end}) before it starts")
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"latitude {self.lat} is outside [-90, 90]")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"longitude {self.lon} is outside [-180, 180]")
        if not (math.isfinite(self.radius_m) and self.radius_m >= 0.0):
            raise ValueError(f"radius {self.radius_m} m must be finite and >= 0")


#: Why one observation joined its incident: the spanning-tree edge that connected it. The
#: domain's record of it, so that the reasoning fusion gives is the reasoning an incident keeps.
Join = FusionLink


@dataclass(frozen=True, slots=True)
class FusedIncident:
    """Observations of one event, fused (docs/fusion.md).

    `start`/`end` are the intersection of the members' intervals when it is not empty (every
    member agrees the event lies there), else their hull. `lat`/`lon` are the precision-weighted
    centre and `radius_m` the smallest disc about it that still holds one member's whole disc.
    `confidence` is ``1 - prod(1 - q)`` over the independent sources, `q` a source's best
    member quality (docs/fusion.md, "Confidence").
    """

    id: str
    observation_ids: tuple[str, ...]
    joins: tuple[Join, ...]
    sources: tuple[SourceGroup, ...]
    independent_sources: int
    start: datetime
    end: datetime
    lat: float
    lon: float
    radius_m: float
    category: Category
    confidence: float
