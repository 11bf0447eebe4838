"""What ACLED, UCDP and GIS consumers find in an export: real column names, the codes derived
from the uncertainty, RFC 7946 coordinates. A round trip cannot catch these (the reader checks
with the writer's own rules), so each is pinned against the datasets and the RFC here."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ceasefire.domain import Category, Location, Side, TimeInterval, TimePrecision
from ceasefire.domain.incident import Attribution, Incident
from ceasefire.export import acled, ucdp, write_acled, write_geojson, write_ucdp
from ceasefire.export.precision import (
    acled_geo_precision,
    acled_time_precision,
    date_range,
    midpoint_date,
    priogrid_gid,
    ucdp_date_prec,
    ucdp_where_prec,
)
from ceasefire.ingest.ucdp import read_ucdp as ingest_ucdp
from export_helpers import real_incidents

SHARED_ACLED = Path("/work/shared/data/events/peacerep_ACLED-Ukraine_early.csv")
# A local day in Kyiv (UTC+3 in summer): 21:00 UTC to 21:00 UTC.
KYIV_DAY = TimeInterval(
    datetime(2025, 4, 18, 21, tzinfo=UTC), datetime(2025, 4, 19, 21, tzinfo=UTC), TimePrecision.DAY
)
POINT = Location(47.57, 34.39, 500.0, "Nikopol")


def _incident(**changes: object) -> Incident:
    base: dict[str, object] = {
        "id": "inc-1",
        "observation_ids": ("cir:1",),
        "interval": KYIV_DAY,
        "location": POINT,
        "category": Category.ARTILLERY_SHELLING,
    }
    base.update(changes)
    return Incident(**base)  # type: ignore[arg-type]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _span(hours: float, precision: TimePrecision = TimePrecision.HOUR) -> TimeInterval:
    start = datetime(2025, 1, 10, tzinfo=UTC)
    return TimeInterval(start, start + timedelta(hours=hours), precision)


def test_ucdp_columns_are_those_of_the_bundled_ged_extract(data: Path) -> None:
    with (data / "events" / "peacerep_UCDP-Ukraine.csv").open(encoding="cp1252") as handle:
        header = next(csv.reader(handle))
    assert list(ucdp.UCDP_COLUMNS) == header
    assert _rows(write_ucdp([_incident()]))[0].keys() == set(ucdp.HEADER)


@pytest.mark.skipif(not SHARED_ACLED.exists(), reason="the shared ACLED extract is not here")
def test_acled_columns_are_those_of_a_real_acled_extract() -> None:
    with SHARED_ACLED.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert list(acled.ACLED_COLUMNS) == header


def test_every_category_has_an_acled_type_from_acleds_codebook() -> None:
    sub_types = {
        "Battles": {"Armed clash"},
        "Explosions/Remote violence": {"Shelling/artillery/missile attack", "Air/drone strike"},
        "Strategic developments": {"Change to group/activity", "Other"},
    }
    assert set(acled.EVENT_TYPES) == set(Category)
    for kind in acled.EVENT_TYPES.values():
        assert kind.sub_event_type in sub_types[kind.event_type]
    assert acled.EVENT_TYPES[Category.ONE_WAY_ATTACK_DRONE].sub_event_type == "Air/drone strike"


def test_acled_row_of_an_attributed_shelling() -> None:
    attribution = Attribution(Side.RU, 0.8, "territory", ("impact in UA-held land",))
    row = _rows(write_acled([_incident(attribution=attribution)]))[0]
    assert row["event_date"] == "19/04/2025 00:00:00"  # the Kyiv date, as the extract writes it
    assert row["year"] == "2025"
    assert (row["event_type"], row["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    )
    assert (row["actor1"], row["inter1"], row["interaction"]) == (
        "Military Forces of Russia (2000-)", "8", "80")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == ("47.57", "34.39", "1")
    assert row["time_precision"] == "1"
    assert row["fatalities"] == ""  # not counted, which is not zero
    assert "impact in UA-held land" in row["notes"]


def test_ucdp_row_names_the_attributed_side_first_and_leaves_unknown_sides_empty() -> None:
    ua = Attribution(Side.UA, 0.7, "launch_area")
    row = _rows(write_ucdp([_incident(attribution=ua)]))[0]
    assert (row["side_a"], row["side_b"]) == ("Government of Ukraine",
                                              "Government of Russia (Soviet Union)")
    assert (row["gwnoa"], row["gwnob"]) == ("369", "365")
    assert (row["date_start"], row["date_end"], row["date_prec"]) == (
        "4/19/2025 12:00:00 AM", "4/19/2025 12:00:00 AM", "1")
    assert row["geom_wkt"] == "POINT (34.39 47.57)"
    unknown = _rows(write_ucdp([_incident()]))[0]
    assert (unknown["side_a"], unknown["side_b"], unknown["cf_side"]) == ("", "", "unknown")


def test_ucdp_type_of_violence_only_for_acts_of_force() -> None:
    rows = _rows(write_ucdp([_incident(), _incident(id="inc-2",
                                                    category=Category.MILITARY_FLIGHT)]))
    assert [r["type_of_violence"] for r in rows] == ["1", ""]


@pytest.mark.parametrize(
    ("interval", "acled_code", "ucdp_code"),
    [
        (_span(0, TimePrecision.MINUTE), 1, 1),
        (_span(25), 1, 1),  # the local day clocks go back
        (_span(25.5), 2, 2),
        (_span(6 * 24 + 1), 2, 2),
        (_span(6 * 24 + 2), 2, 3),
        (_span(7 * 24 + 1), 2, 3),
        (_span(7 * 24 + 2), 3, 4),
        (_span(31 * 24 + 1), 3, 4),
        (_span(31 * 24 + 2), 3, 5),
        (_span(1, TimePrecision.WEEK), 2, 3),  # the stated precision is never beaten
        (_span(1, TimePrecision.MONTH), 3, 4),
        (_span(1, TimePrecision.YEAR), 3, 5),
    ],
)
def test_time_precision_codes(interval: TimeInterval, acled_code: int, ucdp_code: int) -> None:
    assert acled_time_precision(interval) == acled_code
    assert ucdp_date_prec(interval) == ucdp_code


@pytest.mark.parametrize(
    ("radius", "acled_code", "ucdp_code"),
    [
        (0.0, 1, 1),
        (1_000.0, 1, 1),
        (1_000.5, 1, 2),
        (5_000.0, 1, 2),
        (5_001.0, 2, 2),
        (25_001.0, 2, 3),
        (50_000.0, 2, 3),
        (50_001.0, 3, 4),
        (150_000.0, 3, 4),
        (150_001.0, 3, 6),
    ],
)
def test_place_precision_codes(radius: float, acled_code: int, ucdp_code: int) -> None:
    location = Location(50.0, 30.0, radius)
    assert acled_geo_precision(location) == acled_code
    assert ucdp_where_prec(location) == ucdp_code


def test_a_region_without_a_point_is_the_coarsest_place_and_has_no_coordinates() -> None:
    region = Location(uncertainty_m=0.0, region="south")
    assert (acled_geo_precision(region), ucdp_where_prec(region)) == (3, 6)
    row = _rows(write_acled([_incident(location=region)]))[0]
    assert (row["latitude"], row["longitude"], row["location"]) == ("", "", "south")


def test_dates_of_a_local_day_a_week_and_an_instant_before_midnight() -> None:
    assert date_range(KYIV_DAY) == (midpoint_date(KYIV_DAY),) * 2
    week = TimeInterval(KYIV_DAY.start, KYIV_DAY.start + timedelta(days=7), TimePrecision.WEEK)
    first, last = date_range(week)
    assert (first.isoformat(), last.isoformat()) == ("2025-04-19", "2025-04-25")
    instant = datetime(2025, 4, 19, 23, 59, tzinfo=UTC)
    assert date_range(TimeInterval(instant, instant, TimePrecision.MINUTE))[0].day == 19


def test_priogrid_cells_match_ucdps_own(data: Path) -> None:
    with (data / "events" / "peacerep_UCDP-Ukraine.csv").open(encoding="cp1252") as handle:
        rows = [r for r in csv.DictReader(handle) if r["priogrid_gid"]]
    assert len(rows) > 3000
    wrong = [
        (r["id"], r["priogrid_gid"])
        for r in rows
        if priogrid_gid(float(r["latitude"]), float(r["longitude"])) != int(r["priogrid_gid"])
    ]
    assert wrong == []


def test_our_ucdp_adapter_reads_an_export_and_is_never_more_certain(
    data: Path, tmp_path: Path
) -> None:
    """An export ingested as UCDP data keeps each point, and the radius its where_prec gives
    covers the incident's radius; its interval covers the incident's midpoint."""
    batch = real_incidents(data)
    path = tmp_path / "ged.csv"
    path.write_text(write_ucdp(batch), encoding="utf-8")
    report = ingest_ucdp(path)
    assert report.errors == []
    assert len(report.observations) == len(batch)
    for incident, observation in zip(batch, report.observations, strict=True):
        assert (observation.location.lat, observation.location.lon) == (
            incident.location.lat, incident.location.lon)
        assert observation.location.uncertainty_m >= incident.location.uncertainty_m
        middle = incident.interval.start + incident.interval.duration / 2
        assert observation.interval.start <= middle <= observation.interval.end


def test_geojson_follows_rfc_7946() -> None:
    region_only = _incident(id="inc-2", location=Location(uncertainty_m=0.0, region="south"))
    document = json.loads(write_geojson([_incident(), region_only]))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    point, regional = document["features"]
    assert point["geometry"] == {"type": "Point", "coordinates": [34.39, 47.57]}  # lon, lat
    assert point["id"] == "inc-1"
    assert regional["geometry"] is None
    assert regional["properties"]["region"] == "south"
    assert point["properties"]["uncertainty_m"] == 500.0
