"""DeepState occupied-territory maps: one GeoJSON FeatureCollection per day (WGS84)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ceasefire.domain.errors import InvalidInputError
from ceasefire.safe_files import InputFileError, InputKind, parse_json, read_text

_DATE_IN_NAME = re.compile(r"(\d{4})(\d{2})(\d{2})")


class TerritoryFileError(InvalidInputError):
    """A territory file is missing, unreadable, or holds no usable polygon."""


@dataclass(frozen=True, slots=True)
class TerritorySnapshot:
    valid_on: date | None
    geometry: BaseGeometry
    path: str


_AREAS = ("Polygon", "MultiPolygon")
_ANY = (*_AREAS, "LineString", "MultiLineString", "Point", "MultiPoint")


def read_polygons(path: Path) -> BaseGeometry:
    """The union of every (multi)polygon feature in a GeoJSON file, repaired if invalid."""
    return read_geometry(path, _AREAS)


def read_geometry(path: Path, kinds: tuple[str, ...] = _ANY) -> BaseGeometry:
    """The union of every feature of the given geometry types in a GeoJSON file."""
    try:
        document = parse_json(read_text(path, InputKind.GEOMETRY), str(path))
    except InputFileError as exc:  # missing, not a regular file (/dev/zero), too big, too deep
        raise TerritoryFileError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise TerritoryFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        if isinstance(document, dict) and "coordinates" in document:
            features = [{"geometry": document}]
        else:
            raise TerritoryFileError(f"{path}: not a GeoJSON FeatureCollection or geometry")
    polygons: list[BaseGeometry] = []
    for index, feature in enumerate(features):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not geometry:
            continue
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, AttributeError) as exc:
            raise TerritoryFileError(f"{path}: feature {index}: bad geometry: {exc}") from None
        if geom.geom_type in kinds:
            polygons.append(shapely.make_valid(geom) if not geom.is_valid else geom)
    if not polygons:
        raise TerritoryFileError(f"{path}: no {' or '.join(kinds)} features")
    return shapely.union_all(polygons)


def read_territory(path: Path) -> TerritorySnapshot:
    """Occupied territory on the day the file's name gives (deepstatemap_data_YYYYMMDD)."""
    match = _DATE_IN_NAME.search(path.name)
    valid_on = date(*(int(g) for g in match.groups())) if match else None
    return TerritorySnapshot(valid_on, read_polygons(path), str(path))
