"""Oblasts: which one a point lies in, and which ones a bulletin's region names.

Air Force bulletins locate a night's attacks by region — "south", "Odesa oblast",
"Dnipropetrovsk oblast, Kryvyi Rih Raion", "Kyiv", or the whole of "Ukraine" — never by point.
Linking a bulletin row to the geolocated incidents it may include needs both sides in one
vocabulary: the 27 first-level units of Ukraine (24 oblasts, Crimea, Kyiv city, Sevastopol)
by their English names.

The air commands' areas (`AIR_COMMAND_AREAS`) are an approximation from public statements,
drawn generously: a bulletin row only *supports* an incident, so naming an oblast too many
links a bulletin as possible support, while naming one too few would hide support that exists.
A region text this module cannot read gives None, and the caller says so instead of guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

ALL_UNITS: frozenset[str] = frozenset(
    {
        "Cherkasy", "Chernihiv", "Chernivtsi", "Crimea", "Dnipropetrovsk", "Donetsk",
        "Ivano-Frankivsk", "Kharkiv", "Kherson", "Khmelnytskyi", "Kirovohrad", "Kyiv",
        "Kyiv city", "Luhansk", "Lviv", "Mykolaiv", "Odesa", "Poltava", "Rivne", "Sevastopol",
        "Sumy", "Ternopil", "Volyn", "Vinnytsia", "Zakarpattia", "Zaporizhzhia", "Zhytomyr",
    }
)  # fmt: skip

#: Regions of the air commands (and the points of the compass the bulletins use for them).
AIR_COMMAND_AREAS: Mapping[str, frozenset[str]] = {
    "south": frozenset(
        {"Odesa", "Mykolaiv", "Kherson", "Zaporizhzhia", "Crimea", "Sevastopol", "Kirovohrad"}
    ),
    "east": frozenset(
        {"Kharkiv", "Donetsk", "Luhansk", "Dnipropetrovsk", "Zaporizhzhia", "Poltava", "Sumy"}
    ),
    "west": frozenset(
        {"Lviv", "Volyn", "Rivne", "Ternopil", "Ivano-Frankivsk", "Zakarpattia", "Chernivtsi",
         "Khmelnytskyi"}
    ),
    "north": frozenset({"Kyiv", "Kyiv city", "Chernihiv", "Sumy", "Zhytomyr"}),
    "center": frozenset(
        {"Kyiv", "Kyiv city", "Zhytomyr", "Vinnytsia", "Cherkasy", "Kirovohrad", "Poltava",
         "Chernihiv"}
    ),
}
AIR_COMMAND_AREAS = {
    **AIR_COMMAND_AREAS,
    "centre": AIR_COMMAND_AREAS["center"],
    "south-east": AIR_COMMAND_AREAS["south"] | AIR_COMMAND_AREAS["east"],
    "north-east": AIR_COMMAND_AREAS["north"] | AIR_COMMAND_AREAS["east"],
}

#: Places the bulletins name that are not units themselves -> the unit they lie in.
PLACES: Mapping[str, frozenset[str]] = {
    "kyiv": frozenset({"Kyiv city", "Kyiv"}),
    "dnipro": frozenset({"Dnipropetrovsk"}),
    "kryvyi rih": frozenset({"Dnipropetrovsk"}),
    "snake island": frozenset({"Odesa"}),
    "starokostiantyniv": frozenset({"Khmelnytskyi"}),
    "kramatorsk": frozenset({"Donetsk"}),
    "kolomyia": frozenset({"Ivano-Frankivsk"}),
    "ochakiv": frozenset({"Mykolaiv"}),
    "black sea": frozenset(),
}

#: Spellings the bulletins use that differ from the units' English names.
_ALIASES = {"lutsk": "Volyn", "dnipropetrovska": "Dnipropetrovsk", "zaporizhia": "Zaporizhzhia"}
_BY_LOWER = {name.lower(): name for name in ALL_UNITS}


def units_named(region: str) -> frozenset[str] | None:
    """The units a bulletin's region text covers, or None when a part cannot be read.

    "Ukraine" is the whole country; parts joined by "and" or "," are each read; an oblast's
    raion counts as the oblast; a city as its oblast.
    """
    text = region.strip().lower()
    if not text:
        return None
    if text in {"ukraine", "all of ukraine"}:
        return ALL_UNITS
    found: set[str] = set()
    for raw in re.split(r"\band\b|,|;", text):
        part = re.sub(r"\(.*?\)", "", raw).strip()
        if not part or part.endswith(" raion") or part.endswith(" district"):
            continue
        unit = re.sub(r"\s+(oblast|region)$", "", part).strip()
        if unit != part and unit in _BY_LOWER:  # "Kyiv oblast" is the oblast, not the city
            found.add(_BY_LOWER[unit])
            continue
        part = re.sub(r"\s+city$", "", unit)
        if part in AIR_COMMAND_AREAS:
            found |= AIR_COMMAND_AREAS[part]
        elif part in PLACES:
            found |= PLACES[part]
        elif part in _BY_LOWER:
            found.add(_BY_LOWER[part])
        elif part in _ALIASES:
            found.add(_ALIASES[part])
        else:
            return None
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Oblasts:
    """The first-level units of Ukraine as polygons, for point-in-unit lookups."""

    names: tuple[str, ...]
    shapes: tuple[BaseGeometry, ...]

    def __post_init__(self) -> None:
        for geometry in self.shapes:
            shapely.prepare(geometry)

    def unit_of(self, lat: float, lon: float) -> str | None:
        """The unit a point lies in; None at sea or abroad (the map is simplified by ~500 m,
        so a point on a coast or a border can fall either way)."""
        point = Point(lon, lat)
        for name, geometry in zip(self.names, self.shapes, strict=True):
            if geometry.contains(point):
                return name
        return None


def load_oblasts(path: Path) -> Oblasts:
    """Read the bundled `derived_ukraine_oblasts.geojson` (see scripts/derive_oblasts.py)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    features = document["features"]
    return Oblasts(
        tuple(f["properties"]["name"] for f in features),
        tuple(shape(f["geometry"]) for f in features),
    )
