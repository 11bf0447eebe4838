"""Helpers shared by the geocoded event adapters (Bellingcat, CIR, UCDP)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from ceasefire.domain import Location, Side, TimeInterval
from ceasefire.geo.projection import LocalProjection
from ceasefire.ingest.deepstate import TerritoryFileError, read_geometry
from ceasefire.ingest.localtime import KYIV, MOSCOW, local_interval
from ceasefire.paths import data_dir

#: Both coordinates closer than this to 0 degrees put the point in the Gulf of Guinea, where
#: nothing of this war happened: exports write (0, 0) for "no coordinates", not a place.
NULL_ISLAND_DEG = 1.0


def _numbers(lat_text: str, lon_text: str) -> tuple[float, float]:
    try:
        lat, lon = float(lat_text), float(lon_text)
    except (TypeError, ValueError):
        raise ValueError(f"coordinates ({lat_text!r}, {lon_text!r}) are not numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"coordinates ({lat_text!r}, {lon_text!r}) are not finite")
    return lat, lon


def placeholder_reason(lat: float, lon: float) -> str | None:
    """Why these coordinates cannot be where an event happened, or None if they can be.

    Two signs of a filler rather than a place, both seen in the bundled exports: a point at
    (0, 0), and a latitude equal to its longitude (one value copied into the other: two real
    coordinates given to six decimals agree by chance about once in a million rows).
    """
    if abs(lat) < NULL_ISLAND_DEG and abs(lon) < NULL_ISLAND_DEG:
        near = f"within {NULL_ISLAND_DEG:g} degree of (0, 0)"
        return f"coordinates ({lat}, {lon}) lie {near}, the placeholder for none"
    if lat == lon:
        return f"latitude equals longitude ({lat}): one was copied into the other"
    return None


def parse_point(lat_text: str, lon_text: str, uncertainty_m: float, region: str) -> Location:
    """A point location from text coordinates; raises ValueError naming the bad value.

    A placeholder (`placeholder_reason`) is an error here: use `parse_site` to keep the record
    with its place name instead.
    """
    lat, lon = _numbers(lat_text, lon_text)
    reason = placeholder_reason(lat, lon)
    if reason is not None:
        raise ValueError(reason)
    return Location(lat=lat, lon=lon, uncertainty_m=uncertainty_m, region=region or None)


def parse_site(
    lat_text: str, lon_text: str, uncertainty_m: float, region: str
) -> tuple[Location, str | None]:
    """Like `parse_point`, but a placeholder keeps the record placed by its name alone.

    Returns the location and, when the coordinates were set aside, why (for a warning). A
    record whose coordinates are a placeholder and which names no place raises ValueError:
    it cannot be put anywhere, and the rejection says so.
    """
    lat, lon = _numbers(lat_text, lon_text)
    reason = placeholder_reason(lat, lon)
    if reason is None:
        return Location(lat=lat, lon=lon, uncertainty_m=uncertainty_m, region=region or None), None
    if not region:
        raise ValueError(f"{reason}, and the record names no place")
    return Location(region=region), f"{reason}; kept as {region!r} without a point"


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


@functools.cache
def bundled_borders() -> Borders | None:
    """The bundled outline of Ukraine, or None without it (every point is then `ELSEWHERE`,
    which widens days and attributes nothing)."""
    try:
        return Borders.of(read_geometry(data_dir() / "basemap" / "derived_ukraine_outline.geojson"))
    except TerritoryFileError:
        return None


def place_of(location: Location, borders: Borders | None) -> Place:
    if borders is None or location.lat is None or location.lon is None:
        return Place(Country.ELSEWHERE, 0.0)
    return borders.place(location.lat, location.lon)


def place_interval(start_text: str, end_text: str, place: Place) -> TimeInterval:
    """The UTC interval of a date-only geocoded record, in the local calendar of its place.

    Russia keeps Moscow time. Ukraine keeps Kyiv time by law, but the occupied areas were
    moved to Moscow time and a report from there may be dated by Moscow's calendar; the
    adapter cannot tell where the front ran that day, so a point in Ukraine (or anywhere
    else) covers the Kyiv day and the Moscow day together: Moscow's midnight is the earlier
    start, Kyiv's the later end (one hour apart in winter, none in summer).
    """
    moscow = local_interval(start_text, end_text, MOSCOW)
    if place.country is Country.RUSSIA:
        return moscow
    kyiv = local_interval(start_text, end_text, KYIV)
    return TimeInterval(min(kyiv.start, moscow.start), max(kyiv.end, moscow.end), kyiv.precision)


def attribution(place: Place) -> tuple[Side, str]:
    """The side a civilian-harm record with no perpetrator field can be attributed to.

    Only a strike deep in Russia is attributed (to Ukraine, the only party striking there);
    anywhere in Ukraine, near the border in Russia, or elsewhere, the data cannot decide.
    Returns the side and the words that say why, for the record's extras.
    """
    km = place.beyond_border_m / 1000
    if place.country is Country.RUSSIA and place.beyond_border_m >= CONTESTED_BAND_M:
        return Side.UA, f"place: in Russia, {km:.0f} km beyond Ukraine's border"
    if place.country is Country.RUSSIA:
        return Side.UNKNOWN, (
            f"not attributed: in Russia but {km:.0f} km from Ukraine's border, where both "
            "sides fought"
        )
    return Side.UNKNOWN, f"not attributed: the source names no perpetrator ({place.country})"
