"""Derive `data/basemap/derived_ukraine_outline.geojson` from the Minregion oblast map.

Run once by hand when the source changes:
    .venv/bin/python scripts/derive_ukraine_outline.py SOURCE_OBLASTS.geojson OUT.geojson
Why: deriving a line of contact needs Ukraine's internationally recognised outline (Crimea
included); the oblast map is 3 MB, the simplified outline (~100 m tolerance) a tenth of that.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

SIMPLIFY_DEGREES = 0.001


def derive(source: Path, out: Path) -> None:
    document = json.loads(source.read_text(encoding="utf-8"))
    parts = [shapely.make_valid(shape(f["geometry"])) for f in document["features"]]
    outline = shapely.union_all(parts).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    outline = shapely.set_precision(outline, 1e-5)
    feature = {
        "type": "Feature",
        "properties": {
            "name": "Ukraine",
            "source": "Minregion oblast.geojson (2020), union of 27 units, simplified 0.001 deg",
        },
        "geometry": mapping(outline),
    }
    collection = {"type": "FeatureCollection", "features": [feature]}
    out.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    derive(Path(sys.argv[1]), Path(sys.argv[2]))
