"""The list filters of the service, parsed and applied as pure functions.

Why the area filter is applied to the row as the caller sees it: a public caller that could
filter on exact coordinates would recover them by narrowing boxes, one request at a time;
filtering on the generalised place gives away nothing the row itself does not show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query

from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.domain.timeinterval import meets_window

#: Bounds of the time filter when only one end is given.
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def _refused(field: str, detail: str, reason: str) -> InvalidInputError:
    return InvalidInputError(
        detail, [Problem(source="request", pointer=f"query.{field}", field=field, reason=reason)]
    )


def time_window(
    start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime] | None:
    """The half-open interval [start, end) to overlap, None for no time filter."""
    for name, value in (("start", start), ("end", end)):
        if value is not None and value.tzinfo is None:
            raise _refused(name, f"query parameter {name} has no time zone",
                           f"{value.isoformat()} needs a UTC offset, e.g. Z or +02:00")
    if start is None and end is None:
        return None
    low, high = start or EARLIEST, end or LATEST
    if low >= high:
        raise _refused("end", "the time filter is empty",
                       f"end {high.isoformat()} must be after start {low.isoformat()}")
    return low, high


@dataclass(frozen=True, slots=True)
class Box:
    """A longitude/latitude box, west <= lon <= east and south <= lat <= north."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lat: float | None, lon: float | None) -> bool:
        if lat is None or lon is None:
            return False  # a place known only by region name is in no box
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def parse_bbox(text: str | None) -> Box | None:
    """``west,south,east,north`` in degrees (the GeoJSON order), or None."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise _refused("bbox", "bbox is malformed",
                       f"{text[:60]!r} must be four numbers: west,south,east,north")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise _refused("bbox", "bbox is malformed",
                       f"{text[:60]!r} must be four numbers: west,south,east,north") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise _refused("bbox", "bbox is malformed", f"{text[:60]!r} has a non-finite number")
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise _refused("bbox", "bbox is out of range",
                       f"{text[:60]!r} needs -180 <= west <= east <= 180 and"
                       " -90 <= south <= north <= 90")
    return Box(west, south, east, north)


def in_box(row: dict[str, Any], box: Box | None) -> bool:
    return box is None or box.contains(row["lat"], row["lon"])



def meets(start: datetime, end: datetime, window: tuple[datetime, datetime] | None) -> bool:
    """Whether [start, end] meets `window` by the store's rule; no window, no filter."""
    return window is None or meets_window(start, end, *window)
#: The query parameters every list shares, declared once (paging, time, area).
After = Annotated[str | None, Query(max_length=400, description="Cursor: last key seen.")]
PageLimit = Annotated[int, Query(ge=1, le=1000)]
Start = Annotated[datetime | None, Query(description="Overlapping [start, end).")]
End = Annotated[datetime | None, Query()]
BBox = Annotated[str | None, Query(max_length=200, description="west,south,east,north")]
