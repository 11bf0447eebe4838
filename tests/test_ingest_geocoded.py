import json
from datetime import UTC, datetime
from pathlib import Path

from ceasefire.domain import Category, TargetClass, TimePrecision
from ceasefire.ingest.bellingcat import read_bellingcat_json, read_cir_csv
from ceasefire.ingest.detect import SourceKind, detect_kind, read_source
from ceasefire.ingest.ucdp import read_ucdp


def test_bellingcat_real_file(data: Path) -> None:
    report = read_bellingcat_json(data / "events" / "bellingcat_incidents.json")
    assert report.errors == []
    assert len(report.observations) == 2513  # 2514 records, one exact duplicate
    assert [w.line for w in report.warnings] == [1416]
    nikopol = [
        o
        for o in report.observations
        if o.location.region == "Nikopol, Dnipropetrovsk region"
        and o.interval.start == datetime(2025, 4, 18, 21, 0, tzinfo=UTC)
    ]
    assert len(nikopol) == 1
    assert nikopol[0].category is Category.UNIDENTIFIED_DRONE
    assert nikopol[0].interval.precision is TimePrecision.DAY


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


def test_cir_real_file_reports_rows_without_id_or_date(data: Path) -> None:
    report = read_cir_csv(data / "events" / "mauforonda_cir_events.csv")
    assert len(report.observations) == 6634
    assert all(
        "empty entry id" in e.reason or "is not YYYY-MM-DD" in e.reason for e in report.errors
    )
    assert len(report.errors) == 8


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
