"""Oblasts of points and of bulletin region texts, on the bundled map and real bulletin rows."""

from __future__ import annotations

import csv

import pytest

from ceasefire.geo.regions import AIR_COMMAND_AREAS, ALL_UNITS, load_oblasts, units_named
from ceasefire.paths import data_dir


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Odesa oblast", {"Odesa"}),
        ("Dnipropetrovsk oblast, Kryvyi Rih Raion", {"Dnipropetrovsk"}),
        ("Odesa oblast and Mykolaiv oblast", {"Odesa", "Mykolaiv"}),
        ("Kyiv", {"Kyiv", "Kyiv city"}),
        ("Kyiv oblast (south)", {"Kyiv"}),
        ("Odesa oblast, Black Sea", {"Odesa"}),
        ("south", set(AIR_COMMAND_AREAS["south"])),
        ("Ukraine", set(ALL_UNITS)),
    ],
)
def test_bulletin_regions_name_units(text: str, units: set[str]) -> None:
    assert units_named(text) == frozenset(units)


@pytest.mark.parametrize("text", ["", "front line", "Kursk oblast", "Sumy oblast and Kursk oblast"])
def test_what_cannot_be_read_is_none_not_a_guess(text: str) -> None:
    assert units_named(text) is None


def test_nearly_every_real_bulletin_region_is_read() -> None:
    path = data_dir() / "missile_attacks" / "missile_attacks_daily.csv"
    with path.open(encoding="utf-8") as handle:
        targets = [row["target"] for row in csv.DictReader(handle)]
    unread = [t for t in targets if units_named(t) is None]
    assert len(targets) == 3701
    assert len(unread) <= 40  # blank targets, "front line", places in Russia


def test_points_fall_in_their_oblast() -> None:
    oblasts = load_oblasts(data_dir() / "basemap" / "derived_ukraine_oblasts.geojson")
    assert len(oblasts.names) == 27
    assert oblasts.unit_of(47.57, 34.39) == "Dnipropetrovsk"  # Nikopol
    assert oblasts.unit_of(50.45, 30.52) == "Kyiv city"
    assert oblasts.unit_of(46.48, 30.73) == "Odesa"
    assert oblasts.unit_of(44.6, 33.5) == "Sevastopol"
    assert oblasts.unit_of(55.75, 37.62) is None  # Moscow
    assert oblasts.unit_of(45.0, 31.0) is None  # at sea
