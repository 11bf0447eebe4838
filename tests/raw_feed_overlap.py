"""An independent recount, from the raw Bellingcat JSON and CIR CSV, of the rows that cite the
same original post: only `json`, `csv`, `re` and `math`, none of ceasefire's adapters, so a
reader who distrusts the pipeline can check the demo's overlap figures (docs/hand-check.md)."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from urllib.parse import urlsplit

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_ALIAS = {
    "x.com": "twitter.com",
    "mobile.twitter.com": "twitter.com",
    "m.facebook.com": "facebook.com",
    "web.facebook.com": "facebook.com",
}
#: Two 1 km geolocated sites plus fusion's 250 m spatial tolerance (docs/fusion.md).
REACH_M = 2 * 1_000.0 + 250.0

Row = tuple[str, tuple[float, float] | None, set[str]]


def _norm(url: str) -> str | None:
    text = url.strip().strip("\"'<>(),;")
    if not _URL.fullmatch(text):
        return None
    parts = urlsplit(text)
    host = parts.netloc.lower().removeprefix("www.")
    host = _ALIAS.get(host, host)
    query = "" if host == "twitter.com" else parts.query
    return host + parts.path.rstrip("/") + (f"?{query}" if query else "")


def _urls(values: list[object]) -> set[str]:
    found: set[str] = set()
    for value in values:
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                found |= {n for m in _URL.findall(text) if (n := _norm(m))}
    return found


def _point(lat: object, lon: object) -> tuple[float, float] | None:
    try:
        point = (float(lat), float(lon))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if point == (0.0, 0.0) else point


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dl = math.radians(b[1] - a[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def same_post_pairs(events: Path) -> tuple[int, int]:
    """(pairs of a Bellingcat record and a CIR row citing one post, those of them dated the
    same day with both points within `REACH_M`)."""
    bell = json.loads((events / "bellingcat_incidents.json").read_text(encoding="utf-8"))
    with (events / "mauforonda_cir_events.csv").open(encoding="utf-8") as handle:
        cir = list(csv.DictReader(handle))
    b_rows: list[Row] = [
        (r["date"][:10], _point(r["latitude"], r["longitude"]), _urls([r.get("sources")]))
        for r in bell
    ]
    c_rows: list[Row] = [
        (r["date"][:10], _point(r["lat"], r["lon"]), _urls([r["link"], r["geolocation"]]))
        for r in cir
    ]
    by_url: dict[str, set[int]] = {}
    for n, (_, _, urls) in enumerate(c_rows):
        for url in urls:
            by_url.setdefault(url, set()).add(n)
    sharing = near = 0
    for day, point, urls in b_rows:
        for n in set().union(*(by_url.get(u, set()) for u in urls)):
            sharing += 1
            c_day, c_point, _ = c_rows[n]
            if day == c_day and point and c_point and _distance_m(point, c_point) <= REACH_M:
                near += 1
    return sharing, near
