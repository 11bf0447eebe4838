"""The edge that reads territory maps from disk for attribution (the rest of `verify` reads no
files).

The map of the day: the DeepState file named ``deepstatemap_data_YYYYMMDD.geojson`` for
exactly the incident's day (`territory.map_day`), with no tolerance. A neighbouring day's map
would usually be close, but it is a different claim about where the front ran, and near the
front a day matters; a missing day is reported as missing (the attribution says "no map for
that day"), never silently filled, so every party that replays an attribution uses the same
map and gets the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from ceasefire.ingest.deepstate import read_polygons, read_territory
from ceasefire.paths import data_dir
from ceasefire.verify.territory import TerritoryMap


def map_file(directory: Path, day: date) -> Path:
    return directory / f"deepstatemap_data_{day:%Y%m%d}.geojson"


def bundled_maps_dir() -> Path:
    return data_dir() / "deepstate" / "daily"


def bundled_outline() -> Path:
    return data_dir() / "basemap" / "derived_ukraine_outline.geojson"


def load_territory_map(
    directory: Path, day: date, outline: Path | None = None
) -> TerritoryMap | None:
    """The map of `day` from `directory`, or None when there is no file for that day.

    A file that exists but cannot be read is an error (`TerritoryFileError`, naming it), not
    a missing map: silently attributing nothing would hide a broken data set.
    """
    return TerritoryMaps(directory, outline).on(day)


@dataclass
class TerritoryMaps:
    """Maps of many days from one directory, each read and derived once (about 0.2 s each)."""

    directory: Path
    outline: Path | None = None
    _country: BaseGeometry | None = field(default=None, repr=False)
    _maps: dict[date, TerritoryMap | None] = field(default_factory=dict, repr=False)

    def on(self, day: date) -> TerritoryMap | None:
        if day not in self._maps:
            path = map_file(self.directory, day)
            if not path.exists():
                self._maps[day] = None
            else:
                if self._country is None:
                    self._country = read_polygons(self.outline or bundled_outline())
                snapshot = read_territory(path)
                self._maps[day] = TerritoryMap.of(day, snapshot.geometry, self._country, path.name)
        return self._maps[day]
