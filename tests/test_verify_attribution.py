"""Attribution against the real DeepState maps of 2025: a side beyond the band, `undetermined`
near the line, near the Russian border, without a map, and when methods contradict."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ceasefire.domain import Observation, Side, TimeInterval, TimePrecision
from ceasefire.domain.errors import InvalidInputError
from ceasefire.ingest.deepstate import TerritoryFileError
from ceasefire.verify.attribution import (
    FRONT_BAND_M,
    LAUNCH_AREA_CONFIDENCE,
    LaunchEvidence,
    attribute,
    combine,
    launch_evidence,
    territory_confidence,
)
from ceasefire.verify.launch_places import LaunchGround, place_launch_text
from ceasefire.verify.territory import Ground, TerritoryMap, map_day
from ceasefire.verify.territory_maps import TerritoryMaps, bundled_maps_dir, load_territory_map
from verify_helpers import incident

MAPS = TerritoryMaps(bundled_maps_dir())
MARCH_12 = date(2025, 3, 12)
# Real Bellingcat incident points (data/events/bellingcat_incidents.json)
KRYVYI_RIH = (47.911735, 33.422298)  # 2025-03-12, Ukrainian-held, ~72 km from the line
POKROVSK = (48.280852, 37.173916)  # 2025-03-11, Ukrainian-held, ~6 km from the line
HORLIVKA = (48.315676, 37.969668)  # 2025-03-11, occupied, ~8 km from the line
RAMENSKOYE = (55.579244, 38.217639)  # 2025-03-11, Moscow region
SHEBEKINO = (50.41277, 36.915279)  # 2025-03-11, Belgorod region, ~7 km beyond the border
MARIUPOL = (47.1, 37.55)  # occupied since 2022, ~98 km from the line
DONETSK = (48.0, 37.8)  # occupied, ~28 km from the line
LAUNCH_RU = LaunchEvidence("airforce:row-1", "Primorsko-Akhtarsk and Chauda, Crimea")


def attribute_at(
    point: tuple[float, float],
    day: date = MARCH_12,
    launch: tuple[LaunchEvidence, ...] = (),
    said: tuple[Side, ...] = (),
    uncertainty_m: float = 1_000.0,
) -> tuple[Side, float, str, tuple[str, ...]]:
    lat, lon = point
    i = incident(lat=lat, lon=lon, day=day, uncertainty_m=uncertainty_m)
    a = attribute(i, MAPS.on(day), launch, said)
    return a.side, a.confidence, a.method, a.reasons


# -- territory ------------------------------------------------------------------------------


def test_a_strike_deep_in_ukrainian_held_territory_came_from_russia() -> None:
    side, confidence, method, reasons = attribute_at(KRYVYI_RIH)
    assert (side, method) == (Side.RU, "territory")
    assert 0.70 < confidence < 0.80  # 0.6 + 0.3 * (72 - 21) / 100
    assert "deepstatemap_data_20250312.geojson" in reasons[0]
    assert "Ukrainian-held territory" in reasons[0]


def test_a_strike_in_occupied_donetsk_oblast_away_from_the_line_came_from_ukraine() -> None:
    side, confidence, method, _ = attribute_at(MARIUPOL)
    assert (side, method) == (Side.UA, "territory")
    near_side, near_confidence, _, _ = attribute_at(DONETSK)
    assert near_side is Side.UA
    assert near_confidence < confidence  # confidence rises with distance from the line


@pytest.mark.parametrize("point", [POKROVSK, HORLIVKA], ids=["ukrainian-held", "occupied"])
def test_within_the_band_of_the_line_it_is_undetermined(point: tuple[float, float]) -> None:
    side, confidence, method, reasons = attribute_at(point, date(2025, 3, 11))
    assert (side, confidence, method) == (Side.UNKNOWN, 0.0, "none")
    assert "within 21.0 km of the line of contact, where both sides fire" in reasons[-1]


def test_the_location_uncertainty_widens_the_band() -> None:
    assert attribute_at(DONETSK, uncertainty_m=1_000.0)[0] is Side.UA
    side, _, _, reasons = attribute_at(DONETSK, uncertainty_m=10_000.0)
    assert side is Side.UNKNOWN
    assert "20.0 km + 10.0 km location uncertainty" in reasons[0]


def test_near_the_line_even_agreeing_launch_areas_do_not_decide() -> None:
    side, _, _, reasons = attribute_at(POKROVSK, date(2025, 3, 11), launch=(LAUNCH_RU,))
    assert side is Side.UNKNOWN
    assert any(r.startswith("launch_area:") for r in reasons)


def test_deep_in_russia_it_was_ukraine_near_the_border_undetermined() -> None:
    assert attribute_at(RAMENSKOYE, date(2025, 3, 11))[0] is Side.UA
    side, _, _, reasons = attribute_at(SHEBEKINO, date(2025, 3, 11))
    assert side is Side.UNKNOWN
    assert "in Russia within 31.0 km of the border, where both sides fought" in reasons[-1]


@pytest.mark.parametrize("day", [date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 12)])
def test_a_day_without_a_map_is_undetermined_and_says_so(day: date) -> None:
    assert MAPS.on(day) is None
    side, _, _, reasons = attribute_at(KRYVYI_RIH, day)
    assert side is Side.UNKNOWN
    assert reasons[0] == f"territory: no occupied-territory map for {day}"
    assert reasons[-1] == "undetermined: no method could decide"


def test_the_map_of_another_day_is_refused_naming_the_incident() -> None:
    i = incident("inc-9", *KRYVYI_RIH, day=date(2025, 3, 13))
    with pytest.raises(InvalidInputError, match="incident/inc-9: the map given shows 2025-03-12"):
        attribute(i, MAPS.on(MARCH_12), (), ())


# -- launch areas and sources ----------------------------------------------------------------


def test_agreeing_launch_areas_raise_the_confidence() -> None:
    alone = attribute_at(KRYVYI_RIH)[1]
    side, confidence, method, reasons = attribute_at(KRYVYI_RIH, launch=(LAUNCH_RU,))
    assert (side, method) == (Side.RU, "territory+launch_area")
    assert confidence == pytest.approx(combine([alone, LAUNCH_AREA_CONFIDENCE]), abs=1e-3)
    assert confidence > alone
    assert "Chauda, Crimea (occupied territory)" in reasons[1]


def test_territory_against_launch_areas_is_undetermined_with_both_reasons() -> None:
    side, _, _, reasons = attribute_at(MARIUPOL, launch=(LAUNCH_RU,))
    assert side is Side.UNKNOWN
    assert reasons[0].startswith("territory:")
    assert reasons[1].startswith("launch_area:")
    assert reasons[-1] == (
        "undetermined: the methods contradict (territory says UA; launch_area says RU)"
    )


def test_territory_against_a_stated_perpetrator_is_undetermined() -> None:
    side, _, _, reasons = attribute_at(KRYVYI_RIH, said=(Side.UA,))
    assert side is Side.UNKNOWN
    assert "territory says RU; source says UA" in reasons[-1]


def test_two_sources_that_disagree_make_it_undetermined() -> None:
    side, _, _, reasons = attribute_at(KRYVYI_RIH, said=(Side.RU, Side.UA, Side.UNKNOWN))
    assert side is Side.UNKNOWN
    assert reasons[-1] == "undetermined: the sources disagree (RU and UA)"


def test_an_unplaced_launch_area_leaves_the_territory_to_decide() -> None:
    sea = LaunchEvidence("airforce:row-2", "Primorsko-Akhtarsk and Black Sea")
    side, _, method, reasons = attribute_at(KRYVYI_RIH, launch=(sea,))
    assert (side, method) == (Side.RU, "territory")
    assert "'Black Sea': a sea is no one's territory" in reasons[1]


def test_launch_areas_alone_decide_when_the_incident_has_no_point() -> None:
    i = incident(lat=None, lon=None, region="Odesa oblast", day=MARCH_12)
    a = attribute(i, MAPS.on(MARCH_12), (LAUNCH_RU,), ())
    assert (a.side, a.method, a.confidence) == (Side.RU, "launch_area", LAUNCH_AREA_CONFIDENCE)
    assert a.reasons[0] == "territory: no point to place, only the region 'Odesa oblast'"
    assert attribute(i, MAPS.on(MARCH_12), (), ()).side is Side.UNKNOWN


@pytest.mark.parametrize(
    ("text", "grounds"),
    [
        ("Primorsko-Akhtarsk and Chauda, Crimea", ["Russia", "occupied territory"]),
        ("Bryansk oblast, Seshcha", ["Russia", "Russia"]),
        ("Donetsk oblast", ["unplaced"]),
        ("south-east", ["unplaced"]),
        ("Kursk oblast and Belarus", ["Russia", "unplaced"]),
        ("", []),
    ],
)
def test_launch_place_texts_are_placed(text: str, grounds: list[str]) -> None:
    assert [str(p.ground) for p in place_launch_text(text)] == grounds


def test_every_launch_place_in_the_bundled_bulletins_is_known_or_explained() -> None:
    """Every name is in the gazetteer or unplaced with a reason other than 'not in it'."""
    import csv

    path = Path(__file__).resolve().parents[1] / "data/missile_attacks/missile_attacks_daily.csv"
    with path.open(encoding="utf-8") as handle:
        texts = {row["launch_place"] for row in csv.DictReader(handle)}
    unknown = {
        p.name for t in texts for p in place_launch_text(t)
        if p.ground is LaunchGround.UNPLACED and p.reason == "not in the gazetteer"
    }
    assert unknown == set()


def test_launch_evidence_comes_from_the_bulletin_rows_extras() -> None:
    day = TimeInterval(datetime(2025, 3, 11, 16, tzinfo=UTC), datetime(2025, 3, 12, 6, tzinfo=UTC),
                       TimePrecision.MINUTE)
    from ceasefire.domain import Category, Location

    rows = [
        Observation("airforce:1", "airforce", "1", day, Location(region="Ukraine"),
                    Category.ONE_WAY_ATTACK_DRONE, extras={"launch_place": "Kursk oblast"}),
        Observation("airforce:2", "airforce", "2", day, Location(region="Ukraine"),
                    Category.ONE_WAY_ATTACK_DRONE, extras={"launch_place": " "}),
    ]
    assert launch_evidence(rows) == [LaunchEvidence("airforce:1", "Kursk oblast")]


# -- confidence and the day ------------------------------------------------------------------


def test_confidence_formula() -> None:
    assert territory_confidence(0.0) == pytest.approx(0.6)
    assert territory_confidence(50_000.0) == pytest.approx(0.75)
    assert territory_confidence(500_000.0) == pytest.approx(0.9)
    assert combine([0.6, 0.7]) == pytest.approx(0.88)
    assert combine([0.9, 0.7, 0.5]) == 0.95  # capped
    assert FRONT_BAND_M == 20_000.0


def test_the_day_is_kyivs_date_at_the_middle_of_the_interval() -> None:
    # a winter date-only record: Moscow's midnight (21:00 UTC the day before) to Kyiv's next
    winter = TimeInterval(datetime(2025, 12, 14, 21, tzinfo=UTC),
                          datetime(2025, 12, 15, 22, tzinfo=UTC), TimePrecision.DAY)
    assert map_day(winter) == date(2025, 12, 15)
    late_evening = datetime(2025, 5, 9, 22, 30, tzinfo=UTC)  # 01:30 on 10 May in Kyiv
    assert map_day(TimeInterval(late_evening, late_evening, TimePrecision.MINUTE)) == date(
        2025, 5, 10
    )


# -- the loader at the edge -----------------------------------------------------------------


def test_loader_gives_none_for_a_missing_day_and_refuses_a_broken_file(tmp_path: Path) -> None:
    assert load_territory_map(tmp_path, MARCH_12) is None
    (tmp_path / "deepstatemap_data_20250312.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(TerritoryFileError, match=r"deepstatemap_data_20250312\.geojson"):
        load_territory_map(tmp_path, MARCH_12)


def test_the_loaded_map_places_points_and_derives_a_line() -> None:
    territory = load_territory_map(bundled_maps_dir(), MARCH_12)
    assert isinstance(territory, TerritoryMap)
    assert territory.valid_on == MARCH_12
    assert not territory.line.is_empty
    assert territory.place(*MARIUPOL).ground is Ground.OCCUPIED
    assert territory.place(*KRYVYI_RIH).ground is Ground.UKRAINE


# -- the bundled 2025 incidents --------------------------------------------------------------


def test_every_bundled_2025_incident_gets_an_attribution_with_reasons() -> None:
    """What attribution says about the real 2025 Bellingcat incidents (counts in the docs)."""
    path = Path(__file__).resolve().parents[1] / "data/events/bellingcat_incidents.json"
    records = [r for r in json.loads(path.read_text(encoding="utf-8"))
               if r["date"] >= "2025-03-01" and r.get("latitude") is not None]
    counts: dict[str, int] = {}
    for n, record in enumerate(records):
        day = date.fromisoformat(record["date"])
        i = incident(f"bc-{n}", record["latitude"], record["longitude"], day=day)
        a = attribute(i, MAPS.on(day), (), ())
        assert a.reasons
        key = str(a.side) if a.determined else (
            "no map" if "no occupied-territory map" in a.reasons[0] else "undetermined"
        )
        counts[key] = counts.get(key, 0) + 1
        if day >= date(2025, 6, 1):
            assert key == "no map"
    print("bundled 2025 incidents:", sorted(counts.items()))
    assert counts["RU"] > counts.get("UA", 0) > 0
    assert counts["no map"] >= 29  # June and July 2025 have no bundled map
    assert counts["undetermined"] > 0
