import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ceasefire.domain import Category, Location, TargetClass, TimePrecision
from ceasefire.ingest.bellingcat import read_bellingcat_json, read_cir_csv
from ceasefire.ingest.detect import SourceKind, detect_kind, read_source
from ceasefire.ingest.geocoded import parse_point, parse_site, placeholder_reason
from ceasefire.ingest.ids import content_id
from ceasefire.ingest.ucdp import read_ucdp


def test_bellingcat_real_file(data: Path) -> None:
    report = read_bellingcat_json(data / "events" / "bellingcat_incidents.json")
    # 2514 records: two repeats (#1416 of #1391 exactly, #1415 of #1392 with its sources
    # listed in another order), one at (0, 0) naming no place
    assert len(report.observations) == 2511
    assert [(e.pointer, e.reason) for e in report.errors] == [
        (
            "incident #1413",
            "coordinates (0.0, 0.0) lie within 1 degree of (0, 0), the placeholder for none,"
            " and the record names no place",
        )
    ]
    assert [w.line or w.pointer for w in report.warnings] == [
        "incident #1268",
        "incident #1415",
        "incident #1416",
        "incident #2031",
    ]
    assert "repeats #1392 (sources in any order); kept once" in report.warnings[1].reason
    nikopol = [
        o
        for o in report.observations
        if o.location.region == "Nikopol, Dnipropetrovsk region"
        and o.interval.start == datetime(2025, 4, 18, 21, 0, tzinfo=UTC)
    ]
    assert len(nikopol) == 1
    assert nikopol[0].category is Category.UNIDENTIFIED_DRONE
    assert nikopol[0].interval.precision is TimePrecision.DAY


def test_bellingcat_records_at_null_island_keep_only_their_place_name(data: Path) -> None:
    """Incidents #1268 (Kramatorsk, at 0.000742, 0.000687) and #2031 (Nikopol, at 0, 0)."""
    report = read_bellingcat_json(data / "events" / "bellingcat_incidents.json")
    unplaced = {o.location.region or "": o for o in report.observations if not o.location.has_point}
    assert sorted(unplaced) == ["Kramatorsk (Donetsk region)", "Nikopol (Dnipropetrovsk oblast)"]
    assert all(o.extras["latitude"] in (0.0, 0.000742) for o in unplaced.values())
    placed = [o.location for o in report.observations if o.location.has_point]
    assert all(abs(p.lat or 0) > 1 or abs(p.lon or 0) > 1 for p in placed)


def test_bellingcat_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "incidents.json"
    records = [
        {
            "date": "2025-04-19",
            "latitude": 47.5,
            "longitude": 34.4,
            "description": "drone strike on a substation",
        },
        {"date": "2025-04-19", "latitude": "north", "longitude": 34.4, "description": "x"},
        {"date": "19/04/2025", "latitude": 47.5, "longitude": 34.4, "description": "x"},
        {"date": "2025-04-19", "latitude": 147.5, "longitude": 34.4, "description": "x"},
        "not an object",
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    report = read_bellingcat_json(path)
    # a JSON list is one document: incidents are named by position, not by a line
    assert [i.pointer for i in report.errors] == [f"incident #{n}" for n in (2, 3, 4, 5)]
    assert "not numbers" in report.errors[0].reason
    assert "19/04/2025" in report.errors[1].reason
    assert "outside [-90, 90]" in report.errors[2].reason
    assert len(report.observations) == 1
    assert report.observations[0].target_class is TargetClass.ENERGY


#: CIR entry ids that the export gives to two different events: (entry, first line, later line).
SHARED_ENTRY_IDS = (
    ("UW0104", 149, 161),  # heavy weaponry in Sevastopol; a convoy at Rylsk
    ("UW0105", 162, 163),  # a convoy at Stary Oskol; troops at Abinsk
    ("UW0132", 125, 168),  # logistics on 6 and on 9 February, 400 km apart
    ("UW0454", 436, 437),  # a convoy on a highway; tanks on trains at Kropotkin
    ("UW5227", 2936, 3193),  # graves in Bucha; equipment crossing the Donets
)


def test_cir_real_file_rejects_only_undated_rows(data: Path) -> None:
    report = read_cir_csv(data / "events" / "mauforonda_cir_events.csv")
    # 6650 rows: 4 undated, 3 repeats of an event (UW0523 twice, UW3355 once)
    assert len(report.observations) == 6643
    assert [e.line for e in report.errors] == [6648, 6649, 6650, 6651]
    assert all("is not YYYY-MM-DD" in e.reason for e in report.errors)


def test_cir_distinct_events_sharing_an_entry_id_all_load(data: Path) -> None:
    report = read_cir_csv(data / "events" / "mauforonda_cir_events.csv")
    by_entry: dict[str, list[str]] = {}
    for o in report.observations:
        by_entry.setdefault(o.source_record_id.split("~")[0], []).append(o.source_record_id)
    warnings = {w.line: w.reason for w in report.warnings}
    for entry, first, later in SHARED_ENTRY_IDS:
        ids = by_entry[entry]
        assert len(ids) == 2
        assert ids[0] == entry
        assert ids[1].startswith(f"{entry}~")
        assert warnings[later] == (
            f"entry {entry} is also line {first}, a different event; loaded as {ids[1]}"
        )
    # true repeats stay single: UW3355 is repeated verbatim, UW0523 with other links only
    assert by_entry["UW3355"] == ["UW3355"]
    assert by_entry["UW0523"] == ["UW0523"]
    assert warnings[2220] == "entry UW3355 repeats line 2219; kept once"
    assert warnings[494] == (
        "entry UW0523 repeats line 492 with other sourcing (link, geolocation); kept once"
    )
    # rows without an entry id are kept, identified by their content
    for line in (73, 102, 127, 1389):
        assert warnings[line].startswith("no entry id; identified by its content as ")
    assert len({o.id for o in report.observations}) == len(report.observations)


def test_cir_ids_are_stable_and_follow_the_content(tmp_path: Path) -> None:
    header = "entry,date,title,lat,lon,town/city,link,geolocation\n"
    first = "UW1,2022-02-09,Convoy,51.5,34.6,Rylsk,https://a,\n"
    other = "UW1,2022-02-09,Tanks on trains,45.4,40.5,Kropotkin,https://b,\n"
    relinked = "UW1,2022-02-09,Convoy,51.5,34.6,Rylsk,https://c,https://d\n"
    nameless = ",2022-02-10,Strike,50.9,34.8,Sumy,,\n"
    path = tmp_path / "events.csv"
    path.write_text(header + first + other + relinked + nameless, encoding="utf-8")
    once = [o.id for o in read_cir_csv(path).observations]
    # hashes of the canonical row: empty cells are left out, so an added empty column
    # changes no id
    suffix = content_id(
        {
            "entry": "UW1",
            "date": "2022-02-09",
            "title": "Tanks on trains",
            "lat": "45.4",
            "lon": "40.5",
            "town/city": "Kropotkin",
            "link": "https://b",
        }
    )[:8]
    assert once[:2] == ["cir:UW1", f"cir:UW1~{suffix}"]
    assert len(once) == 3
    assert once[2] == "cir:" + content_id(
        {
            "date": "2022-02-10",
            "title": "Strike",
            "lat": "50.9",
            "lon": "34.8",
            "town/city": "Sumy",
        }
    )
    # the same rows after unrelated rows are added: the same ids
    path.write_text(header + nameless + first + other + relinked, encoding="utf-8")
    assert sorted(o.id for o in read_cir_csv(path).observations) == sorted(once)


def test_cir_point_copied_into_both_coordinates_is_not_a_point(data: Path) -> None:
    """UW0244 (Seretino, Belgorod), UW6983 (Pervomaisk), UW8673 (Trypillia): lat == lon."""
    report = read_cir_csv(data / "events" / "mauforonda_cir_events.csv")
    unplaced = {
        o.source_record_id: o.location.region
        for o in report.observations
        if not o.location.has_point
    }
    assert unplaced == {"UW0244": "Seretino", "UW6983": "Pervomaisk", "UW8673": "Trypilly"}


def test_placeholder_coordinates() -> None:
    assert placeholder_reason(0.0, 0.0) is not None
    assert placeholder_reason(0.9, -0.9) is not None
    assert placeholder_reason(50.65, 50.65) is not None
    assert placeholder_reason(0.5, 30.5) is None  # only one coordinate near 0: a place
    assert placeholder_reason(47.1, 37.6) is None
    with pytest.raises(ValueError, match="placeholder"):
        parse_point("0", "0", 1_000.0, "Nikopol")
    location, why = parse_site("0", "0", 1_000.0, "Nikopol")
    assert location == Location(region="Nikopol")
    assert why is not None
    with pytest.raises(ValueError, match="names no place"):
        parse_site("0", "0", 1_000.0, "")


def test_ucdp_real_file_in_windows_1252(data: Path) -> None:
    report = read_ucdp(data / "events" / "peacerep_UCDP-Ukraine.csv")
    assert report.errors == []
    assert len(report.observations) == 3883
    odesa = next(o for o in report.observations if o.source_record_id == "153027")
    assert odesa.interval.start.date().isoformat() == "2014-05-01"  # local midnight of 2 May
    assert odesa.location.uncertainty_m > 0


def test_detects_every_bundled_format(data: Path) -> None:
    assert detect_kind(data / "missile_attacks" / "missile_attacks_daily.csv") is SourceKind(
        "airforce"
    )
    assert detect_kind(data / "events" / "peacerep_UCDP-Ukraine.csv") is SourceKind("ucdp")
    assert detect_kind(data / "events" / "mauforonda_cir_events.csv") is SourceKind("cir")
    assert detect_kind(data / "events" / "bellingcat_incidents.json") is SourceKind("bellingcat")


def test_unknown_or_missing_file_is_one_error_not_a_crash(tmp_path: Path, data: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    report = read_source(odd, data / "missile_attacks")
    assert len(report.errors) == 1
    assert "unrecognised format" in report.errors[0].reason
    missing = read_source(tmp_path / "nope.csv", data / "missile_attacks")
    assert "cannot read" in missing.errors[0].reason
