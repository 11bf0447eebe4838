"""Point 9: findings that probably report the same event are listed together."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ceasefire.assess.same_event import probable_same_events, probably_same_event
from ceasefire.domain import (
    Category,
    Finding,
    Location,
    Observation,
    TimeInterval,
    TimePrecision,
    Verdict,
)
from ceasefire.domain.ref import RecordKind, RecordRef
from ceasefire.paths import bundled_sources
from ceasefire.pipeline import Assessment, assess_stored, ingest_files
from ceasefire.report.findings_json import assessment_to_json
from ceasefire.report.markdown import agreement_section
from ceasefire.store import open_store

DAY = datetime(2025, 4, 12, 21, 0, tzinfo=UTC)  # 13 April 2025, Kyiv


@pytest.fixture(scope="module")
def moratorium(agreements: Path, tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """The energy moratorium's window and scope, widened to strikes on any target.

    Under the moratorium itself the Bellingcat reports of Sumy state a civilian target (the
    city centre) and are not covered (docs/assessment.md, Point 6), so nothing is left to
    group; the same window under a scope without targets keeps all three reports counted.
    """
    text = (agreements / "energy-moratorium-2025.yaml").read_text(encoding="utf-8")
    widened = text.replace("  targets: [energy]\n", "")
    assert widened != text
    path = tmp_path_factory.mktemp("agreements") / "any-target-moratorium.yaml"
    path.write_text(widened, encoding="utf-8")
    store = open_store("memory://")
    ingest_files(store, bundled_sources())
    return assess_stored(store, path)


def test_the_sumy_strike_of_13_april_2025_is_one_group(moratorium: Assessment) -> None:
    """The Iskander-M bulletin row for Sumy and Bellingcat's two reports of the strike (the
    first impact, 34 killed; the "second strike on the city center") are one group."""
    groups = probable_same_events(moratorium.findings, moratorium.observations)
    def region(finding_id: str) -> str | None:
        return moratorium.observations[finding_id.split(":", 1)[1]].location.region

    sumy = [g for g in groups if any(region(i) == "Sumy" for i in g.finding_ids)]
    assert len(sumy) == 1
    members = [moratorium.observations[i.split(":", 1)[1]] for i in sumy[0].finding_ids]
    assert sorted(o.source for o in members) == ["airforce", "bellingcat", "bellingcat"]
    assert {o.location.region for o in members} == {"Sumy"}
    texts = " | ".join(o.description for o in members)
    assert "Iskander-M" in texts
    assert "34 people" in texts
    assert "Second strike on the city center" in texts
    # the JSON adds the key and keeps every existing one
    document = assessment_to_json(moratorium)
    assert list(document) == ["agreement", "summary", "findings", "probable_same_event"]
    assert document["probable_same_event"] == [
        {"findings": list(g.finding_ids), "reason": g.reason} for g in groups
    ]
    # and the report says so
    section = "\n".join(agreement_section(moratorium))
    assert "### Probably the same event" in section
    assert "probably the same event: " + ", ".join(f"`{i}`" for i in sumy[0].finding_ids) in (
        section
    )


def site(lat: float, lon: float) -> Location:
    """A geolocated site in Sumy, 1 km uncertain, as Bellingcat's are."""
    return Location(lat=lat, lon=lon, uncertainty_m=1_000.0, region="Sumy")


def obs(
    ident: str,
    where: Location,
    category: Category = Category.LONG_RANGE_MISSILE,
    start: datetime = DAY,
    hours: float = 24,
) -> Observation:
    interval = TimeInterval(start, start + timedelta(hours=hours), TimePrecision.DAY)
    return Observation(ident, "test", ident, interval, where, category)


def test_discs_must_overlap() -> None:
    a = obs("a", site(50.9052, 34.7950))
    assert probably_same_event(a, obs("b", site(50.9150, 34.7950)))  # 1.1 km: discs overlap
    assert not probably_same_event(a, obs("c", site(50.9250, 34.7950)))  # 2.2 km apart
    wide = obs("d", Location(lat=50.9052, lon=34.7950, uncertainty_m=50_000.0))
    assert not probably_same_event(a, wide)  # a district-wide disc says nothing


def test_times_must_overlap() -> None:
    a = obs("a", site(50.9052, 34.7950))
    assert not probably_same_event(
        a, obs("b", site(50.9052, 34.7950), start=DAY + timedelta(days=1))
    )
    instant = obs("i", site(50.9052, 34.7950), start=DAY + timedelta(hours=12), hours=0)
    assert probably_same_event(a, instant)
    assert probably_same_event(instant, a)


def test_categories_must_be_compatible() -> None:
    a = obs("a", site(50.9052, 34.7950))
    assert probably_same_event(a, obs("b", site(50.9052, 34.795), category=Category.OTHER))
    assert not probably_same_event(
        a, obs("c", site(50.9052, 34.795), category=Category.ARTILLERY_SHELLING)
    )
    drone = obs("d", site(50.9052, 34.795), category=Category.UNIDENTIFIED_DRONE)
    fpv = obs("e", site(50.9052, 34.795), category=Category.TACTICAL_DRONE)
    assert probably_same_event(drone, fpv)
    assert not probably_same_event(drone, a)


def test_region_rows_join_a_point_of_that_name_but_not_each_other() -> None:
    a = obs("a", site(50.9052, 34.7950))
    row = obs("r", Location(region="sumy"))
    other_row = obs("s", Location(region="Sumy"))
    assert probably_same_event(a, row)
    assert not probably_same_event(row, other_row)
    assert not probably_same_event(obs("k", Location(region="Kharkiv")), a)


def _finding(o: Observation, verdict: Verdict = Verdict.POSSIBLE) -> Finding:
    ref = RecordRef(RecordKind.OBSERVATION, o.id)
    return Finding(f"t:{o.id}", "t", ref, verdict, ("scope",), "r", 0.5)


def test_groups_are_transitive_and_skip_not_covered() -> None:
    chain = [
        obs("a", site(50.900, 34.795)),
        obs("b", site(50.915, 34.795)),
        obs("c", site(50.930, 34.795)),
    ]
    far = obs("z", site(50.0, 36.0))
    quiet = obs("q", site(50.900, 34.795))
    observations = {o.id: o for o in [*chain, far, quiet]}
    findings = [_finding(o) for o in [*chain, far]] + [_finding(quiet, Verdict.NOT_COVERED)]
    groups = probable_same_events(findings, observations)
    assert [g.finding_ids for g in groups] == [("t:a", "t:b", "t:c")]
    assert "3 reports of long_range_missile" in groups[0].reason
