"""Monitoring over the store: fusion runs, corrections, bulletin support, the workflow and the
response clocks, end to end through `ceasefire.monitoring` (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ceasefire.domain import (
    Attribution,
    Category,
    ClockState,
    Incident,
    IncidentState,
    Location,
    Observation,
    RecordKind,
    RecordRef,
    ReportKind,
    Side,
    TimeInterval,
    TimePrecision,
)
from ceasefire.domain.errors import ConflictError, ForbiddenError
from ceasefire.monitoring.fusion_run import fuse_stored
from ceasefire.monitoring.origins import normalise_url, origin_keys
from ceasefire.monitoring.review import (
    acknowledge_clock,
    clock_rows,
    queue,
    record_overdue,
    transition_incident,
)
from ceasefire.monitoring.setup import bundled_attributor, bundled_unit_of
from ceasefire.monitoring.summary import feed_overlap
from ceasefire.monitoring.views import workflow_state
from ceasefire.paths import data_dir
from ceasefire.pipeline import ingest_files
from ceasefire.store import Store, open_store
from ceasefire.verify.workflow import TransitionRequest
from raw_feed_overlap import same_post_pairs

T0 = datetime(2025, 4, 19, 6, 0, tzinfo=UTC)
NIKOPOL = (47.5714, 34.3962)
ODESA = (46.4825, 30.7233)


@pytest.fixture
def store() -> Iterator[Store]:
    opened = open_store("memory://")
    yield opened
    opened.close()


def unattributed(incident: Incident, evidence: Sequence[Observation]) -> Attribution:
    return Attribution(reasons=("not attributed in this test",))


def fuse(store: Store, at: datetime = T0) -> list[Incident]:
    return fuse_stored(store, unit_of=bundled_unit_of(), attributor=unattributed, at=at).incidents


def obs(
    n: int,
    *,
    source: str = "bellingcat",
    at: tuple[float, float] = NIKOPOL,
    minutes: float = 0.0,
    url: str | None = None,
    reported_by: str = "",
    category: Category = Category.ARTILLERY_SHELLING,
) -> Observation:
    start = T0 + timedelta(minutes=minutes)
    extras: dict[str, object] = {"row": n}
    if url is not None:
        extras["sources" if source == "bellingcat" else "link"] = (
            [url] if source == "bellingcat" else url
        )
    return Observation(
        id=f"{source}:{n}",
        source=source,
        source_record_id=str(n),
        interval=TimeInterval(start, start + timedelta(minutes=10), TimePrecision.MINUTE),
        location=Location(at[0], at[1], 500.0),
        category=category,
        extras=extras,
        reported_by=reported_by,
    )


def test_urls_are_one_post_however_spelled() -> None:
    same = {
        normalise_url("https://twitter.com/a/status/1?s=20"),
        normalise_url("http://www.x.com/a/status/1/"),
        normalise_url("https://mobile.twitter.com/a/status/1#frag"),
    }
    assert same == {"twitter.com/a/status/1"}
    assert normalise_url("not a url") is None
    cir = obs(1, source="cir", url="https://x.com/a/status/1")
    bellingcat = obs(2, url="https://twitter.com/a/status/1?t=9")
    assert origin_keys(cir) == origin_keys(bellingcat) == {"url:twitter.com/a/status/1"}
    assert origin_keys(obs(3, source="ucdp")) == {"dataset:ucdp"}


def test_a_post_republished_by_two_feeds_is_one_source(store: Store) -> None:
    url = "https://t.me/channel/42"
    store.add_observations([obs(1, url=url), obs(2, source="cir", url=url)])
    (incident,) = fuse(store)
    assert incident.observation_ids == ("bellingcat:1", "cir:2")
    assert incident.independent_sources == 1
    assert not incident.corroborated
    (group,) = incident.sources
    assert "same original report" in group.reason
    assert workflow_state(store.transitions(RecordRef(RecordKind.INCIDENT, incident.id))) is (
        IncidentState.REPORTED
    )
    store.add_observations([obs(3, source="cir", url="https://t.me/other/7", minutes=5)])
    (grown,) = fuse(store, T0 + timedelta(hours=1))
    assert grown.id == incident.id  # grew, kept its id
    assert grown.independent_sources == 2
    moves = store.transitions(RecordRef(RecordKind.INCIDENT, incident.id))
    assert workflow_state(moves) is IncidentState.CORROBORATED
    assert [(m.from_state, m.to_state) for m in moves] == [
        ("new", "reported"),
        ("current", "superseded"),
        ("reported", "corroborated"),
    ]


def test_the_same_report_delivered_1000_times_is_one_observation(
    store: Store, tmp_path: Path
) -> None:
    record = {
        "date": "2025-04-19", "location": "Nikopol", "description": "Shelling of the embankment",
        "sources": ["https://t.me/x/1"], "latitude": NIKOPOL[0], "longitude": NIKOPOL[1],
    }
    path = tmp_path / "bellingcat.json"
    path.write_text(json.dumps([record] * 1000), encoding="utf-8")
    (first,) = ingest_files(store, [path])
    assert first.stored.added == 1  # the adapter reads the repeats as one row
    assert store.count_observations() == 1
    for _ in range(3):  # and delivered again, file after file
        (again,) = ingest_files(store, [path])
        assert again.stored.added == 0
    for _ in range(1000):
        assert store.add_observations(store.observations()).added == 0
    assert store.count_observations() == 1
    assert len(fuse(store)) == 1
    kinds = [r for r in store.stored_records() if r.ref.kind is RecordKind.OBSERVATION]
    ledger_ids = {r.ledger_id for r in kinds}
    assert len(ledger_ids) == 1


def test_a_corrected_resend_supersedes_and_refusion_follows_it(store: Store) -> None:
    a, b = obs(1), obs(2, source="cir", url="https://t.me/c/1")
    store.add_observations([a, b])
    (together,) = fuse(store)
    assert together.observation_ids == (a.id, b.id)
    moved = replace(b, location=Location(ODESA[0], ODESA[1], 500.0), description="corrected")
    result = store.add_or_correct([moved], actor="cir", reason="re-sent", at=T0)
    assert result.corrected == 1
    history = store.history(RecordRef(RecordKind.OBSERVATION, b.id))
    assert [v.value() for v in history] == [b, moved]
    incidents = fuse(store, T0 + timedelta(hours=1))
    assert {i.observation_ids for i in incidents} == {(a.id,), (b.id,)}
    kept = next(i for i in incidents if i.observation_ids == (a.id,))
    assert kept.id == together.id  # the stored id stays with the part that keeps it
    versions = store.history(RecordRef(RecordKind.INCIDENT, together.id))
    assert len(versions) == 2
    assert len({r.ledger_id for r in store.stored_records()}) == len(list(store.stored_records()))


def test_a_bulletin_row_supports_without_being_fused(store: Store) -> None:
    night = TimeInterval(T0 - timedelta(hours=10), T0 + timedelta(hours=2), TimePrecision.HOUR)
    bulletin = Observation(
        id="airforce:1", source="airforce", source_record_id="1", interval=night,
        location=Location(region="south"), category=Category.ONE_WAY_ATTACK_DRONE,
        report_kind=ReportKind.LAUNCH_REPORT, extras={"source": "kpszsu/posts/1"},
    )
    elsewhere = replace(bulletin, id="airforce:2", source_record_id="2",
                        location=Location(region="Lviv oblast"))
    strike = obs(1, at=ODESA, category=Category.ONE_WAY_ATTACK_DRONE, minutes=-60)
    store.add_observations([bulletin, elsewhere, strike])
    run = fuse_stored(store, unit_of=bundled_unit_of(), attributor=unattributed, at=T0)
    (incident,) = run.incidents
    assert incident.observation_ids == (strike.id,)
    assert [s.observation_id for s in incident.supporting] == ["airforce:1"]
    assert "Odesa" in incident.supporting[0].reason
    assert incident.independent_sources == 1
    assert run.supporting_rows == 1


def _verify_request(incident_id: str, **changes: object) -> TransitionRequest:
    base = TransitionRequest(
        incident_id=incident_id, to_state=IncidentState.VERIFIED, actor="reviewer-1",
        organisation="mission-review", role="reviewer", reason="imagery matches",
        evidence=("https://t.me/c/1",), at=T0 + timedelta(hours=2),
        violation_clause="all_hostilities",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_review_independence_clocks_and_acknowledgment_through_the_store(store: Store) -> None:
    store.add_observations([
        obs(1, reported_by="UA/liaison", url="https://t.me/a/1"),
        obs(2, source="cir", reported_by="mission-osint", url="https://t.me/b/2"),
    ])
    (incident,) = fuse(store)
    assert incident.corroborated
    for org, party in (("UA/liaison", None), ("mission-osint", None), ("other", Side.UA)):
        with pytest.raises(ForbiddenError):
            transition_incident(store, _verify_request(incident.id, organisation=org,
                                                       party=party))
    decision = transition_incident(store, _verify_request(incident.id))
    assert decision.transition.to_state == "verified"
    assert decision.transition.organisation == "mission-review"
    assert "clause:all_hostilities" in decision.transition.evidence
    # attribution undetermined: both parties are notified, each with two clocks
    assert sorted(c.id.split(":", 1)[1] for c in decision.clocks) == [
        "RU:diplomatic", "RU:military", "UA:diplomatic", "UA:military",
    ]
    assert store.clocks(incident.id) == decision.clocks
    with pytest.raises(ConflictError):  # verified is final
        transition_incident(store, _verify_request(incident.id, to_state=IncidentState.DISMISSED,
                                                   violation_clause=None))
    assert queue(store, T0 + timedelta(hours=3)) == []
    day_later = T0 + timedelta(hours=2, days=1)
    alerts = record_overdue(store, day_later)
    assert {a.subject.id for a in alerts} == {f"{incident.id}:RU:diplomatic",
                                              f"{incident.id}:UA:diplomatic"}
    assert record_overdue(store, day_later + timedelta(hours=5)) == []  # recorded once
    with pytest.raises(ForbiddenError):
        acknowledge_clock(store, f"{incident.id}:RU:diplomatic", actor="u", organisation="UA/x",
                          party=Side.RU, at=day_later)
    acknowledge_clock(store, f"{incident.id}:RU:diplomatic", actor="ru-1",
                      organisation="RU/liaison", party=Side.RU, at=day_later)
    states = {r.clock.id.split(":", 1)[1]: r.status.state for r in clock_rows(store, day_later)}
    assert states == {
        "RU:diplomatic": ClockState.ACKNOWLEDGED, "UA:diplomatic": ClockState.OVERDUE,
        "RU:military": ClockState.RUNNING, "UA:military": ClockState.RUNNING,
    }


def test_the_queue_lists_what_waits_oldest_first(store: Store) -> None:
    store.add_observations([obs(1)])
    fuse(store)
    store.add_observations([obs(2, at=ODESA)])
    fuse(store, T0 + timedelta(hours=3))
    entries = queue(store, T0 + timedelta(hours=5))
    assert [(e.age, i.observation_ids) for e, i in entries] == [
        (timedelta(hours=5), ("bellingcat:1",)),
        (timedelta(hours=2), ("bellingcat:2",)),
    ]


@pytest.mark.slow
def test_bundled_feeds_republishing_one_post_never_corroborate_each_other() -> None:
    """On the real Bellingcat JSON and CIR CSV: every Bellingcat and CIR row of one incident
    that cite the same original post sit in one source group (counted once)."""
    store = open_store("memory://")
    events = data_dir() / "events"
    files = [events / "bellingcat_incidents.json", events / "mauforonda_cir_events.csv"]
    ingest_files(store, files)
    run = fuse_stored(store, unit_of=bundled_unit_of(), attributor=bundled_attributor(), at=T0)
    by_id = {o.id: o for o in run.observations}
    shared_pairs = 0
    for incident in run.incidents:
        group_of = {o: n for n, g in enumerate(incident.sources) for o in g.observation_ids}
        members = [by_id[o] for o in incident.observation_ids]
        for b in (m for m in members if m.source == "bellingcat"):
            for c in (m for m in members if m.source == "cir"):
                if origin_keys(b) & origin_keys(c):
                    shared_pairs += 1
                    assert group_of[b.id] == group_of[c.id], incident.id
        assert incident.independent_sources == len(incident.sources)
    assert shared_pairs > 100
    overlap = feed_overlap(run.incidents, by_id)
    assert overlap.same_post_pairs == shared_pairs
    assert overlap.counted_twice == 0
    assert overlap.corroborated_only_by_other_feed == 0
    # the raw files, recounted without ceasefire's adapters (docs/hand-check.md): 843 pairs
    # cite one post, 788 of them on the same day within fusion's reach; every pair that also
    # passes the category gate is in one incident (checked above, pair by pair)
    assert same_post_pairs(events) == (843, 788)
    assert shared_pairs <= 788
    store.close()
