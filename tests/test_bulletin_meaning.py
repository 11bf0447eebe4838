"""What a bulletin row means (issue 8, points 1, 2 and the bulletin part of 8).

Real rows are named by their line in data/missile_attacks/missile_attacks_daily.csv.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ceasefire.agreement import compile_agreement, load_agreement
from ceasefire.assess import assess, summarise
from ceasefire.assess.coverage import is_supporting, names_same_weapon, supported_rows
from ceasefire.domain import (
    Location,
    Observation,
    ReportKind,
    TimeInterval,
    TimePrecision,
    Verdict,
    WeaponClass,
)
from ceasefire.domain.taxonomy import Category
from ceasefire.ingest.airforce_bulletins import read_bulletins
from ceasefire.ingest.localtime import bulletin_interval
from ceasefire.ingest.weapons import WeaponCatalog, load_catalog
from ceasefire.pipeline import Assessment
from ceasefire.report.markdown import evidence_basis_lines


@pytest.fixture(scope="module")
def catalog(data: Path) -> WeaponCatalog:
    folder = data / "missile_attacks"
    return load_catalog(folder / "weapons_catalog.csv", folder / "weapons_catalog_supplement.csv")


@pytest.fixture(scope="module")
def by_line(bulletins_csv: Path, catalog: WeaponCatalog) -> dict[int, Observation]:
    """Observation per physical line (no row of the real file spans lines)."""
    report = read_bulletins(bulletins_csv, catalog)
    return {line: o for line, o in enumerate(report.observations, start=2)}


def _assess(observations: list[Observation], agreement: Path) -> dict[str, tuple[Verdict, str]]:
    compiled = compile_agreement(load_agreement(agreement))
    return {f.subject.id: (f.verdict, ",".join(f.clauses)) for f in assess(observations, compiled)}


# --- Point 1: publisher and report kind ------------------------------------------------------


def test_every_real_row_has_its_publisher_and_report_kind(by_line: dict[int, Observation]) -> None:
    kinds = {(o.publisher, o.report_kind) for o in by_line.values()}
    assert kinds == {
        ("kpszsu", ReportKind.LAUNCH_REPORT),
        ("GeneralStaff.ua", ReportKind.LAUNCH_REPORT),
        ("CinCAFU", ReportKind.LAUNCH_REPORT),
        ("PvKPivden", ReportKind.REGIONAL_TALLY),
        ("pvkshid", ReportKind.REGIONAL_TALLY),
        ("PvkZahid", ReportKind.REGIONAL_TALLY),
        ("PvkCenter", ReportKind.REGIONAL_TALLY),
        ("ChiefUkrDIU", ReportKind.INCIDENT_REPORT),
        ("war_monitor", ReportKind.INCIDENT_REPORT),
        ("kharkivoda.gov.ua", ReportKind.INCIDENT_REPORT),
        ("", ReportKind.UNKNOWN),  # lines 2179, 3698: a bare facebook `watch/?v=` link
    }
    assert (by_line[63].publisher, by_line[63].report_kind) == ("kpszsu", ReportKind.LAUNCH_REPORT)
    assert by_line[480].report_kind is ReportKind.REGIONAL_TALLY  # PvKPivden, 24 Dec 2025


def test_christmas_regional_tallies_count_once(
    by_line: dict[int, Observation], agreements: Path
) -> None:
    findings = _assess(list(by_line.values()), agreements / "christmas-truce-2025.yaml")
    # Unknown-UAV tallies of 24, 25, 26 Dec repeat the headquarters' Shahed rows 476 and 473
    for line in (475, 477, 480):
        verdict, clauses = findings[by_line[line].id]
        assert verdict is Verdict.NOT_COVERED
        assert f"supports:{by_line[476].id}" in clauses
    # the reconnaissance tally of 25 Dec repeats no headquarters row, so coverage leaves it
    # alone: it is not covered only because reconnaissance flights are no act of force (Point 3)
    assert findings[by_line[478].id] == (Verdict.NOT_COVERED, "none")
    assert by_line[478].report_kind is ReportKind.REGIONAL_TALLY
    assert findings[by_line[476].id] == (Verdict.VIOLATION, "scope")


def test_exact_duplicates_count_once(by_line: dict[int, Observation]) -> None:
    # lines 2356/2357 (PvKPivden) and 3593/3594 (kpszsu): identical but for the post they are in
    supported = supported_rows(list(by_line.values()))
    for a, b in ((2356, 2357), (3593, 3594)):
        first, second = sorted((by_line[a].id, by_line[b].id))
        assert supported[second] == (first,)
    # lines 1510/1511: the same night's Iskanders from two launch places are two rows
    assert by_line[1510].id not in supported
    assert by_line[1511].id not in supported


def _row(
    model: str,
    weapon_class: WeaponClass,
    kind: ReportKind,
    start: datetime,
    end: datetime,
    launched: int = 1,
) -> Observation:
    return Observation(
        id=f"airforce:{model}:{kind}:{start.isoformat()}",
        source="airforce",
        source_record_id=model,
        interval=TimeInterval(start, end, TimePrecision.MINUTE),
        location=Location(region="south"),
        category=Category.LONG_RANGE_MISSILE,
        weapon_model=model,
        weapon_class=weapon_class,
        launched=launched,
        report_kind=kind,
    )


NIGHT = (datetime(2025, 12, 24, 16, tzinfo=UTC), datetime(2025, 12, 25, 7, tzinfo=UTC))
TALLY, HQ = ReportKind.REGIONAL_TALLY, ReportKind.LAUNCH_REPORT


UAV, DRONE = WeaponClass.UNIDENTIFIED_DRONE, WeaponClass.ATTACK_DRONE
BALLISTIC, CRUISE = WeaponClass.BALLISTIC_MISSILE, WeaponClass.CRUISE_MISSILE


@pytest.mark.parametrize(
    ("tally", "row", "same"),
    [
        (("Unknown UAV", UAV), ("Shahed-136/131", DRONE), True),
        (("Iskander-M", BALLISTIC), ("Iskander-M/KN-23", BALLISTIC), True),
        (("Молнія", DRONE), ("Shahed-136/131", DRONE), False),  # front line, not long range
        (("X-31", CRUISE), ("X-59/X-69", CRUISE), False),
        (("Unknown Missile", CRUISE), ("Kalibr", CRUISE), True),
        (("Unknown UAV", UAV), ("Kalibr", CRUISE), False),
    ],
)
def test_names_same_weapon(
    tally: tuple[str, WeaponClass], row: tuple[str, WeaponClass], same: bool
) -> None:
    got = names_same_weapon(_row(*tally, TALLY, *NIGHT), _row(*row, HQ, *NIGHT))
    assert got is same


def test_a_tally_that_may_repeat_a_weaker_row_is_only_possible(agreements: Path) -> None:
    # The Christmas window starts 23 Dec 22:00Z: the night row straddles it (possible), the
    # tally lies inside it (a violation on its own); it cannot be told which: possible.
    hq = _row("Shahed-136/131", WeaponClass.ATTACK_DRONE, HQ, *(
        datetime(2025, 12, 23, 17, tzinfo=UTC), datetime(2025, 12, 24, 7, tzinfo=UTC)))
    tally = _row("Unknown UAV", WeaponClass.UNIDENTIFIED_DRONE, TALLY, *(
        datetime(2025, 12, 24, 5, tzinfo=UTC), datetime(2025, 12, 24, 6, tzinfo=UTC)))  # fmt: skip
    findings = _assess([hq, tally], agreements / "christmas-truce-2025.yaml")
    assert findings[hq.id] == (Verdict.POSSIBLE, "scope")
    assert findings[tally.id] == (Verdict.POSSIBLE, "scope")
    # ... and a tally repeating a violation is supporting evidence of it
    inside = replace(hq, interval=TimeInterval(*NIGHT, TimePrecision.MINUTE))
    findings = _assess([inside, tally], agreements / "christmas-truce-2025.yaml")
    assert findings[tally.id] == (Verdict.NOT_COVERED, f"supports:{inside.id}")


def test_summary_counts_launches_once_and_says_what_findings_rest_on(
    by_line: dict[int, Observation], agreements: Path
) -> None:
    path = agreements / "christmas-truce-2025.yaml"
    agreement = load_agreement(path)
    observations = list(by_line.values())
    findings = assess(observations, compile_agreement(agreement))
    by_id = {o.id: o for o in observations}
    summary = summarise(findings, by_id)
    violation = summary.totals[Verdict.VIOLATION]
    # 473 Shahed (99), 474 Iskander-M (1), 476 Shahed (131); the reconnaissance tally 478 is
    # no act of force (Point 3)
    assert (violation.findings, violation.launched, violation.regional_tally) == (3, 231, 0)
    assert summary.totals[Verdict.NOT_COVERED].supporting == 3
    assert sum(is_supporting(f) for f in findings) == 3
    lines = evidence_basis_lines(Assessment(agreement, findings, by_id, summary, {}, ""))
    text = "\n".join(lines)
    assert "violation: 3 findings, of which 0 rest on a regional air command's tally" in text
    assert "3 regional tallies or repeated rows overlap a launch report" in text


# --- Point 2: what a date-only row can mean --------------------------------------------------


def test_date_only_row_is_its_day_or_the_24_hours_before() -> None:
    got = bulletin_interval("2025-12-24", "2025-12-24")
    assert got is not None
    interval, how = got
    assert interval.start == datetime(2025, 12, 22, 22, tzinfo=UTC)  # 23 Dec 00:00 Kyiv
    assert interval.end == datetime(2025, 12, 24, 22, tzinfo=UTC)  # 25 Dec 00:00 Kyiv
    assert interval.precision is TimePrecision.DAY
    assert "24 hours before" in how


def test_night_without_a_start_time_starts_the_evening_before() -> None:
    got = bulletin_interval("2025-12-24", "2025-12-24 09:00")
    assert got is not None
    assert got[0].start == datetime(2025, 12, 23, 16, tzinfo=UTC)  # 23 Dec 18:00 Kyiv
    assert got[0].end == datetime(2025, 12, 24, 7, tzinfo=UTC)
    assert got[0].precision is TimePrecision.DAY
    # a start date before the end's date already starts early enough: its midnight
    got = bulletin_interval("2024-07-07", "2024-07-08 08:00")  # line 2400
    assert got is not None
    assert got[0].start == datetime(2024, 7, 6, 21, tzinfo=UTC)


def test_minute_rows_are_unchanged() -> None:
    got = bulletin_interval("2025-12-25 18:00", "2025-12-26 09:00")
    assert got is not None
    assert got[0] == TimeInterval(
        datetime(2025, 12, 25, 16, tzinfo=UTC),
        datetime(2025, 12, 26, 7, tzinfo=UTC),
        TimePrecision.MINUTE,
    )
    assert got[1] == ""


def test_edge_rows_become_possible(by_line: dict[int, Observation], agreements: Path) -> None:
    observations = list(by_line.values())
    victory = _assess(observations, agreements / "victory-day-truce-2025.yaml")
    for line in (1280, 1282):  # dated 11 May: may be the 24 hours before, in the truce
        assert victory[by_line[line].id][0] is Verdict.POSSIBLE
    # the same day's reconnaissance tally is no act of force at all (Point 3)
    assert victory[by_line[1281].id] == (Verdict.NOT_COVERED, "none")
    christmas = _assess(observations, agreements / "christmas-truce-2025.yaml")
    assert christmas[by_line[472].id][0] is Verdict.POSSIBLE  # Molniya dated 27 Dec


# --- Point 8: nothing silently dropped -------------------------------------------------------

HEADER = (
    "time_start,time_end,model,launch_place,target,target_main,launched,destroyed,"
    "not_reach_goal,still_attacking,border_crossing,is_shahed,num_hit_location,"
    "num_fall_fragment_location,carrier,turbojet,turbojet_destroyed,affected region,"
    "destroyed_details,launched_details,launch_place_details,source\n"
)


def test_undated_inverted_and_unknown_rows_are_kept_and_possible(
    tmp_path: Path, catalog: WeaponCatalog, agreements: Path
) -> None:
    tail = "," * 14 + "kpszsu/posts/x"
    rows = [
        "2025-12-20 18:00,2025-12-21 08:00,Kalibr,,Ukraine,,4,1" + tail,  # line 2: dated
        "2025-12-30,2025-12-30,Kalibr,,Ukraine,,1,0" + tail,  # line 3: dated
        ",,Kalibr,,Ukraine,,2,0" + tail,  # line 4: no time at all
        "2025-12-26 23:00,2025-12-26 20:00,Kalibr,,Ukraine,,3,0" + tail,  # line 5: inverted
        "2025-12-25 01:00,2025-12-25 05:00,Zyx-9000,,Ukraine,,5,0" + tail,  # line 6: unknown
    ]
    path = tmp_path / "bulletins.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    report = read_bulletins(path, catalog)
    assert report.errors == []
    undated, inverted, unknown = report.observations[2:]
    # undated: the whole span of the file's dated rows
    assert undated.interval.start == datetime(2025, 12, 20, 16, tzinfo=UTC)
    assert undated.interval.end == datetime(2025, 12, 30, 22, tzinfo=UTC)
    assert "no usable time" in undated.description
    # inverted: both orders and a missed roll-over
    assert inverted.interval.start == datetime(2025, 12, 26, 18, tzinfo=UTC)
    assert inverted.interval.end == datetime(2025, 12, 27, 21, tzinfo=UTC)
    findings = {
        f.subject.id: f
        for f in assess(
            report.observations,
            compile_agreement(load_agreement(agreements / "christmas-truce-2025.yaml")),
        )
    }
    assert findings[undated.id].verdict is Verdict.POSSIBLE
    assert findings[inverted.id].verdict is Verdict.POSSIBLE
    assert findings[unknown.id].verdict is Verdict.POSSIBLE  # inside, but what weapon?
    assert findings[unknown.id].clauses == ("scope.unknown_weapon",)
    assert "'Zyx-9000' is not in the weapons catalogue" in findings[unknown.id].reason
