"""The occupied-territory map of one day, ready to place points: who held the ground there and
how far it is from the line of contact.

Built from values (the occupied area and Ukraine's outline, both WGS84), so attribution can
be tested and replayed without files; `territory_maps` is the edge that reads them. The line
of contact is derived the one way the project derives it (`geo.lines.derive_line_of_contact`):
the occupied area's edge that runs on land, inside the country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from ceasefire.domain import TimeInterval
from ceasefire.geo.borders import Borders, Country
from ceasefire.geo.lines import DEFAULT_BORDER_TOLERANCE_M, derive_line_of_contact
from ceasefire.geo.projection import LocalProjection

#: The calendar a map's date is read in: DeepState dates its maps by Kyiv's day.
KYIV = ZoneInfo("Europe/Kyiv")


def map_day(interval: TimeInterval) -> date:
    """The day whose map an incident is placed on: Kyiv's date at the middle of its interval.

    The middle, not the start: a date-only report covers its Kyiv and Moscow days together
    (`ingest.geocoded.place_interval`), which starts an hour before Kyiv's midnight in
    winter; its middle falls on the reported day in every season.
    """
    middle = interval.start + (interval.end - interval.start) / 2
    return middle.astimezone(KYIV).date()


class Ground(StrEnum):
    """Who held the ground at a point on the map's day."""

    UKRAINE = "Ukrainian-held territory"
    OCCUPIED = "occupied territory"
    RUSSIA = "Russia"
    BORDER = "at Ukraine's border"
    ELSEWHERE = "outside Ukraine and western Russia"


@dataclass(frozen=True, slots=True)
class Placement:
    """A point placed on a map."""

    ground: Ground
    to_line_m: float
    """Distance to the line of contact (infinite when the map has no line)."""
    beyond_border_m: float
    """How far outside Ukraine's outline (0 inside)."""


@dataclass(frozen=True)
class TerritoryMap:
    """The occupied area on `valid_on`, Ukraine's outline and the line of contact between."""

    valid_on: date
    occupied: BaseGeometry
    """WGS84 (Multi)Polygon: the area Russia occupied that day."""
    country: BaseGeometry
    """WGS84 outline of Ukraine, Crimea included."""
    line: BaseGeometry
    """WGS84 (Multi)LineString derived from the two above."""
    source: str
    """Where the map came from (a file name), quoted in the reasons."""
    projection: LocalProjection = field(compare=False)
    _occupied: PreparedGeometry = field(compare=False, repr=False)
    _line_m: BaseGeometry = field(compare=False, repr=False)
    _borders: Borders = field(compare=False, repr=False)

    @classmethod
    def of(
        cls,
        valid_on: date,
        occupied: BaseGeometry,
        country: BaseGeometry,
        source: str,
        border_tolerance_m: float = DEFAULT_BORDER_TOLERANCE_M,
    ) -> TerritoryMap:
        """Derive the line of contact and project once, to place many points cheaply."""
        projection = LocalProjection.centred_on(country)
        line = derive_line_of_contact(occupied, country, projection, border_tolerance_m)
        return cls(
            valid_on=valid_on,
            occupied=occupied,
            country=country,
            line=line,
            source=source,
            projection=projection,
            _occupied=prep(occupied),
            _line_m=projection.to_metres(line),
            _borders=Borders.of(country),
        )

    def place(self, lat: float, lon: float) -> Placement:
        """Who held the point's ground and how far it lies from the line and the border."""
        x, y = self.projection.points_to_metres(np.array([lon]), np.array([lat]))
        here = Point(float(x[0]), float(y[0]))
        to_line = float(self._line_m.distance(here)) if not self._line_m.is_empty else np.inf
        if self._occupied.contains(Point(lon, lat)):
            return Placement(Ground.OCCUPIED, to_line, 0.0)
        where = self._borders.place(lat, lon)
        ground = {
            Country.UKRAINE: Ground.UKRAINE,
            Country.BORDER: Ground.BORDER,
            Country.RUSSIA: Ground.RUSSIA,
            Country.ELSEWHERE: Ground.ELSEWHERE,
        }[where.country]
        return Placement(ground, to_line, where.beyond_border_m)


