"""Where a point lies relative to Ukraine's border: inside, at it, in Russia, or elsewhere.

Why apart from the adapters that first needed it: the geocoded adapters date and attribute
records by it, and the verification of incidents attributes by the same border and the same
contested band; one definition keeps both readings of "near the border" identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from ceasefire.domain import Location
from ceasefire.geo.projection import LocalProjection


class Country(StrEnum):
    """Where a geocoded point lies, as far as the bundled outline of Ukraine can tell."""

    UKRAINE = "Ukraine"  # inside Ukraine's borders (Crimea and occupied areas included)
    BORDER = "at Ukraine's border"  # just outside the outline: the country cannot be told
    RUSSIA = "Russia"
    ELSEWHERE = "elsewhere"  # another country, the sea, or no outline to decide with


#: A point this close outside the outline is `BORDER`, not another country: the outline is
#: simplified by about 100 m and stops at the coast, so ports, bridges and border villages
#: fall just outside it.
BORDER_SLACK_M = 2_000.0

#: Within this distance of Ukraine's border, a strike in Russia may have been either side's:
#: Ukrainian forces held ground in Kursk oblast (Aug 2024 - Mar 2025) and crossed into
#: Belgorod oblast (Mar 2025), and Russia struck them there (docs/assessment.md, point 5).
CONTESTED_BAND_M = 30_000.0


def _in_western_russia(lat: float, lon: float) -> bool:
    """The part of Russia that borders Ukraine, as a coarse box: east of Belarus (whose
    easternmost point is at 32.78 E; south of the Belarus-Russia-Ukraine tripoint at 52.37 N,
    31.78 E is enough), north of the Caucasus states, west of Kazakhstan. A point outside
    Ukraine and outside this box is `ELSEWHERE`, never guessed to be Russia."""
    east_of_belarus = lon >= 32.78 or (lon >= 31.78 and lat <= 52.37)
    return east_of_belarus and 44.0 <= lat <= 70.0 and lon <= 46.0


@dataclass(frozen=True)
class Place:
    """A point's country and how far beyond Ukraine's border it lies (0 inside)."""

    country: Country
    beyond_border_m: float


@dataclass(frozen=True)
class Borders:
    """Ukraine's outline, projected once, to place many points."""

    outline: PreparedGeometry
    boundary_m: BaseGeometry
    projection: LocalProjection

    @classmethod
    def of(cls, outline: BaseGeometry) -> Borders:
        projection = LocalProjection.centred_on(outline)
        return cls(prep(outline), projection.to_metres(outline).boundary, projection)

    def place(self, lat: float, lon: float) -> Place:
        if self.outline.contains(Point(lon, lat)):
            return Place(Country.UKRAINE, 0.0)
        x, y = self.projection.points_to_metres(np.array([lon]), np.array([lat]))
        beyond = float(self.boundary_m.distance(Point(float(x[0]), float(y[0]))))
        if beyond <= BORDER_SLACK_M:
            return Place(Country.BORDER, beyond)
        russia = _in_western_russia(lat, lon)
        return Place(Country.RUSSIA if russia else Country.ELSEWHERE, beyond)


def place_of(location: Location, borders: Borders | None) -> Place:
    if borders is None or location.lat is None or location.lon is None:
        return Place(Country.ELSEWHERE, 0.0)
    return borders.place(location.lat, location.lon)
