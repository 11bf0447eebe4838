"""The store contract, as tests every backend must pass (docs/store.md).

Each test runs against every backend through its URL (the `store` fixture); a new backend
(PostgreSQL) adds its URL there and must pass them unchanged. Nothing here may reach behind
the `Store` interface: backend-specific checks live in test_store_sqlite.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ceasefire.domain import (
    Category,
    ClockTrack,
    Finding,
    Incident,
    Location,
    Message,
    MessageKind,
    Observation,
    RecordKind,
    RecordRef,
    Report,
    ResponseClock,
    Side,
    TimeInterval,
    TimePrecision,
    Transition,
    Verdict,
)
from ceasefire.domain.clock import RESPONSE_TIME
from ceasefire.domain.errors import ConflictError, NotFoundError
from ceasefire.ledger.note import Signer
from ceasefire.records import encode
from ceasefire.store import (
    AddResult,
    ConflictingRecordError,
    ObservationQuery,
    Store,
    open_store,
)

T0 = datetime(2025, 5, 8, 0, 0, tzinfo=UTC)

#: One URL template per backend; {tmp} is the test's own directory, {pg} a fresh schema in the
#: session's throwaway PostgreSQL database (tests/pg_helpers.py).
BACKENDS = {
    "sqlite-file": "sqlite:///{tmp}/store.db",
    "sqlite-memory": "sqlite://",
    "memory": "memory://",
    "postgresql": "{pg}",
}


def backend_url(request: pytest.FixtureRequest, name: str, tmp_path: Path) -> str:
    """The URL of a new, empty store of backend `name` (the session's PostgreSQL database is
    asked for only by the PostgreSQL runs, so the others never need a server)."""
    template = BACKENDS[name]
    pg = request.getfixturevalue("pg").fresh_url() if "{pg}" in template else ""
    return template.format(tmp=tmp_path, pg=pg)


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(backend_url(request, request.param, tmp_path))
    yield opened
    opened.close()


def obs(
    n: int,
    start_h: float = 0.0,
    hours: float = 1.0,
    source: str = "bellingcat",
    launched: int | None = None,
) -> Observation:
    start = T0 + timedelta(hours=start_h)
    return Observation(
        id=f"{source}:{n:05d}",
        source=source,
        source_record_id=str(n),
        interval=TimeInterval(start, start + timedelta(hours=hours), TimePrecision.MINUTE),
        location=Location(lat=48.0, lon=37.0 + n / 1000, uncertainty_m=100.0),
        category=Category.ARTILLERY_SHELLING,
        launched=launched,
        extras={"row": n},
    )


def finding(agreement: str, o: Observation, verdict: Verdict, reason: str = "r") -> Finding:
    return Finding(
        id=f"{agreement}:{o.id}",
        agreement_id=agreement,
        subject=RecordRef(RecordKind.OBSERVATION, o.id),
        verdict=verdict,
        clauses=("scope",),
        reason=reason,
        certainty=1.0,
    )


def correct(store: Store, stored: Observation, launched: int) -> Transition:
    """An analyst's correction of the launched count of a stored observation."""
    ref = RecordRef(RecordKind.OBSERVATION, stored.id)
    return store.supersede(ref, replace(stored, launched=launched), actor="a", reason="r", at=T0)


def ids(observations: list[Observation]) -> list[str]:
    return [o.id for o in observations]


def test_round_trip_and_get_by_id(store: Store) -> None:
    batch = [obs(n) for n in range(20)]
    result = store.add_observations(batch)
    assert (result.added, result.already_present) == (20, 0)
    assert store.observations() == sorted(batch, key=lambda o: o.id)
    assert store.get_observation(batch[7].id) == batch[7]
    assert store.get_observation("bellingcat:nope") is None
    stored = store.get(RecordRef(RecordKind.OBSERVATION, batch[7].id))
    assert stored is not None
    assert stored.current
    assert stored.data == encode(batch[7]).data
    assert store.count_observations() == 20


def test_identical_records_are_counted_not_duplicated(store: Store) -> None:
    store.add_observations([obs(n) for n in range(5)])
    again = store.add_observations([obs(n) for n in range(8)])
    assert (again.added, again.already_present) == (3, 5)
    twice = store.add_observations([obs(9), obs(9)])
    assert (twice.added, twice.already_present) == (1, 1)
    assert store.count_observations() == 9


def test_different_content_under_a_used_id_refuses_the_whole_batch(store: Store) -> None:
    store.add_observations([obs(n) for n in range(5)])
    tampered = replace(obs(3), description="rewritten")
    with pytest.raises(ConflictingRecordError, match="bellingcat:00003"):
        store.add_observations([obs(10), obs(11), tampered])
    assert store.count_observations() == 5
    assert store.get_observation(obs(3).id) == obs(3)
    assert store.get_observation(obs(10).id) is None


def test_pages_cover_everything_once_in_id_order(store: Store) -> None:
    store.add_observations([obs(n, source=s) for n in range(23) for s in ("cir", "bellingcat")])
    query = ObservationQuery.of(sources=["cir"])
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        page = store.observation_page(query, after, limit=5)
        assert len(page.items) <= 5
        seen += ids(page.items)
        pages += 1
        if page.next is None:
            break
        after = page.next
    assert seen == sorted(f"cir:{n:05d}" for n in range(23))
    assert pages == 5
    assert store.observation_page(query, "cir:00022", limit=5).items == []


def test_time_filter_is_half_open(store: Store) -> None:
    window = (T0 + timedelta(hours=10), T0 + timedelta(hours=20))
    cases = {
        obs(1, start_h=9, hours=1): False,  # ends exactly at the window's start
        obs(2, start_h=9, hours=1.5): True,  # straddles the start
        obs(3, start_h=10, hours=0): True,  # an instant at the start
        obs(4, start_h=20, hours=0): False,  # an instant at the end
        obs(5, start_h=20, hours=2): False,  # starts at the end
        obs(6, start_h=19, hours=2): True,  # straddles the end
        obs(7, start_h=12, hours=1): True,  # inside
        obs(8, start_h=0, hours=48): True,  # covers the window
        obs(9, start_h=15, hours=0): True,  # an instant inside
    }
    store.add_observations(list(cases))
    found = set(ids(store.observations(overlapping=window)))
    assert found == {o.id for o, inside in cases.items() if inside}


def test_source_filter(store: Store) -> None:
    store.add_observations([obs(1, source="cir"), obs(2, source="ucdp"), obs(3)])
    assert ids(store.observations(sources=["ucdp", "cir"])) == ["cir:00001", "ucdp:00002"]
    assert store.observations(sources=["airforce"]) == []


def test_box_filter_includes_its_edges_and_never_a_region_only_place(store: Store) -> None:
    located = [obs(n) for n in range(10)]  # lat 48, lon 37 + n/1000
    by_region = replace(obs(20), location=Location(region="Donetsk oblast"))
    store.add_observations([*located, by_region, obs(5, source="cir")])
    box = (37 + 2 / 1000, 47.5, 37 + 5 / 1000, 48.0)  # west and east on points, north on lat
    query = ObservationQuery.of(bbox=box)
    wanted = ["bellingcat:00002", "bellingcat:00003", "bellingcat:00004", "bellingcat:00005",
              "cir:00005"]
    assert ids(store.observation_page(query, limit=100).items) == wanted
    first = store.observation_page(query, limit=3)
    assert ids(first.items) == wanted[:3]
    assert ids(store.observation_page(query, first.next, limit=3).items) == wanted[3:]
    both = ObservationQuery.of(sources=["cir"], bbox=box)
    assert ids(store.observation_page(both).items) == ["cir:00005"]
    world = ObservationQuery.of(bbox=(-180.0, -90.0, 180.0, 90.0))
    assert by_region.id not in ids(store.observation_page(world, limit=100).items)
    assert store.observation_page(ObservationQuery.of(bbox=(0.0, 0.0, 1.0, 1.0))).items == []


def test_supersede_keeps_the_predecessor_and_records_the_transition(store: Store) -> None:
    original = obs(1, launched=3)
    store.add_observations([original, obs(2)])
    corrected = replace(original, launched=4)
    transition = store.supersede(
        RecordRef(RecordKind.OBSERVATION, original.id),
        corrected,
        actor="mission/analyst-1",
        reason="bulletin corrected the count",
        at=T0,
    )
    assert store.get_observation(original.id) == corrected
    assert store.count_observations() == 2
    reread = store.add_observations([original, obs(2)])  # the source file, imported again
    assert (reread.added, reread.already_present) == (0, 2)
    assert store.get_observation(original.id) == corrected
    versions = store.history(RecordRef(RecordKind.OBSERVATION, original.id))
    assert [v.value() for v in versions] == [original, corrected]
    assert [v.current for v in versions] == [False, True]
    assert versions[0].superseded_by == versions[1].ledger_id
    step = store.get(RecordRef(RecordKind.TRANSITION, transition.id))
    assert step is not None
    assert step.value() == transition
    assert transition.successor == RecordRef(RecordKind.OBSERVATION, original.id)
    assert (transition.from_state, transition.to_state) == ("current", "superseded")


def test_supersede_by_a_record_under_a_new_id(store: Store) -> None:
    old = obs(1)
    store.add_observations([old])
    new = replace(obs(2), description="same event, re-dated")
    store.supersede(
        old_ref := RecordRef(RecordKind.OBSERVATION, old.id), new, actor="a", reason="r", at=T0
    )
    assert store.get(old_ref) is None
    assert ids(store.observations()) == [new.id]
    history = store.history(RecordRef(RecordKind.OBSERVATION, new.id))
    assert [v.ref.id for v in history] == [old.id, new.id]


def test_supersede_refusals(store: Store) -> None:
    store.add_observations([obs(1), obs(2)])
    ref = RecordRef(RecordKind.OBSERVATION, obs(1).id)
    with pytest.raises(NotFoundError):
        store.supersede(
            RecordRef(RecordKind.OBSERVATION, "x:1"), obs(3), actor="a", reason="r", at=T0
        )
    with pytest.raises(ConflictError, match="identical"):
        store.supersede(ref, obs(1), actor="a", reason="r", at=T0)
    with pytest.raises(ConflictingRecordError, match="bellingcat:00002"):
        store.supersede(ref, replace(obs(2), launched=9), actor="a", reason="r", at=T0)
    assert store.observations() == [obs(1), obs(2)]


def republish(store: Store, batch: list[Observation]) -> AddResult:
    """A source file read again: changed records under a used id are corrections."""
    return store.add_or_correct(batch, actor="ingest", reason="re-published", at=T0)


def test_add_or_correct_adds_new_counts_stored_and_supersedes_changed(store: Store) -> None:
    store.add_observations([obs(n, launched=n) for n in range(3)])
    result = republish(store, [obs(0, launched=0), obs(1, launched=7), obs(5)])
    assert (result.added, result.corrected, result.already_present) == (1, 1, 1)
    assert store.count_observations() == 4
    ref = RecordRef(RecordKind.OBSERVATION, obs(1).id)
    versions = store.history(ref)
    assert [v.value() for v in versions] == [obs(1, launched=1), obs(1, launched=7)]
    assert versions[0].superseded_by == versions[1].ledger_id
    (step,) = [r.value() for r in store.stored_records() if r.ref.kind is RecordKind.TRANSITION]
    assert isinstance(step, Transition)
    assert (step.subject, step.successor, step.actor, step.reason, step.at) == (
        ref,
        ref,
        "ingest",
        "re-published",
        T0,
    )
    again = republish(store, [obs(0, launched=0), obs(1, launched=7), obs(5)])
    assert (again.added, again.corrected, again.already_present) == (0, 0, 3)
    older = republish(store, [obs(1, launched=1)])  # an older export read after the new one
    assert (older.corrected, older.already_present) == (0, 1)
    assert store.get_observation(obs(1).id) == obs(1, launched=7)


def test_add_or_correct_after_an_analysts_correction(store: Store) -> None:
    store.add_observations([obs(1, launched=3)])
    correct(store, obs(1, launched=3), launched=4)
    reread = republish(store, [obs(1, launched=3)])  # the original row: the analyst's stands
    assert (reread.corrected, reread.already_present) == (0, 1)
    assert store.get_observation(obs(1).id) == obs(1, launched=4)
    caught_up = republish(store, [obs(1, launched=4)])  # the source now agrees
    assert (caught_up.added, caught_up.corrected, caught_up.already_present) == (0, 0, 1)
    changed = republish(store, [obs(1, launched=5)])  # the source says something new
    assert changed.corrected == 1
    history = store.history(RecordRef(RecordKind.OBSERVATION, obs(1).id))
    assert [v.value().launched for v in history] == [3, 4, 5]  # type: ignore[union-attr]


def test_add_or_correct_refusals_store_nothing(store: Store) -> None:
    store.add_observations([obs(1), obs(2)])
    moved = replace(obs(3), description="obs 2 re-dated")
    store.supersede(
        RecordRef(RecordKind.OBSERVATION, obs(2).id), moved, actor="a", reason="r", at=T0
    )
    assert republish(store, [obs(2)]).already_present == 1  # the moved original, re-read
    with pytest.raises(ConflictingRecordError, match="another id"):
        republish(store, [obs(7), replace(obs(2), launched=9)])
    with pytest.raises(ConflictingRecordError, match="twice in one batch"):
        republish(store, [obs(8), replace(obs(1), launched=1), replace(obs(1), launched=2)])
    assert ids(store.observations()) == [obs(1).id, obs(3).id]
    assert store.get_observation(obs(1).id) == obs(1)


def test_add_or_correct_logs_both_versions_and_the_transition(store: Store) -> None:
    store.initialise_ledger("test/store", Signer.generate("test/store").verifier())
    store.add_observations([obs(1, launched=1), obs(2)])
    result = republish(store, [obs(1, launched=2), obs(2)])
    assert (result.corrected, result.logged) == (1, 2)
    ledger = store.ledger()
    assert ledger is not None
    stored = list(store.stored_records())
    assert ledger.size == len(stored) == 4
    for record in stored:
        assert ledger.entry(record.ledger_id).data == record.data
    assert ledger.verify().ok


def test_findings_are_replaced_per_agreement_and_history_kept(store: Store) -> None:
    a, b = obs(1), obs(2)
    store.add_observations([a, b])
    first = store.replace_findings(
        "x", [finding("x", a, Verdict.VIOLATION), finding("x", b, Verdict.POSSIBLE)]
    )
    assert (first.added, first.already_present) == (2, 0)
    store.replace_findings("y", [finding("y", a, Verdict.NOT_COVERED)])
    same = store.replace_findings(
        "x", [finding("x", a, Verdict.VIOLATION), finding("x", b, Verdict.POSSIBLE)]
    )
    assert (same.added, same.already_present) == (0, 2)
    changed = store.replace_findings("x", [finding("x", b, Verdict.VIOLATION, reason="new")])
    assert (changed.added, changed.already_present) == (1, 0)
    assert [(f.subject.id, f.verdict) for f in store.findings("x")] == [(b.id, Verdict.VIOLATION)]
    assert [f.subject.id for f in store.findings("y")] == [a.id]
    history = store.history(RecordRef(RecordKind.FINDING, f"x:{b.id}"))
    assert [v.value().verdict for v in history] == [Verdict.POSSIBLE, Verdict.VIOLATION]  # type: ignore[union-attr]
    retired = store.history(RecordRef(RecordKind.FINDING, f"x:{a.id}"))
    assert [(v.current, v.superseded_by) for v in retired] == [(False, None)]
    with pytest.raises(ConflictError, match="belongs to y"):
        store.replace_findings("x", [finding("y", a, Verdict.POSSIBLE)])
    assert [f.subject.id for f in store.findings("x")] == [b.id]


def test_change_feed_returns_inserts_and_retirements_after_a_cursor(store: Store) -> None:
    start = int(store.changes().next or 0)
    store.add_observations([obs(1), obs(2)])
    page = store.changes(start)
    assert [c.ref.id for c in page.items] == [obs(1).id, obs(2).id]
    cursor = int(page.next or 0)
    assert store.changes(cursor).items == []
    correct(store, obs(1), launched=1)
    later = store.changes(cursor)
    kinds = [(c.ref.kind, c.current) for c in later.items]
    assert kinds == [
        (RecordKind.OBSERVATION, False),
        (RecordKind.OBSERVATION, True),
        (RecordKind.TRANSITION, True),
    ]
    limited = store.changes(start, limit=2)
    assert len(limited.items) == 2
    assert int(limited.next or 0) > start


def test_change_head_is_the_last_change_number(store: Store) -> None:
    empty = store.change_head()
    store.add_observations([obs(1)])
    head = store.change_head()
    assert head > empty
    assert store.changes(empty).next == str(head)
    assert store.changes(head).items == []
    correct(store, obs(1), launched=1)  # a retirement moves the head too
    assert store.change_head() > head
    assert store.changes(head).next == str(store.change_head())


def test_unit_of_work_is_all_or_nothing(store: Store) -> None:
    store.add_observations([obs(1)])

    def fail_halfway() -> None:
        with store.unit_of_work():
            store.add_observations([obs(2), obs(3)])
            store.replace_findings("x", [finding("x", obs(2), Verdict.VIOLATION)])
            raise RuntimeError("halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        fail_halfway()
    assert ids(store.observations()) == [obs(1).id]
    assert store.findings("x") == []
    with store.unit_of_work():
        store.add_observations([obs(2)])
        store.replace_findings("x", [finding("x", obs(2), Verdict.VIOLATION)])
    assert ids(store.observations()) == [obs(1).id, obs(2).id]
    assert len(store.findings("x")) == 1


def test_ledger_holds_exactly_the_stored_bytes(store: Store) -> None:
    store.add_observations([obs(n) for n in range(10)])  # before the ledger exists
    assert store.ledger() is None
    key = Signer.generate("test/store")
    assert store.initialise_ledger("test/store", key.verifier()).size == 10  # the backlog
    store.add_observations([obs(n) for n in range(15)])
    store.replace_findings("x", [finding("x", obs(1), Verdict.POSSIBLE)])
    correct(store, obs(2), launched=5)
    ledger = store.ledger()
    assert ledger is not None
    stored = list(store.stored_records())
    assert ledger.size == len(stored) == 15 + 1 + 2
    for record in stored:
        assert ledger.entry(record.ledger_id).data == record.data
    assert ledger.verify().ok
    again = store.add_observations([obs(n) for n in range(15)])
    assert (again.added, again.logged) == (0, 0)


def test_unit_of_work_rolls_back_the_ledger_too(store: Store) -> None:
    store.initialise_ledger("test/store", Signer.generate("test/store").verifier())
    store.add_observations([obs(1)])

    def fail_before_commit() -> None:
        with store.unit_of_work():
            store.add_observations([obs(2)])
            raise RuntimeError("after the ledger append, before the commit")

    with pytest.raises(RuntimeError, match="before the commit"):
        fail_before_commit()
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 1
    result = store.add_observations([obs(2)])  # the writer's view of the log was reset
    assert (result.added, result.logged) == (1, 1)
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 2
    assert ledger.verify().ok


def test_threads_share_one_store(store: Store) -> None:
    store.initialise_ledger("test/store", Signer.generate("test/store").verifier())
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for batch in range(5):
                base = worker * 1000 + batch * 10
                store.add_observations([obs(base + n) for n in range(10)])
                assert len(store.observations()) >= 10
        except BaseException as exc:  # reported below, with the thread's failure
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_observations() == 4 * 5 * 10
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 200
    assert ledger.verify().ok


def test_real_records_round_trip_losslessly(store: Store, data: Path) -> None:
    from ceasefire.ingest.airforce_bulletins import read_bulletins
    from ceasefire.ingest.bellingcat import read_bellingcat_json
    from ceasefire.ingest.detect import catalog_for

    bulletins = data / "missile_attacks" / "missile_attacks_daily.csv"
    real = read_bellingcat_json(data / "events" / "bellingcat_incidents.json").observations[:300]
    real += read_bulletins(bulletins, catalog_for(bulletins, bulletins.parent)).observations[:300]
    store.add_observations(real)
    assert store.observations() == sorted(real, key=lambda o: o.id)


# -- incidents, workflow transitions and response clocks (issue 10) ----------------------------


def incident(n: int, start_h: float, members: tuple[str, ...]) -> Incident:
    start = T0 + timedelta(hours=start_h)
    return Incident(
        id=f"inc-{n:04d}",
        observation_ids=members,
        interval=TimeInterval(start, start + timedelta(hours=1), TimePrecision.HOUR),
        location=Location(lat=48.0, lon=37.0, uncertainty_m=500.0),
        category=Category.ARTILLERY_SHELLING,
        independent_sources=len(members),
    )


def test_incidents_are_listed_by_id_filtered_by_time_and_paged(store: Store) -> None:
    made = [incident(n, start_h=n * 2.0, members=(f"o{n}",)) for n in (3, 1, 2)]
    assert store.add_records(made).added == 3
    assert [i.id for i in store.incidents()] == ["inc-0001", "inc-0002", "inc-0003"]
    window = (T0 + timedelta(hours=2), T0 + timedelta(hours=4.5))
    assert [i.id for i in store.incidents(overlapping=window)] == ["inc-0001", "inc-0002"]
    first = store.incident_page(limit=2)
    assert [i.id for i in first.items] == ["inc-0001", "inc-0002"]
    assert first.next == "inc-0002"
    rest = store.incident_page(after=first.next, limit=2)
    assert [i.id for i in rest.items] == ["inc-0003"]
    assert rest.next is None
    assert store.incidents()[0] == made[1]  # read back whole, reasoning included


def test_a_grown_incident_supersedes_its_earlier_version(store: Store) -> None:
    small = incident(1, 0.0, ("o1",))
    store.add_records([small])
    grown = replace(small, observation_ids=("o1", "o2"), independent_sources=2)
    store.add_or_correct([grown], actor="system", reason="re-fused", at=T0)
    assert store.incidents() == [grown]
    ref = RecordRef(RecordKind.INCIDENT, small.id)
    assert [v.value() for v in store.history(ref)] == [small, grown]
    moves = store.transitions(ref)
    assert [(t.from_state, t.to_state) for t in moves] == [("current", "superseded")]


def test_transitions_of_a_record_come_oldest_first(store: Store) -> None:
    subject = RecordRef(RecordKind.INCIDENT, "inc-0001")
    other = RecordRef(RecordKind.INCIDENT, "inc-0002")
    steps = [
        Transition(f"t{n}", subject, a, b, T0 + timedelta(hours=n), "reviewer-1", "why",
                   organisation="mission", evidence=("observation/o1",))
        for n, (a, b) in enumerate([("reported", "corroborated"), ("corroborated", "verified")])
    ]
    # stored newest first, in separate calls: the order is the order they were recorded in
    store.add_records([steps[0]])
    store.add_records([Transition("x", other, "reported", "dismissed", T0, "r", "why")])
    store.add_records([steps[1]])
    assert store.transitions(subject) == steps
    assert store.transitions(RecordRef(RecordKind.INCIDENT, "inc-9")) == []


def test_clocks_are_listed_per_incident_and_in_all(store: Store) -> None:
    def clock(incident_id: str, track: ClockTrack, party: Side) -> ResponseClock:
        return ResponseClock(
            id=f"{incident_id}:{party}:{track}",
            incident_id=incident_id,
            track=track,
            notified_party=party,
            started_at=T0,
            due_at=T0 + RESPONSE_TIME[track],
            started_by="t1",
        )

    made = [
        clock("inc-2", ClockTrack.MILITARY, Side.RU),
        clock("inc-1", ClockTrack.DIPLOMATIC, Side.RU),
        clock("inc-2", ClockTrack.DIPLOMATIC, Side.RU),
    ]
    store.add_records(made)
    assert store.clocks("inc-2") == [made[0], made[2]]
    assert [c.id for c in store.clocks()] == sorted(c.id for c in made)
    assert store.clocks("inc-3") == []
    assert store.index_problems() == []


def test_a_merged_incident_is_retired_into_its_survivor_and_kept(store: Store) -> None:
    absorbed, survivor = incident(2, 0.0, ("o2",)), incident(1, 0.0, ("o1",))
    store.add_records([absorbed, survivor])
    merged = replace(survivor, observation_ids=("o1", "o2"), independent_sources=2)
    store.add_or_correct([merged], actor="system", reason="re-fused", at=T0)
    ref = RecordRef(RecordKind.INCIDENT, absorbed.id)
    into = RecordRef(RecordKind.INCIDENT, survivor.id)
    step = store.retire(ref, successor=into, to_state="merged", actor="system",
                        reason="fused into inc-0001", at=T0)
    assert store.incidents() == [merged]
    assert store.get(ref) is None
    assert store.transitions(ref) == [step]
    assert (step.to_state, step.successor) == ("merged", into)
    assert [v.value() for v in store.history(into)] == [absorbed, survivor, merged]  # stored order
    with pytest.raises(NotFoundError):
        store.retire(ref, successor=into, to_state="merged", actor="s", reason="r", at=T0)
    with pytest.raises(NotFoundError):
        store.retire(into, successor=ref, to_state="merged", actor="s", reason="r", at=T0)
    ledger_ids = {r.ledger_id for r in store.stored_records()}
    assert len(ledger_ids) == 5  # three incident versions, a correction, a merge


def test_messages_are_listed_by_id_with_their_transitions(store: Store) -> None:
    def message(message_id: str) -> Message:
        return Message(
            id=message_id, kind=MessageKind.VIOLATION_NOTICE, sent_at=T0, sender="rev",
            sender_org="Mission", sender_party=None, recipient_org="RU liaison",
            recipient_party=Side.RU, text="notice", incident_id="inc-1",
        )

    made = [message("msg-b"), message("msg-a")]
    store.add_records(made)
    assert store.messages() == [made[1], made[0]]
    read = Transition(
        id="msg-a:delivered", subject=RecordRef(RecordKind.MESSAGE, "msg-a"), from_state="sent",
        to_state="delivered", at=T0, actor="ru", reason="fetched", organisation="RU liaison",
    )
    store.add_records([read])
    assert store.transitions(RecordRef(RecordKind.MESSAGE, "msg-a")) == [read]
    assert store.transitions(RecordRef(RecordKind.MESSAGE, "msg-b")) == []
    assert store.index_problems() == []


def test_reports_are_listed_by_id_and_filtered_by_their_period(store: Store) -> None:
    def report(report_id: str, day: int) -> Report:
        start = datetime(2025, 12, day, tzinfo=UTC)
        return Report(
            id=report_id,
            title=f"Daily report {day}",
            period=TimeInterval(start, start + timedelta(days=1), TimePrecision.DAY),
            issued_at=start + timedelta(days=1, hours=6),
            media_type="text/html",
            sha256="ab" * 32,
        )

    made = [report("rep-b", 26), report("rep-a", 25)]
    store.add_records(made)
    assert store.reports() == [made[1], made[0]]
    the_26th = (datetime(2025, 12, 26, 12, tzinfo=UTC), datetime(2025, 12, 26, 13, tzinfo=UTC))
    assert store.reports(overlapping=the_26th) == [made[0]]
    assert store.reports(overlapping=(T0 - timedelta(days=9), T0 - timedelta(days=8))) == []
    assert store.index_problems() == []


def test_findings_are_paged_by_id(store: Store) -> None:
    made = [finding("agr", obs(n), Verdict.VIOLATION) for n in (3, 1, 2)]
    store.replace_findings("agr", made)
    ids = sorted(f.id for f in made)
    first = store.finding_page("agr", limit=2)
    assert [f.id for f in first.items] == ids[:2]
    assert first.next == ids[1]
    rest = store.finding_page("agr", after=first.next, limit=2)
    assert [f.id for f in rest.items] == ids[2:]
    assert rest.next is None
    assert store.finding_page("other").items == []


def test_findings_of_one_subject_kind_are_replaced_without_touching_the_other(
    store: Store,
) -> None:
    observed = [finding("agr", obs(n), Verdict.VIOLATION) for n in (1, 2)]
    store.replace_findings("agr", observed)
    about_incident = replace(
        observed[0], id="agr:inc-0001", subject=RecordRef(RecordKind.INCIDENT, "inc-0001"))
    store.replace_findings("agr", [about_incident], RecordKind.INCIDENT)
    assert [f.id for f in store.findings("agr")] == sorted(
        [f.id for f in observed] + [about_incident.id])
    store.replace_findings("agr", observed[:1])  # one observation finding gone...
    assert about_incident in store.findings("agr")  # ...the incident's stays
    store.replace_findings("agr", [], RecordKind.INCIDENT)
    assert store.findings("agr") == observed[:1]
    with pytest.raises(ConflictError, match="replace each kind's findings on its own"):
        store.replace_findings("agr", [about_incident])  # an incident finding as observations
    assert store.findings("agr") == observed[:1]
    store.replace_findings("other", [finding("other", obs(3), Verdict.POSSIBLE)])
    assert store.assessed_agreements() == ["agr", "other"]
