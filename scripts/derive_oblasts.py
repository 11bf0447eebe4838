"""Derive `data/basemap/derived_ukraine_oblasts.geojson` from the Minregion oblast map.

Run once by hand when the source changes:
    .venv/bin/python scripts/derive_oblasts.py SOURCE_OBLASTS.geojson OUT.geojson
Why: linking a bulletin's region to geolocated incidents, and reports by oblast, need to know
which oblast a point lies in; the source is 3 MB, the simplified map (~500 m tolerance, far
below a bulletin's region) a tenth of that. Names get their English (KMU 2010) spelling, the
one the Air Force bulletins in English use, beside the Ukrainian original and the ISO code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

SIMPLIFY_DEGREES = 0.005

#: Ukrainian name in the source -> (English name, ISO 3166-2 code).
NAMES: dict[str, tuple[str, str]] = {
    "Автономна Республіка Крим": ("Crimea", "UA-43"),
    "Вінницька область": ("Vinnytsia", "UA-05"),
    "Волинська область": ("Volyn", "UA-07"),
    "Дніпропетровська область": ("Dnipropetrovsk", "UA-12"),
    "Донецька область": ("Donetsk", "UA-14"),
    "Житомирська область": ("Zhytomyr", "UA-18"),
    "Закарпатська область": ("Zakarpattia", "UA-21"),
    "Запорізька область": ("Zaporizhzhia", "UA-23"),
    "Івано-Франківська область": ("Ivano-Frankivsk", "UA-26"),
    "Київська область": ("Kyiv", "UA-32"),
    "Кіровоградська область": ("Kirovohrad", "UA-35"),
    "Луганська область": ("Luhansk", "UA-09"),
    "Львівська область": ("Lviv", "UA-46"),
    "Миколаївська область": ("Mykolaiv", "UA-48"),
    "Одеська область": ("Odesa", "UA-51"),
    "Полтавська область": ("Poltava", "UA-53"),
    "Рівненська область": ("Rivne", "UA-56"),
    "Сумська область": ("Sumy", "UA-59"),
    "Тернопільська область": ("Ternopil", "UA-61"),
    "Харківська область": ("Kharkiv", "UA-63"),
    "Херсонська область": ("Kherson", "UA-65"),
    "Хмельницька область": ("Khmelnytskyi", "UA-68"),
    "Черкаська область": ("Cherkasy", "UA-71"),
    "Чернівецька область": ("Chernivtsi", "UA-77"),
    "Чернігівська область": ("Chernihiv", "UA-74"),
    "Місто Київ": ("Kyiv city", "UA-30"),
    "Місто Севастополь": ("Sevastopol", "UA-40"),
}


def derive(source: Path, out: Path) -> None:
    document = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in document["features"]:
        original = feature["properties"]["ADMIN_1"]
        english, iso = NAMES[original]
        geometry = shapely.make_valid(shape(feature["geometry"]))
        geometry = shapely.set_precision(
            geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True), 1e-4
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"name": english, "name_uk": original, "iso": iso},
                "geometry": mapping(geometry),
            }
        )
    features.sort(key=lambda f: f["properties"]["iso"])
    collection = {
        "type": "FeatureCollection",
        "source": "Minregion oblast.geojson (2020), 27 units, simplified 0.005 deg",
        "features": features,
    }
    out.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    derive(Path(sys.argv[1]), Path(sys.argv[2]))
