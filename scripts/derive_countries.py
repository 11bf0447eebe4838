"""Derive `data/basemap/derived_countries_region.geojson`, the dashboard's basemap, from the
Natural Earth 1:10m countries in the German point of view (Crimea inside Ukraine).

Run once by hand when the source changes:
    .venv/bin/python scripts/derive_countries.py SOURCE_DIR/ne_10m_admin_0_countries_deu OUT
where SOURCE_DIR holds ``ne_10m_admin_0_countries_deu.shp`` and ``.dbf``.

Why a script and a small reader rather than a GIS dependency: the conversion happens once per
source release, and a shapefile is two simple binary formats (ESRI polygon records, dBASE III
attributes); the dashboard then draws from a ~200 KB GeoJSON shipped with the package, so no
tile server and no network are ever needed. Only the countries whose box meets the region
around Ukraine are kept, simplified to ~1 km, which is finer than a screen pixel at the zoom
levels that show whole countries.
"""

from __future__ import annotations

import json
import struct
import sys
from functools import reduce
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

#: west, south, east, north: Ukraine with its neighbours and the Black Sea.
REGION = (14.0, 40.0, 50.0, 57.5)
SIMPLIFY_DEGREES = 0.01
POLYGON_SHAPE = 5


def read_dbf(path: Path) -> list[dict[str, str]]:
    """The attribute rows of a dBASE III file, every value as stripped text."""
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    offset = 32
    while data[offset] != 0x0D:
        name = data[offset:offset + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, data[offset + 16]))
        offset += 32
    rows = []
    for i in range(count):
        start = header_len + i * record_len + 1  # one byte: the deletion flag
        row: dict[str, str] = {}
        for name, size in fields:
            row[name] = data[start:start + size].decode("utf-8", "replace").strip()
            start += size
        rows.append(row)
    return rows


def read_polygons(path: Path) -> list[BaseGeometry | None]:
    """Every record of an ESRI polygon shapefile as a shapely geometry (None for a null shape).

    The rings of a record are combined by symmetric difference: an outer ring and the holes
    inside it then give the polygon whatever the order of the rings, which the format leaves
    to the writer."""
    data = path.read_bytes()
    shapes: list[BaseGeometry | None] = []
    offset = 100
    while offset < len(data):
        _, words = struct.unpack(">II", data[offset:offset + 8])
        content = data[offset + 8:offset + 8 + 2 * words]
        offset += 8 + 2 * words
        (kind,) = struct.unpack("<i", content[:4])
        if kind == 0:
            shapes.append(None)
            continue
        if kind != POLYGON_SHAPE:
            raise ValueError(f"{path}: shape type {kind}, expected polygons ({POLYGON_SHAPE})")
        parts_n, points_n = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{parts_n}i", content[44:44 + 4 * parts_n]))
        base = 44 + 4 * parts_n
        coords = struct.unpack(f"<{2 * points_n}d", content[base:base + 16 * points_n])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        rings = [points[a:b] for a, b in zip(parts, [*parts[1:], points_n], strict=True)]
        polygons = [shapely.make_valid(Polygon(r)) for r in rings if len(r) >= 4]
        shapes.append(reduce(lambda a, b: a.symmetric_difference(b), polygons))
    return shapes


def derive(source: Path, out: Path) -> None:
    rows = read_dbf(source.with_suffix(".dbf"))
    shapes = read_polygons(source.with_suffix(".shp"))
    region = box(*REGION)
    features: list[dict[str, Any]] = []
    for row, geometry in zip(rows, shapes, strict=True):
        if geometry is None or not geometry.intersects(region):
            continue
        clipped = geometry.intersection(region)
        simple = shapely.set_precision(
            clipped.simplify(SIMPLIFY_DEGREES, preserve_topology=True), 1e-3
        )
        if simple.is_empty:
            continue
        features.append({
            "type": "Feature",
            "properties": {"name": row["NAME_EN"] or row["NAME"], "iso": row["ISO_A3"]
                           if row["ISO_A3"] != "-99" else row["ADM0_A3"]},
            "geometry": mapping(simple),
        })
    features.sort(key=lambda f: str(f["properties"]["iso"]))
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m admin 0 countries, German point of view (v5.1.1),"
                  f" clipped to {REGION}, simplified {SIMPLIFY_DEGREES} deg",
        "features": features,
    }
    out.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    derive(Path(sys.argv[1]), Path(sys.argv[2]))
