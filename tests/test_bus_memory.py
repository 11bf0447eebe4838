"""The in-process bus keeps JetStream's promises, and the worker's effects are exactly-once
over it: duplicates dropped, unacknowledged messages redelivered, bad messages dead-lettered."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bus_helpers import corrected, held, ledgered, observation, publish_all
from ceasefire.bus import Outgoing, open_bus
from ceasefire.bus.contract import BusUnavailableError, Received
from ceasefire.bus.memory import MemoryBus, subject_matches
from ceasefire.bus.subjects import (
    DEAD_LETTER_STREAM,
    DUPLICATE_WINDOW_S,
    OBSERVATION_STREAM,
    ORIGINAL_SUBJECT_HEADER,
    REASON_HEADER,
    STREAMS,
    observation_message,
)
from ceasefire.bus.worker import BadMessageError, Worker, observation_in
from ceasefire.domain.errors import UsageError
from ceasefire.monitoring.setup import bundled_unit_of
from ceasefire.records import encode
from ceasefire.store import open_store


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bus_with_streams(clock: Clock | None = None) -> MemoryBus:
    bus = MemoryBus(clock=clock or Clock())
    bus.ensure_streams(STREAMS)
    return bus


def message(i: int) -> Outgoing:
    return Outgoing(f"ceasefire.obs.post.s{i % 3}", b"m%d" % i, f"id-{i}")


@pytest.mark.parametrize(
    ("pattern", "subject", "matches"),
    [
        ("ceasefire.obs.>", "ceasefire.obs.ucdp.kharkiv", True),
        ("ceasefire.obs.>", "ceasefire.obs", False),
        ("ceasefire.obs.*.kharkiv", "ceasefire.obs.ucdp.kharkiv", True),
        ("ceasefire.obs.*.kharkiv", "ceasefire.obs.ucdp.odesa", False),
        ("ceasefire.obs.*", "ceasefire.obs.ucdp.kharkiv", False),
        ("ceasefire.obs.ucdp.kharkiv", "ceasefire.obs.ucdp.kharkiv", True),
    ],
)
def test_subjects_match_as_in_nats(pattern: str, subject: str, matches: bool) -> None:
    assert subject_matches(pattern, subject) is matches


def test_a_message_id_seen_within_the_window_is_a_duplicate_and_later_is_not() -> None:
    clock = Clock()
    bus = bus_with_streams(clock)
    first = bus.publish(message(1))
    again = bus.publish(message(1))
    assert (first.duplicate, again.duplicate, again.seq) == (False, True, first.seq)
    clock.now += DUPLICATE_WINDOW_S + 1
    assert bus.publish(message(1)).duplicate is False
    assert len(bus.messages(OBSERVATION_STREAM.name)) == 2


def test_workers_of_one_durable_share_the_work_and_other_durables_see_everything() -> None:
    bus = bus_with_streams()
    for i in range(10):
        bus.publish(message(i))
    one = bus.consumer(OBSERVATION_STREAM.name, "w", "ceasefire.obs.>", 30)
    two = bus.consumer(OBSERVATION_STREAM.name, "w", "ceasefire.obs.>", 30)
    audit = bus.consumer(OBSERVATION_STREAM.name, "audit", "ceasefire.obs.>", 30)
    a, b = one.fetch(6, 0), two.fetch(6, 0)
    assert [d.data for d in a + b] == [b"m%d" % i for i in range(10)]
    assert len(audit.fetch(100, 0)) == 10


def test_a_filter_takes_only_its_sector() -> None:
    bus = bus_with_streams()
    for i in range(9):
        bus.publish(message(i))
    sector = bus.consumer(OBSERVATION_STREAM.name, "s1", "ceasefire.obs.*.s1", 30)
    assert [d.data for d in sector.fetch(100, 0)] == [b"m1", b"m4", b"m7"]


def test_unacknowledged_messages_come_again_after_the_ack_wait_and_acked_ones_never() -> None:
    clock = Clock()
    bus = bus_with_streams(clock)
    for i in range(3):
        bus.publish(message(i))
    consumer = bus.consumer(OBSERVATION_STREAM.name, "w", "ceasefire.obs.>", 30)
    first = consumer.fetch(10, 0)
    first[0].ack()
    first[1].term()
    assert consumer.fetch(10, 0) == []  # the third is still out with its (dead) worker
    clock.now += 31
    again = consumer.fetch(10, 0)
    assert [(d.data, d.deliveries) for d in again] == [(b"m2", 2)]
    again[0].nak(5)
    clock.now += 6
    assert [d.data for d in consumer.fetch(10, 0)] == [b"m2"]


def test_a_subject_no_stream_keeps_is_refused_and_a_closed_bus_too() -> None:
    bus = bus_with_streams()
    with pytest.raises(BusUnavailableError, match=r"no stream keeps subject 'elsewhere\.x'"):
        bus.publish(Outgoing("elsewhere.x", b"", "x"))
    bus.close()
    with pytest.raises(BusUnavailableError, match="closed"):
        bus.publish(message(1))


@pytest.mark.parametrize(
    "url", ["memory://x", "memory:///path", "kafka://h:1", "nats://", "nats://h:1/path"]
)
def test_bad_bus_urls_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError, match="bus"):
        open_bus(url).close()


def test_the_default_and_bare_memory_open_the_embedded_bus() -> None:
    assert isinstance(open_bus(None), MemoryBus)
    assert open_bus("memory").url == "memory://"


# -- the worker over the memory bus ----------------------------------------------------------


def drain(worker: Worker) -> None:
    while worker.step(0.0):
        pass


def test_every_published_observation_is_stored_once_with_its_ledger_entry(tmp_path: Path) -> None:
    bus, store = bus_with_streams(), ledgered(tmp_path / "s.db")
    observations = [observation(i) for i in range(250)]
    assert publish_all(bus, observations) == 250
    worker = Worker(bus, store, batch=40)
    drain(worker)
    state = held(store)
    assert sorted(state.observation_ids) == sorted(o.id for o in observations)
    assert state.ledger_size == 250
    assert {lid for _, _, lid in state.versions} == {encode(o).ledger_id for o in observations}
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.verify().ok
    assert (worker.tally.added, worker.tally.logged) == (250, 250)


def test_a_replayed_stream_changes_neither_store_nor_ledger(tmp_path: Path) -> None:
    """The same stream again, past the bus's duplicate window so every message reaches the
    worker a second time: the store's idempotent write adds nothing."""
    clock = Clock()
    bus, store = bus_with_streams(clock), ledgered(tmp_path / "s.db")
    observations = [observation(i) for i in range(60)]
    publish_all(bus, observations)
    worker = Worker(bus, store, batch=25)
    drain(worker)
    before = held(store)
    assert publish_all(bus, observations) == 0  # within the window: the bus drops them all
    clock.now += DUPLICATE_WINDOW_S + 1
    assert publish_all(bus, observations) == 60  # past it: they all reach the worker
    drain(worker)
    assert held(store) == before
    assert worker.tally.already_present == 60


def test_a_corrected_row_is_a_new_message_and_supersedes_in_the_store(tmp_path: Path) -> None:
    bus, store = bus_with_streams(), ledgered(tmp_path / "s.db")
    original = observation(1)
    unit_of = bundled_unit_of()
    assert (
        observation_message(original, unit_of).msg_id
        != observation_message(corrected(original), unit_of).msg_id
    )
    publish_all(bus, [original, observation(2), corrected(original)])  # one batch, two versions
    worker = Worker(bus, store)
    drain(worker)
    stored = store.get_observation(original.id)
    assert stored is not None
    assert stored.description.endswith("(corrected)")
    assert worker.tally.corrected == 1
    assert len(store.history(encode(original).ref)) == 2


def test_a_bad_message_goes_to_dead_letters_with_its_reason_and_the_worker_goes_on(
    tmp_path: Path,
) -> None:
    bus, store = bus_with_streams(), ledgered(tmp_path / "s.db")
    good = observation(1)
    canonical = observation_message(good, bundled_unit_of())
    reordered = canonical.data.replace(b'{"id":', b'{ "id":', 1)  # same JSON, not canonical
    bad = [
        Outgoing("ceasefire.obs.post-7.kharkiv", b"\xff not json", "junk-1"),
        Outgoing("ceasefire.obs.post-7.kharkiv", reordered, "junk-2"),
        Outgoing("ceasefire.obs.post-7.kharkiv", canonical.data, "observation/other/0"),
    ]
    for m in bad:
        bus.publish(m)
    bus.publish(canonical)
    worker = Worker(bus, store)
    drain(worker)
    assert store.count_observations() == 1
    assert held(store).ledger_size == 1  # bad input left no trace in store or ledger
    dead = bus.messages(DEAD_LETTER_STREAM.name)
    reasons = [headers[REASON_HEADER] for _, _, headers in dead]
    assert "does not decode as a record" in reasons[0]
    assert "not the canonical encoding" in reasons[1]
    assert "does not name its content" in reasons[2]
    assert {s for s, _, _ in dead} == {"ceasefire.dead.ceasefire.obs.post-7.kharkiv"}
    assert {h[ORIGINAL_SUBJECT_HEADER] for _, _, h in dead} == {"ceasefire.obs.post-7.kharkiv"}
    assert [d for _, d, _ in dead] == [m.data for m in bad]
    # terminated, not retried: nothing comes again however long we wait
    assert worker.step(0.0) == 0
    assert worker.tally.dead_letters == 3


def test_a_worker_failing_mid_batch_loses_nothing(tmp_path: Path) -> None:
    """A worker whose store write fails (here: a read-only store refuses it) neither stores
    nor acknowledges: after the ack wait the batch goes to another worker, which stores it."""
    clock = Clock()
    bus = bus_with_streams(clock)
    publish_all(bus, [observation(i) for i in range(5)])
    ledgered(tmp_path / "s.db").close()
    readonly = open_store(str(tmp_path / "s.db"), readonly=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        Worker(bus, readonly, ack_wait_s=30).step(0.0)
    readonly.close()
    store = open_store(str(tmp_path / "s.db"))
    second = Worker(bus, store, ack_wait_s=30)
    assert second.step(0.0) == 0  # still out with the failed worker
    clock.now += 31
    drain(second)
    assert store.count_observations() == 5
    assert second.tally.logged == 5


def tampered(field: str, value: object) -> bytes:
    document = json.loads(encode(observation(1)).data)
    document["observation"][field] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "data",
    [b"", b"null", b"[]", b'{"kind": "finding"}', tampered("id", {}), tampered("launched", -3),
     tampered("interval", "yesterday"), tampered("category", "rumour")],
)
def test_a_message_that_is_no_storable_observation_is_a_bad_message(data: bytes) -> None:
    """Whatever the bytes, the worker's check says BadMessageError (dead letter), never
    another exception that would stop the worker and bring the message back for ever."""
    with pytest.raises(BadMessageError):
        observation_in(Received("ceasefire.obs.x.y", data, {}, 1))
