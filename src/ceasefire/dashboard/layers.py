"""The map's fixed layers, read from the bundled files and encoded once: the basemap
(countries, oblasts), the line of contact of a day, an agreement's geography.

Why encoded bytes are kept: these documents are the same for every caller and every request
(they hold no restricted data); deriving a day's line of contact takes a fraction of a
second, encoding the basemap a few milliseconds, and both would otherwise be repeated on
every scrub of the timeline.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping

from ceasefire.domain.agreement import Agreement
from ceasefire.paths import data_dir
from ceasefire.report.geojson import agreement_geography
from ceasefire.verify.territory_maps import TerritoryMaps, bundled_maps_dir

#: Tolerance for the occupied area drawn under the line (~500 m: below a pixel at oblast zoom).
OCCUPIED_SIMPLIFY_DEGREES = 0.005
_DAILY = re.compile(r"deepstatemap_data_(\d{4})(\d{2})(\d{2})\.geojson")


def encode(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def basemap_files() -> dict[str, Path]:
    basemap = data_dir() / "basemap"
    return {"countries": basemap / "derived_countries_region.geojson",
            "oblasts": basemap / "derived_ukraine_oblasts.geojson"}


@lru_cache(maxsize=1)
def basemap() -> bytes:
    """``{"countries": FeatureCollection, "oblasts": FeatureCollection}``, as bundled."""
    return encode({name: json.loads(path.read_text(encoding="utf-8"))
                   for name, path in basemap_files().items()})


def map_days(directory: Path | None = None) -> list[date]:
    """The days that have a DeepState map, oldest first (a line of contact can be drawn)."""
    found = (_DAILY.fullmatch(p.name) for p in (directory or bundled_maps_dir()).iterdir())
    return sorted(date(int(m[1]), int(m[2]), int(m[3])) for m in found if m)


class LinesOfContact:
    """The occupied area and the line of contact of each day with a map, derived on first
    use (`verify.territory_maps`, the same derivation attribution uses) and kept encoded."""

    def __init__(self, directory: Path | None = None) -> None:
        self._maps = TerritoryMaps(directory or bundled_maps_dir())
        self._encoded: dict[date, bytes | None] = {}
        self._lock = threading.Lock()

    def on(self, day: date) -> bytes | None:
        """The day's FeatureCollection, or None when no map exists for that day."""
        with self._lock:
            if day not in self._encoded:
                self._encoded[day] = self._derive(day)
            return self._encoded[day]

    def _derive(self, day: date) -> bytes | None:
        territory = self._maps.on(day)
        if territory is None:
            return None
        occupied = shapely.set_precision(
            territory.occupied.simplify(OCCUPIED_SIMPLIFY_DEGREES, preserve_topology=True), 1e-4)
        common = {"day": day.isoformat(), "source": territory.source}
        return encode({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {**common, "kind": "occupied"},
             "geometry": mapping(occupied)},
            {"type": "Feature", "properties": {**common, "kind": "line_of_contact"},
             "geometry": mapping(territory.line)},
        ]})


class AgreementLayers:
    """Line of contact and zones (buffer, withdrawal, no-fly, maritime corridors) of the
    service's agreements, as `ceasefire agreement geojson` writes them, encoded once each."""

    def __init__(self, agreements: tuple[Agreement, ...]) -> None:
        self._agreements = {a.id: a for a in agreements}
        self._encoded: dict[str, bytes] = {}

    def of(self, agreement_id: str) -> bytes | None:
        """The agreement's FeatureCollection, or None for an agreement the service lacks."""
        agreement = self._agreements.get(agreement_id)
        if agreement is None:
            return None
        if agreement_id not in self._encoded:
            self._encoded[agreement_id] = encode(agreement_geography(agreement))
        return self._encoded[agreement_id]
