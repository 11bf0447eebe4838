from datetime import UTC, datetime
from pathlib import Path

import pytest

from ceasefire.agreement import AgreementError, load_agreement
from ceasefire.domain import Category, TargetClass
from ceasefire.domain.agreement import ZoneKind

GOOD = """\
format: 1
id: test-truce
title: Test truce
status: hypothetical
parties:
  - {id: RU, name: Russian Federation}
  - {id: UA, name: Ukraine}
window: {start: 2025-04-19T18:00, end: 2025-04-21T00:00, timezone: Europe/Moscow}
scope: {prohibited: [long_range_strikes], targets: [energy]}
sources: [{title: test}]
"""


def write(tmp_path: Path, text: str, name: str = "a.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def issues(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    return [(p.pointer or "", p.reason) for p in caught.value.problems]


def test_every_shipped_agreement_loads(agreements: Path) -> None:
    loaded = {load_agreement(p).id for p in sorted(agreements.glob("*.yaml"))}
    assert loaded == {
        "easter-truce-2025",
        "energy-moratorium-2025",
        "victory-day-truce-2025",
        "christmas-truce-2025",
        "settlement-2025-12-15",
    }


def test_window_is_converted_from_local_time(agreements: Path) -> None:
    easter = load_agreement(agreements / "easter-truce-2025.yaml")
    assert easter.window.start == datetime(2025, 4, 19, 15, 0, tzinfo=UTC)
    assert easter.window.end == datetime(2025, 4, 20, 21, 0, tzinfo=UTC)
    christmas = load_agreement(agreements / "christmas-truce-2025.yaml")
    assert christmas.window.start == datetime(2025, 12, 23, 22, 0, tzinfo=UTC)


def test_shorthands_expand(tmp_path: Path) -> None:
    agreement = load_agreement(write(tmp_path, GOOD))
    assert Category.ONE_WAY_ATTACK_DRONE in agreement.scope.prohibited_categories
    assert Category.SMALL_ARMS not in agreement.scope.prohibited_categories
    assert agreement.scope.target_classes == frozenset({TargetClass.ENERGY})


def test_settlement_zones_are_nested_by_distance(agreements: Path) -> None:
    settlement = load_agreement(agreements / "settlement-2025-12-15.yaml")
    zones = {z.id: z for z in settlement.zones}
    assert zones["artillery-100mm"].kind is ZoneKind.WITHDRAWAL
    assert zones["mlrs"].geometry.contains(zones["artillery-100mm"].geometry.buffer(-0.01))
    assert zones["buffer-ru"].geometry.intersection(zones["buffer-ua"].geometry).area < 1e-4
    assert zones["nfz-line"].exempt == frozenset({"mission"})
    assert settlement.line_of_contact is not None
    assert settlement.line_of_contact.valid_on.isoformat() == "2025-12-15"


def test_collects_every_schema_error_with_its_path(tmp_path: Path) -> None:
    text = GOOD.replace("end: 2025-04-21T00:00", "end: 2025-04-19T00:00")
    text = text.replace("status: hypothetical", "status: maybe")
    text = text.replace("[long_range_strikes]", "[long_range_strikes, lasers]")
    text += "withdrawl: []\n"
    found = issues(write(tmp_path, text))
    paths = {p for p, _ in found}
    assert "status" in paths
    assert "window" in paths
    assert any(p.startswith("scope.prohibited[1]") for p in paths)
    assert "withdrawl" in paths
    assert any("must be after start" in r for _, r in found)


def test_unknown_time_zone(tmp_path: Path) -> None:
    found = issues(write(tmp_path, GOOD.replace("Europe/Moscow", "Europe/Atlantis")))
    assert found == [("window.timezone", "unknown time zone 'Europe/Atlantis'")]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "geography: [\n  - oops: {\n")
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    [problem] = caught.value.problems
    assert problem.line is not None
    assert problem.line > GOOD.count("\n")
    assert "not valid YAML" in problem.reason


def test_zones_need_a_line_and_sides_must_be_parties(tmp_path: Path) -> None:
    text = GOOD + (
        "geography:\n  buffers: [{id: b, side: XX, width_m: 1000, prohibited: [all_hostilities]}]\n"
    )
    found = issues(write(tmp_path, text))
    reasons = " ".join(r for _, r in found)
    assert "need line_of_contact" in reasons


def test_missing_geometry_file_is_reported(tmp_path: Path) -> None:
    text = GOOD + (
        "geography:\n"
        "  line_of_contact:\n"
        "    occupied_territory: nowhere_20250419.geojson\n"
        "    country_outline: nowhere.geojson\n"
        "    occupied_side: RU\n"
    )
    found = issues(write(tmp_path, text))
    assert found[0][0] == "geography.line_of_contact.occupied_territory"
    assert "file not found" in found[0][1]


def settlement_copy(agreements: Path) -> str:
    """The shipped settlement with its relative paths made absolute, to edit in tmp_path."""
    text = (agreements / "settlement-2025-12-15.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/", f"{agreements.parent / 'data'}/")
    return text.replace("geometry/", f"{agreements / 'geometry'}/")


def test_settlement_copy_loads(tmp_path: Path, agreements: Path) -> None:
    assert len(load_agreement(write(tmp_path, settlement_copy(agreements))).zones) == 7


def test_negative_distance(tmp_path: Path, agreements: Path) -> None:
    text = settlement_copy(agreements).replace("distance_m: 70000", "distance_m: -70000")
    found = issues(write(tmp_path, text))
    assert found == [("geography.withdrawal[1].distance_m", "Input should be greater than 0")]


def test_duplicate_zone_ids(tmp_path: Path, agreements: Path) -> None:
    text = settlement_copy(agreements).replace("{id: buffer-ua,", "{id: buffer-ru,")
    found = issues(write(tmp_path, text))
    assert len(found) == 1
    assert "repeated: buffer-ru" in found[0][1]


def test_bad_corridor_geometry_file(tmp_path: Path, agreements: Path) -> None:
    broken = tmp_path / "corridor.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    text = settlement_copy(agreements).replace(
        f"{agreements / 'geometry'}/black_sea_corridor.geojson", str(broken)
    )
    found = issues(write(tmp_path, text))
    assert found[0][0] == "geography.maritime_corridors[0].geometry"
    assert "not valid JSON" in found[0][1]


def test_the_file_is_named_in_every_issue(tmp_path: Path) -> None:
    path = write(tmp_path, "just a string")
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    assert str(path) in str(caught.value)
    assert "mapping" in str(caught.value)
    assert [p.source for p in caught.value.problems] == [str(path)]
