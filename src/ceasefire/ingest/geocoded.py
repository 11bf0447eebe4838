"""Helpers shared by the geocoded event adapters (Bellingcat, CIR, UCDP).

Where a point lies against the border is `geo.borders`; this module reads the bundled outline
and applies it to dates and attribution.
"""

from __future__ import annotations

import functools
import math

from ceasefire.domain import Location, Side, TimeInterval
from ceasefire.geo.borders import CONTESTED_BAND_M, Borders, Country, Place
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


@functools.cache
def bundled_borders() -> Borders | None:
    """The bundled outline of Ukraine, or None without it (every point is then `ELSEWHERE`,
    which widens days and attributes nothing)."""
    try:
        return Borders.of(read_geometry(data_dir() / "basemap" / "derived_ukraine_outline.geojson"))
    except TerritoryFileError:
        return None


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
