"""Issue 8, point 5: who an agreement binds, who an act is attributed to, and the wording of
findings under agreements that were never in force (docs/assessment.md, "Point 5")."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.agreement import AgreementError, compile_agreement, load_agreement
from ceasefire.assess import assess, summarise
from ceasefire.cli import app
from ceasefire.domain import (
    Category,
    Location,
    Observation,
    Side,
    TimeInterval,
    TimePrecision,
    Verdict,
)
from ceasefire.domain.agreement import Agreement, Party, Scope
from ceasefire.domain.taxonomy import HOSTILE_ACTS
from ceasefire.geo.borders import Country, Place
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.ingest.geocoded import attribution, bundled_borders, place_interval
from ceasefire.ingest.ucdp import read_ucdp
from ceasefire.pipeline import Assessment
from ceasefire.report.markdown import agreement_section, bound_lines

START = datetime(2025, 5, 7, 21, 0, tzinfo=UTC)
WINDOW = TimeInterval(START, START + timedelta(days=3), TimePrecision.MINUTE)


def truce(bound: frozenset[str] | None, status: str = "expired") -> Agreement:
    return Agreement(
        id="t",
        title="t",
        status=status,
        parties=(Party("RU", "Russian Federation"), Party("UA", "Ukraine")),
        window=WINDOW,
        timezone="Europe/Moscow",
        scope=Scope(prohibited_categories=HOSTILE_ACTS),
        bound=bound,
    )


def act(side: Side, start_h: float = 10, end_h: float = 11) -> Observation:
    return Observation(
        id=f"act-{side}",
        source="test",
        source_record_id="1",
        interval=TimeInterval(
            START + timedelta(hours=start_h), START + timedelta(hours=end_h), TimePrecision.MINUTE
        ),
        location=Location(region="south"),
        category=Category.ONE_WAY_ATTACK_DRONE,
        side=side,
    )


def verdicts(agreement: Agreement, *observations: Observation) -> list[Verdict]:
    return [f.verdict for f in assess(observations, compile_agreement(agreement))]


# --- the agreement format -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("easter-truce-2025", ("RU",)),
        ("victory-day-truce-2025", ("RU",)),
        ("energy-moratorium-2025", ("RU", "UA")),
        ("christmas-truce-2025", ("RU", "UA")),
        ("settlement-2025-12-15", ("RU", "UA", "mission")),
    ],
)
def test_every_shipped_agreement_names_whom_it_binds(
    agreements: Path, name: str, bound: tuple[str, ...]
) -> None:
    loaded = load_agreement(agreements / f"{name}.yaml")
    assert loaded.bound == frozenset(bound)
    assert tuple(p.id for p in loaded.bound_parties) == bound


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
format: 1
id: t
title: t
status: in_force
parties: [{id: A, name: A}, {id: B, name: B}]
window: {start: 2025-01-01T00:00, end: 2025-01-02T00:00, timezone: Europe/Kyiv}
scope: {prohibited: [all_hostilities]}
sources: [{title: t}]
"""


def test_an_agreement_without_bound_binds_every_party(tmp_path: Path) -> None:
    loaded = load_agreement(_write(tmp_path, MINIMAL))
    assert loaded.bound is None
    assert loaded.binds_every_party


def test_bound_must_name_parties(tmp_path: Path) -> None:
    with pytest.raises(AgreementError) as caught:
        load_agreement(_write(tmp_path, MINIMAL + "bound: [A, C]\n"))
    assert "bound ['C'] are not among the parties" in str(caught.value)


def test_bound_may_not_be_empty(tmp_path: Path) -> None:
    with pytest.raises(AgreementError):
        load_agreement(_write(tmp_path, MINIMAL + "bound: []\n"))


# --- assessment -----------------------------------------------------------------------------


def test_an_act_of_a_party_that_is_not_bound_is_not_covered() -> None:
    finding = assess([act(Side.UA)], compile_agreement(truce(frozenset({"RU"}))))[0]
    assert finding.verdict is Verdict.NOT_COVERED
    assert finding.clauses == ("bound",)
    assert "attributed to UA, which this agreement does not bind (it binds RU only)" in (
        finding.reason
    )


def test_an_act_of_the_bound_party_is_a_violation_and_says_who() -> None:
    finding = assess([act(Side.RU)], compile_agreement(truce(frozenset({"RU"}))))[0]
    assert finding.verdict is Verdict.VIOLATION
    assert "attributed to RU (by the test source)" in finding.reason


def test_an_unattributed_act_is_at_most_possible_under_a_unilateral_truce() -> None:
    compiled = compile_agreement(truce(frozenset({"RU"})))
    inside, partial = assess([act(Side.UNKNOWN), act(Side.UNKNOWN, -2, 2)], compiled)
    assert inside.verdict is Verdict.POSSIBLE
    assert inside.certainty == 0.5
    assert "does not say which party acted, and this agreement binds RU only" in inside.reason
    assert partial.verdict is Verdict.POSSIBLE
    assert partial.certainty == 0.25


def test_the_side_does_not_matter_when_every_party_is_bound() -> None:
    assert (
        verdicts(truce(None), act(Side.UNKNOWN), act(Side.UA), act(Side.RU))
        == [Verdict.VIOLATION] * 3
    )
    both = frozenset({"RU", "UA"})
    assert verdicts(truce(both), act(Side.UNKNOWN), act(Side.UA)) == [Verdict.VIOLATION] * 2


def test_outside_the_window_the_window_decides_whoever_acted() -> None:
    finding = assess([act(Side.UA, 100, 101)], compile_agreement(truce(frozenset({"RU"}))))[0]
    assert finding.clauses == ("window",)


@pytest.mark.parametrize(
    ("status", "opening"),
    [
        ("rejected", "would have been a violation (proposal rejected; never in force): "),
        ("proposed", "would have been a violation (proposal, not in force): "),
        ("hypothetical", "would have been a violation (hypothetical agreement; never in force): "),
    ],
)
def test_an_agreement_never_in_force_says_would_have(status: str, opening: str) -> None:
    finding = assess([act(Side.RU)], compile_agreement(truce(None, status)))[0]
    assert finding.verdict is Verdict.VIOLATION  # the value programs read is unchanged
    assert finding.reason.startswith(opening)


def test_an_agreement_in_force_keeps_the_plain_words() -> None:
    for status in ("in_force", "expired"):
        finding = assess([act(Side.RU)], compile_agreement(truce(None, status)))[0]
        assert finding.reason.startswith("one_way_attack_drone is prohibited")


# --- the bundled real data ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bellingcat(data: Path) -> dict[int, Observation]:
    """The dashboard's incidents by their 1-based index in the JSON list."""
    path = data / "events" / "bellingcat_incidents.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    by_record = {
        (o.extras["date"], o.extras["latitude"], o.extras["longitude"]): o
        for o in read_bellingcat_json(path).observations
    }
    return {
        i: by_record[(r["date"], r["latitude"], r["longitude"])]
        for i, r in enumerate(records, start=1)
        if (r["date"], r["latitude"], r["longitude"]) in by_record
    }


def _assess_real(agreements: Path, name: str, *observations: Observation) -> list[str]:
    compiled = compile_agreement(load_agreement(agreements / f"{name}.yaml"))
    return [f"{f.verdict}: {f.reason}" for f in assess(observations, compiled)]


def test_a_strike_deep_in_russia_is_attributed_to_ukraine(
    bellingcat: dict[int, Observation], agreements: Path
) -> None:
    # Incident #2446, 13 April 2025, Rakitnoye (Belgorod oblast), 32 km beyond the border.
    rakitnoye = bellingcat[2446]
    assert rakitnoye.side is Side.UA
    assert rakitnoye.extras["attributed_by"] == "place: in Russia, 32 km beyond Ukraine's border"
    (finding,) = _assess_real(agreements, "energy-moratorium-2025", rakitnoye)
    assert finding.startswith("possible: ")
    assert "attributed to UA (place: in Russia, 32 km beyond Ukraine's border)" in finding


@pytest.mark.parametrize(
    "index",
    [
        2296,  # Sudzha, 12 Jan 2025: a bomb on a town Ukrainian forces then held
        2329,  # Sudzha, 1 Feb 2025: the same
        2448,  # Rylsk, 15 Apr 2025, 25 km from the border
    ],
)
def test_near_the_border_in_russia_the_data_cannot_decide(
    bellingcat: dict[int, Observation], index: int
) -> None:
    incident = bellingcat[index]
    assert incident.side is Side.UNKNOWN
    assert "where both sides fought" in incident.extras["attributed_by"]


def test_at_the_border_the_country_is_not_guessed(bellingcat: dict[int, Observation]) -> None:
    # Incident #2409, Grafovka (Belgorod oblast), 18 March 2025, 1.9 km beyond the outline,
    # the day Ukrainian forces crossed the border there.
    grafovka = bellingcat[2409]
    assert grafovka.side is Side.UNKNOWN
    assert grafovka.extras["attributed_by"] == (
        "not attributed: the source names no perpetrator (at Ukraine's border)"
    )


def test_incidents_in_ukraine_are_not_attributed(bellingcat: dict[int, Observation]) -> None:
    in_ukraine = [o for o in bellingcat.values() if "Ukraine)" in o.extras["attributed_by"]]
    assert len(in_ukraine) > 2000
    assert {o.side for o in in_ukraine} == {Side.UNKNOWN}


def test_a_day_in_russia_is_a_moscow_day(
    bellingcat: dict[int, Observation], agreements: Path
) -> None:
    # Incident #2408, Belgorod, dated 17 March 2025: the moratorium began at 00:00 Moscow on
    # the 18th, so the Moscow day ends exactly when it starts (read as a Kyiv day, it ran an
    # hour into the window and was `possible`).
    belgorod = bellingcat[2408]
    assert belgorod.interval.start == datetime(2025, 3, 16, 21, tzinfo=UTC)
    assert belgorod.interval.end == datetime(2025, 3, 17, 21, tzinfo=UTC)
    (finding,) = _assess_real(agreements, "energy-moratorium-2025", belgorod)
    assert finding.startswith("not_covered: ")


def test_unattributed_incidents_under_the_easter_truce_say_so(
    bellingcat: dict[int, Observation], agreements: Path
) -> None:
    easter = [o for o in bellingcat.values() if o.extras["date"] in ("2025-04-19", "2025-04-20")]
    findings = _assess_real(agreements, "easter-truce-2025", *easter)
    flagged = [f for f in findings if not f.startswith("not_covered")]
    assert len(flagged) == 2
    assert all(f.startswith("possible: ") and "binds RU only" in f for f in flagged)


def test_ucdp_names_the_perpetrator_of_one_sided_violence_only(data: Path) -> None:
    path = data / "events" / "peacerep_UCDP-Ukraine.csv"
    with path.open(encoding="cp1252", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    sides = {o.source_record_id: o.side for o in read_ucdp(path).observations}
    one_sided = {i for i, row in rows.items() if row["type_of_violence"] == "3"}
    assert len(one_sided) == 6
    assert {sides[i] for i in one_sided} == {Side.RU}  # side_a: Government of Russia
    assert {s for i, s in sides.items() if i not in one_sided} == {Side.UNKNOWN}


def test_rejected_proposal_findings_on_real_data_say_would_have(agreements: Path) -> None:
    result = CliRunner().invoke(
        app, ["assess", "-a", str(agreements / "christmas-truce-2025.yaml"), "--json"]
    )
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert {f["verdict"] for f in findings} == {"violation", "possible"}
    for f in findings:
        would = "would have been" if f["verdict"] == "violation" else "would possibly have been"
        assert f["reason"].startswith(f"{would} a violation (proposal rejected; never in force)")


def test_the_cli_table_title_says_would_have(agreements: Path) -> None:
    result = CliRunner().invoke(
        app, ["assess", "-a", str(agreements / "christmas-truce-2025.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert "never in force" in " ".join(result.stdout.split())


# --- places and days ------------------------------------------------------------------------


def test_places_are_told_apart_by_the_outline() -> None:
    borders = bundled_borders()
    assert borders is not None
    assert borders.place(50.45, 30.52).country is Country.UKRAINE  # Kyiv
    assert borders.place(44.95, 34.10).country is Country.UKRAINE  # Simferopol, Crimea
    moscow = borders.place(55.75, 37.62)
    assert moscow.country is Country.RUSSIA
    assert 400_000 < moscow.beyond_border_m < 600_000
    assert borders.place(53.90, 27.56).country is Country.ELSEWHERE  # Minsk
    assert borders.place(50.47, 23.92).country is Country.ELSEWHERE  # Przewodow, Poland
    assert borders.place(0.0, 0.0).country is Country.ELSEWHERE


def test_attribution_needs_russia_and_distance() -> None:
    assert attribution(Place(Country.RUSSIA, 30_000.0))[0] is Side.UA
    assert attribution(Place(Country.RUSSIA, 29_999.0))[0] is Side.UNKNOWN
    assert attribution(Place(Country.ELSEWHERE, 500_000.0))[0] is Side.UNKNOWN
    assert attribution(Place(Country.UKRAINE, 0.0))[0] is Side.UNKNOWN


def test_a_winter_day_in_ukraine_covers_both_calendars() -> None:
    # 10 January: Kyiv is UTC+2, Moscow UTC+3; occupied areas may date by either.
    ukraine = place_interval("2025-01-10", "2025-01-10", Place(Country.UKRAINE, 0.0))
    assert ukraine.start == datetime(2025, 1, 9, 21, tzinfo=UTC)
    assert ukraine.end == datetime(2025, 1, 10, 22, tzinfo=UTC)
    russia = place_interval("2025-01-10", "2025-01-10", Place(Country.RUSSIA, 1.0))
    assert (russia.start, russia.end) == (
        datetime(2025, 1, 9, 21, tzinfo=UTC),
        datetime(2025, 1, 10, 21, tzinfo=UTC),
    )
    summer = place_interval("2025-07-10", "2025-07-10", Place(Country.UKRAINE, 0.0))
    assert summer.duration == timedelta(days=1)


# --- the report -----------------------------------------------------------------------------


def _report_section(agreements: Path, name: str, observations: list[Observation]) -> str:
    agreement = load_agreement(agreements / f"{name}.yaml")
    compiled = compile_agreement(agreement)
    findings = assess(observations, compiled)
    by_id = {o.id: o for o in observations}
    assessment = Assessment(
        agreement=agreement,
        findings=findings,
        observations=by_id,
        summary=summarise(findings, by_id),
        line_distance_m={},
        agreement_sha256="",
    )
    return "\n".join(agreement_section(assessment))


def test_the_report_says_which_party_is_bound(agreements: Path) -> None:
    easter = load_agreement(agreements / "easter-truce-2025.yaml")
    assert bound_lines(easter) == [
        "- binds only Russian Federation (RU): acts attributed to UA are not covered; acts "
        "whose source does not say which party acted are at most *possible*"
    ]
    energy = load_agreement(agreements / "energy-moratorium-2025.yaml")
    assert bound_lines(energy) == ["- binds every party: Russian Federation (RU), Ukraine (UA)"]


def test_the_report_of_a_rejected_proposal_says_would_have(agreements: Path) -> None:
    observation = replace(
        act(Side.RU),
        interval=TimeInterval(
            datetime(2025, 12, 24, 10, tzinfo=UTC),
            datetime(2025, 12, 24, 11, tzinfo=UTC),
            TimePrecision.MINUTE,
        ),
    )
    section = _report_section(agreements, "christmas-truce-2025", [observation])
    assert (
        "**Proposal rejected; never in force.** Every count below is what *would have been*"
        in section
    )
    assert "| would have been a violation | 1 |" in section
    assert "| violation |" not in section
