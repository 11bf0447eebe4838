"""Helpers shared by the geocoded event adapters (Bellingcat, CIR, UCDP)."""

from __future__ import annotations

import math

from ceasefire.domain import Location

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
