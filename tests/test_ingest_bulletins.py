import csv
from pathlib import Path

import pytest

from ceasefire.domain import Category, Side, WeaponClass
from ceasefire.domain.errors import Severity
from ceasefire.ingest.airforce_bulletins import read_bulletins
from ceasefire.ingest.weapons import WeaponCatalog, load_catalog
from ceasefire.store import SqliteStore

HEADER = (
    "time_start,time_end,model,launch_place,target,target_main,launched,destroyed,"
    "not_reach_goal,still_attacking,border_crossing,is_shahed,num_hit_location,"
    "num_fall_fragment_location,carrier,turbojet,turbojet_destroyed,affected region,"
    "destroyed_details,launched_details,launch_place_details,source\n"
)


@pytest.fixture(scope="module")
def catalog(data: Path) -> WeaponCatalog:
    folder = data / "missile_attacks"
    return load_catalog(folder / "weapons_catalog.csv", folder / "weapons_catalog_supplement.csv")


def test_reads_every_real_row(bulletins_csv: Path, catalog: WeaponCatalog) -> None:
    with bulletins_csv.open(newline="", encoding="utf-8") as handle:
        raw_rows = list(csv.DictReader(handle))
    report = read_bulletins(bulletins_csv, catalog)
    assert report.errors == []
    assert len(report.observations) == len(raw_rows) == 3701
    assert all(o.category is not Category.OTHER for o in report.observations)
    raw_launched = sum(int(float(r["launched"])) for r in raw_rows if r["launched"])
    assert sum(o.launched or 0 for o in report.observations) == raw_launched


def test_maps_models_to_classes(catalog: WeaponCatalog) -> None:
    shahed = catalog.classify("Shahed-136/131")
    assert shahed is not None
    assert shahed.category is Category.ONE_WAY_ATTACK_DRONE
    iskander = catalog.classify("Iskander-M")
    assert iskander is not None
    assert iskander.weapon_class is WeaponClass.BALLISTIC_MISSILE
    # Not in the catalogue, classified from its parts: the ballistic part names the row.
    compound = catalog.classify("Iskander-M/KN-23 and Iskander-K and Kalibr")
    assert compound is not None
    assert compound.weapon_class is WeaponClass.BALLISTIC_MISSILE
    assert catalog.classify("Zyx-9000") is None


def test_bad_rows_are_reported_by_line_and_good_rows_load(
    tmp_path: Path, catalog: WeaponCatalog
) -> None:
    path = tmp_path / "bulletins.csv"
    rows = [
        "2025-05-10,2025-05-10,ZALA,,south,,2.0,2.0" + "," * 14,  # line 2: good
        "2025-05-32,2025-05-10,ZALA,,south,,2.0,2.0" + "," * 14,  # line 3: impossible date
        "2025-05-10 10:00,2025-05-10 09:00,Kalibr,,Ukraine,,4,1" + "," * 14,  # 4: end first
        "2025-05-10,2025-05-10,Kalibr,,Ukraine,,-3,0" + "," * 14,  # line 5: negative count
        "2025-05-10,2025-05-10,Kalibr,,Ukraine,,3,5" + "," * 14,  # line 6: destroyed > launched
        "2025-05-10,2025-05-10,Kalibr,,Ukraine,,many,0" + "," * 14,  # line 7: not a number
        "2025-05-10,2025-05-10,,,Ukraine,,1,0" + "," * 14,  # line 8: no model
        "2025-05-10,2025-05-10,Zyx-9000,,Ukraine,,1,0" + "," * 14,  # line 9: unknown model
        "2025-05-10,2025-05-10,ZALA,,south,,2.0,2.0" + "," * 14,  # line 10: duplicate of 2
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    report = read_bulletins(path, catalog)
    errors = {i.line: i.reason for i in report.errors}
    # only impossible counts are refused; a row with a doubtful time or weapon is kept
    assert set(errors) == {5, 6, 7}
    assert "launched '-3'" in errors[5]
    assert "exceeds launched" in errors[6]
    assert "'many' is not a number" in errors[7]
    warnings = {i.line: i.reason for i in report.warnings}
    assert set(warnings) == {3, 4, 8, 9, 10}
    assert "unreadable time '2025-05-32'" in warnings[3]
    assert "before it starts" in warnings[4]
    assert "no model given" in warnings[8]
    assert "not in the weapons catalogue" in warnings[9]
    assert "repeats line 2" in warnings[10]
    models = [o.weapon_model for o in report.observations]
    assert models == ["ZALA", "ZALA", "Kalibr", None, "Zyx-9000"]
    assert report.observations[0].side is Side.RU
    # skipped rows are errors, loaded-but-doubtful rows warnings, and nothing is both
    assert {i.line for i in report.issues if i.severity is Severity.ERROR} == set(errors)
    assert len(report.issues) == len(errors) + len(warnings)


def test_missing_columns_is_one_clear_error(tmp_path: Path, catalog: WeaponCatalog) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("time_start,model\n2025-05-10,ZALA\n", encoding="utf-8")
    report = read_bulletins(path, catalog)
    assert len(report.errors) == 1
    assert "missing columns" in report.errors[0].reason
    assert "time_end" in report.errors[0].reason


def test_reimport_adds_nothing(bulletins_csv: Path, catalog: WeaponCatalog) -> None:
    repository = SqliteStore()
    first = repository.add_observations(read_bulletins(bulletins_csv, catalog).observations)
    second = repository.add_observations(read_bulletins(bulletins_csv, catalog).observations)
    assert (first.added, first.already_present) == (3701, 0)
    assert (second.added, second.already_present) == (0, 3701)
    assert repository.count_observations() == 3701


def test_issue_line_is_the_physical_line_of_the_real_row(
    tmp_path: Path, bulletins_csv: Path, catalog: WeaponCatalog
) -> None:
    # The supplement classifies "Фенікс", so the real file raises no warning for it ...
    assert not [w for w in read_bulletins(bulletins_csv, catalog).warnings if "Фенікс" in w.reason]
    # ... rename it to a model no catalogue knows, and the warning must name its line.
    lines = bulletins_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [k for k, text in enumerate(lines) if ",Фенікс," in text]
    lines[at] = lines[at].replace(",Фенікс,", ",Фенікс-test,")
    copy = tmp_path / "bulletins.csv"
    copy.write_text("".join(lines), encoding="utf-8")
    (warning,) = [w for w in read_bulletins(copy, catalog).warnings if "Фенікс-test" in w.reason]
    assert warning.line == at + 1  # 1-based, header is line 1
    assert ",Фенікс-test," in lines[warning.line - 1]


def test_issue_line_counts_the_lines_of_a_quoted_multiline_field(
    tmp_path: Path, catalog: WeaponCatalog
) -> None:
    # A quoted field spanning three lines makes record numbers and physical lines diverge:
    # the second data row starts on line 5, though it is the file's third record.
    path = tmp_path / "bulletins.csv"
    tail = "," * 12 + '"first\nsecond\nthird",,,'
    rows = [
        "2025-05-10,2025-05-10,ZALA,,south,,2.0,2.0," + tail,  # lines 2-4
        "2025-05-10,2025-05-10,Zyx-9000,,Ukraine,,1,0" + "," * 14,  # line 5
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    report = read_bulletins(path, catalog)
    assert report.errors == []
    assert [o.weapon_model for o in report.observations] == ["ZALA", "Zyx-9000"]
    assert [(w.line, "Zyx-9000" in w.reason) for w in report.warnings] == [(5, True)]
