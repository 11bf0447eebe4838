"""The report's map and charts, drawn with matplotlib into PNG bytes (no network, no tiles).

The map is drawn from the bundled vector data only: Ukraine's oblasts (data/basemap), the
DeepState occupied-territory polygon of the day when one is bundled (data/deepstate/daily),
and the incidents' points. Oblasts are shaded by how many of the day's rows name them, read
with `geo.regions.units_named` (a region text such as "south" names every oblast of the air
command's area; "Ukraine" names all of them).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: the report runs on servers and in CI

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import MaxNLocator

from ceasefire.geo.regions import units_named
from ceasefire.report.daily.facts import Compared, PlacedIncident, StrikeTotal

STATE_COLOURS = {
    "reported": "#9e9e9e",
    "corroborated": "#f9a825",
    "verified": "#c62828",
    "unverifiable": "#6a1b9a",
    "dismissed": "#1565c0",
}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"][0]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield polygon[0]


def _features(path: Path) -> list[Mapping[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    features: list[Mapping[str, Any]] = document["features"]
    return features


def named_oblasts(regions: Iterable[str]) -> Counter[str]:
    """How many rows name each oblast; a region text no rule can read names none."""
    counts: Counter[str] = Counter()
    for region in regions:
        for unit in units_named(region) or ():
            counts[unit] += 1
    return counts


def draw_map(
    oblasts_geojson: Path,
    occupied_geojson: Path | None,
    regions: Sequence[str],
    incidents: Sequence[PlacedIncident],
    labels: Mapping[str, str],
) -> bytes:
    """The day's map as PNG bytes."""
    named = named_oblasts(regions)
    most = max(named.values(), default=1)
    figure, axes = plt.subplots(figsize=(8, 5.6))
    for feature in _features(oblasts_geojson):
        count = named.get(feature["properties"]["name"], 0)
        shade = (1.0, 1.0 - 0.5 * count / most, 1.0 - 0.6 * count / most) if count else "white"
        for ring in _rings(feature["geometry"]):
            axes.add_patch(Polygon(ring, closed=True, facecolor=shade, edgecolor="#555555",
                                   linewidth=0.5))
    handles = [Patch(facecolor=(1.0, 0.5, 0.4), edgecolor="#555555", label=labels["named"])]
    if occupied_geojson is not None:
        for feature in _features(occupied_geojson):
            for ring in _rings(feature["geometry"]):
                axes.add_patch(Polygon(ring, closed=True, facecolor="#7f7f7f", alpha=0.45,
                                       edgecolor="none"))
        handles.append(Patch(facecolor="#7f7f7f", alpha=0.45, label=labels["occupied"]))
    for state, colour in STATE_COLOURS.items():
        points = [i for i in incidents if i.state == state]
        if points:
            axes.scatter([p.lon for p in points], [p.lat for p in points], s=14, c=colour,
                         edgecolors="black", linewidths=0.3, label=state, zorder=3)
    axes.set_xlim(22.0, 40.5)
    axes.set_ylim(44.2, 52.5)
    axes.set_aspect(1.5)  # about 1 / cos(48 deg): degrees of longitude are shorter here
    axes.set_xticks([])
    axes.set_yticks([])
    scatter_handles, _ = axes.get_legend_handles_labels()
    axes.legend(handles=[*handles, *scatter_handles], loc="lower left", fontsize=7)
    figure.tight_layout()
    return _png(figure)


def _paired_bars(names: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> bytes:
    """Horizontal bars, one group per name and one bar per series (names stay readable)."""
    count = len(series)
    height = 0.8 / max(count, 1)
    figure, axes = plt.subplots(figsize=(8, max(2.2, 0.35 * len(names) * count + 1.0)))
    for index, (label, values) in enumerate(series):
        offsets = [i + index * height for i in range(len(names))]
        axes.barh(offsets, values, height=height, label=label)
    middle = [i + height * (count - 1) / 2 for i in range(len(names))]
    axes.set_yticks(middle, names, fontsize=7)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of rows and weapons
    axes.legend(fontsize=7)
    figure.tight_layout()
    return _png(figure)


def strikes_chart(totals: Sequence[StrikeTotal], labels: Mapping[str, str]) -> bytes:
    """Launched and destroyed per weapon class, the day and the day before."""
    return _paired_bars(
        [t.weapon_class for t in totals],
        [
            (f"{labels['launched']} ({labels['day']})", [t.launched for t in totals]),
            (f"{labels['destroyed']} ({labels['day']})", [t.destroyed for t in totals]),
            (f"{labels['launched']} ({labels['previous']})", [t.previous_launched for t in totals]),
            (f"{labels['destroyed']} ({labels['previous']})",
             [t.previous_destroyed for t in totals]),
        ],
    )


def categories_chart(by_place: Sequence[Compared], labels: Mapping[str, str]) -> bytes:
    """Rows per category, the day and the day before."""
    day: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    for line in by_place:
        day[line.key[1]] += line.day
        previous[line.key[1]] += line.previous
    names = sorted(set(day) | set(previous))
    return _paired_bars(
        names,
        [(labels["day"], [day[n] for n in names]),
         (labels["previous"], [previous[n] for n in names])],
    )
