from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from shapely.geometry import box

from ceasefire.agreement import compile_agreement, load_agreement
from ceasefire.assess import assess, summarise
from ceasefire.domain import (
    Category,
    Location,
    Observation,
    Side,
    TargetClass,
    TimeInterval,
    TimePrecision,
    Verdict,
    WeaponClass,
)
from ceasefire.domain.agreement import Agreement, Party, Scope, Zone, ZoneKind
from ceasefire.ingest.bellingcat import read_bellingcat_json

START = datetime(2025, 5, 7, 21, 0, tzinfo=UTC)
WINDOW = TimeInterval(START, START + timedelta(days=3), TimePrecision.MINUTE)
# A 0.2 x 0.2 degree zone near Zaporizhzhia (about 15 km east-west, 22 km north-south).
ZONE = Zone(
    id="box",
    kind=ZoneKind.WITHDRAWAL,
    geometry=box(35.0, 47.5, 35.2, 47.7),
    prohibited_categories=frozenset(),  # by weapon class only, as the loader builds it
    weapon_classes=frozenset({WeaponClass.MLRS}),
    description="test box",
)
NFZ = Zone(
    id="nfz",
    kind=ZoneKind.NO_FLY,
    geometry=box(36.0, 47.5, 36.2, 47.7),
    prohibited_categories=frozenset({Category.MILITARY_FLIGHT}),
    exempt=frozenset({"mission"}),
)


def agreement(scope: Scope, zones: tuple[Zone, ...] = (ZONE, NFZ)) -> Agreement:
    return Agreement(
        id="t",
        title="t",
        status="hypothetical",
        parties=(Party("RU", "RU"), Party("UA", "UA")),
        window=WINDOW,
        timezone="Europe/Moscow",
        scope=scope,
        zones=zones,
    )


def obs(
    ident: str,
    start_h: float = 10,
    end_h: float = 11,
    category: Category = Category.ONE_WAY_ATTACK_DRONE,
    where: Location | None = None,
    weapon_class: WeaponClass = WeaponClass.UNKNOWN,
    target: TargetClass = TargetClass.UNKNOWN,
    side: Side = Side.UNKNOWN,
    launched: int | None = None,
) -> Observation:
    return Observation(
        id=ident,
        source="test",
        source_record_id=ident,
        interval=TimeInterval(
            START + timedelta(hours=start_h), START + timedelta(hours=end_h), TimePrecision.MINUTE
        ),
        location=where or Location(region="south"),
        category=category,
        weapon_class=weapon_class,
        target_class=target,
        side=side,
        launched=launched,
    )


ALL_DRONES = Scope(frozenset({Category.ONE_WAY_ATTACK_DRONE}))


def verdicts(observations: list[Observation], scope: Scope = ALL_DRONES) -> dict[str, Verdict]:
    findings = assess(observations, compile_agreement(agreement(scope)))
    return {f.subject.id: f.verdict for f in findings}


def test_time_decides_for_scope_clauses() -> None:
    got = verdicts(
        [
            obs("inside", 1, 2),
            obs("straddles-start", -2, 2),
            obs("straddles-end", 71, 73),
            obs("before", -5, -1),
            obs("ends-at-start", -5, 0),
            obs("after", 72, 80),
            obs("not-prohibited", 1, 2, category=Category.SMALL_ARMS),
        ]
    )
    assert got == {
        "inside": Verdict.VIOLATION,
        "straddles-start": Verdict.POSSIBLE,
        "straddles-end": Verdict.POSSIBLE,
        "before": Verdict.NOT_COVERED,
        "ends-at-start": Verdict.NOT_COVERED,
        "after": Verdict.NOT_COVERED,
        "not-prohibited": Verdict.NOT_COVERED,
    }


def test_possible_certainty_is_the_share_inside_the_window() -> None:
    findings = assess([obs("p", -1, 3)], compile_agreement(agreement(ALL_DRONES)))
    assert findings[0].certainty == pytest.approx(0.75)
    assert "only 75% of it inside" in findings[0].reason


def test_target_restricted_scope() -> None:
    energy_only = Scope(frozenset({Category.ONE_WAY_ATTACK_DRONE}), frozenset({TargetClass.ENERGY}))
    got = verdicts(
        [
            obs("energy", target=TargetClass.ENERGY),
            obs("unknown"),
            obs("civilian", target=TargetClass.CIVILIAN),
        ],
        energy_only,
    )
    assert got == {
        "energy": Verdict.VIOLATION,
        "unknown": Verdict.POSSIBLE,
        "civilian": Verdict.NOT_COVERED,
    }


def test_zone_placement_with_uncertainty() -> None:
    mlrs = {"category": Category.HEAVY_WEAPON_PRESENT, "weapon_class": WeaponClass.MLRS}
    got = verdicts(
        [
            obs("centre", where=Location(47.6, 35.1, 1_000), **mlrs),  # type: ignore[arg-type]
            obs("edge-blur", where=Location(47.6, 35.1, 20_000), **mlrs),  # type: ignore[arg-type]
            obs("near-outside", where=Location(47.6, 35.21, 2_000), **mlrs),  # type: ignore[arg-type]
            obs("far", where=Location(47.6, 36.5, 1_000), **mlrs),  # type: ignore[arg-type]
            obs("region-only", **mlrs),  # type: ignore[arg-type]
            obs(
                "other-class",
                where=Location(47.6, 35.1, 0),
                category=Category.HEAVY_WEAPON_PRESENT,
                weapon_class=WeaponClass.TANK,
            ),
        ],
        Scope(frozenset({Category.LONG_RANGE_MISSILE})),
    )
    assert got == {
        "centre": Verdict.VIOLATION,
        "edge-blur": Verdict.POSSIBLE,
        "near-outside": Verdict.POSSIBLE,  # 0.75 km outside, 2 km uncertain
        "far": Verdict.NOT_COVERED,
        "region-only": Verdict.NOT_COVERED,
        "other-class": Verdict.NOT_COVERED,  # a tank is not an MLRS: withdrawal is by class
    }


def test_region_only_observation_says_zones_were_not_checked() -> None:
    findings = assess(
        [obs("r", category=Category.MILITARY_FLIGHT)],
        compile_agreement(agreement(ALL_DRONES)),
    )
    assert findings[0].verdict is Verdict.NOT_COVERED
    assert "not checked: no coordinates" in findings[0].reason


def test_exempt_party_may_fly_in_no_fly_zone() -> None:
    where = Location(47.6, 36.1, 500)
    got = verdicts(
        [
            obs("mission", category=Category.MILITARY_FLIGHT, where=where, side=Side.MISSION),
            obs("ru", category=Category.MILITARY_FLIGHT, where=where, side=Side.RU),
        ]
    )
    assert got == {"mission": Verdict.NOT_COVERED, "ru": Verdict.VIOLATION}


def test_strongest_clause_wins_and_all_deciding_clauses_are_named() -> None:
    inside_both = obs(
        "both",
        category=Category.HEAVY_WEAPON_PRESENT,
        where=Location(47.6, 35.1, 0),
        weapon_class=WeaponClass.MLRS,
    )
    scope = Scope(frozenset({Category.HEAVY_WEAPON_PRESENT}))
    finding = assess([inside_both], compile_agreement(agreement(scope)))[0]
    assert finding.verdict is Verdict.VIOLATION
    assert finding.clauses == ("scope", "zone.box")


def test_summary_sums_launched_by_verdict() -> None:
    observations = [obs("a", launched=5), obs("b", -2, 2, launched=7), obs("c", -9, -8, launched=1)]
    findings = assess(observations, compile_agreement(agreement(ALL_DRONES)))
    summary = summarise(findings, {o.id: o for o in observations})
    assert summary.totals[Verdict.VIOLATION].launched == 5
    assert summary.totals[Verdict.POSSIBLE].launched == 7
    assert summary.totals[Verdict.NOT_COVERED].launched == 1


def test_easter_strikes_on_19_april_straddle_the_start_near_the_line(
    data: Path, agreements: Path
) -> None:
    """docs/design.md's ground truth: Nikopol and Kherson, 19 Apr 2025, a few km from the line."""
    incidents = read_bellingcat_json(data / "events" / "bellingcat_incidents.json").observations
    compiled = compile_agreement(load_agreement(agreements / "easter-truce-2025.yaml"))
    findings = assess(incidents, compiled)
    flagged = [
        (o.location.region, f)
        for o, f in zip(incidents, findings, strict=True)
        if f.verdict is not Verdict.NOT_COVERED
    ]
    assert sorted(region or "" for region, _ in flagged) == [
        "Kherson",
        "Nikopol, Dnipropetrovsk region",
    ]
    for _, finding in flagged:
        assert finding.verdict is Verdict.POSSIBLE
        km = float(finding.reason.split(" km from the line")[0].rsplit("[", 1)[1])
        assert 0 < km < 10


def test_settlement_withdrawal_zone_near_the_front_only(agreements: Path) -> None:
    compiled = compile_agreement(load_agreement(agreements / "settlement-2025-12-15.yaml"))
    start = compiled.agreement.window.start + timedelta(days=30)
    day = TimeInterval(start, start + timedelta(hours=1), TimePrecision.MINUTE)
    mlrs = {"category": Category.HEAVY_WEAPON_PRESENT, "weapon_class": WeaponClass.MLRS}
    lviv = replace(obs("lviv", where=Location(49.84, 24.03, 1000), **mlrs), interval=day)  # type: ignore[arg-type]
    front = replace(obs("pokrovsk", where=Location(48.28, 37.18, 1000), **mlrs), interval=day)  # type: ignore[arg-type]
    findings = {f.subject.id: f for f in assess([lviv, front], compiled)}
    assert findings["lviv"].verdict is Verdict.NOT_COVERED
    assert findings["pokrovsk"].verdict is Verdict.VIOLATION
    assert "zone.mlrs" in findings["pokrovsk"].clauses
