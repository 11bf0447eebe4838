"""Fault tests on a real NATS JetStream server (our own, which the tests stop on purpose):
a worker killed mid-stream, the server restarted during intake, a stream published twice.
After each, every observation is stored exactly once and the ledger verifies."""

from __future__ import annotations

import re
import signal
import time
from functools import partial
from pathlib import Path

import pytest

from bus_helpers import (
    Held,
    bulletin_rows,
    held,
    ledgered,
    observation,
    observation_rows,
    publish_all,
)
from ceasefire.bus import BusUnavailableError, open_bus
from ceasefire.bus.contract import Bus
from ceasefire.bus.subjects import observation_message
from ceasefire.domain import Observation
from ceasefire.ingest.detect import stream_source
from ceasefire.monitoring.setup import bundled_unit_of
from ceasefire.paths import data_dir
from ceasefire.records import encode
from ceasefire.store import open_store
from nats_helpers import (
    WAIT_S,
    nats_server,
    requires_nats_server,
    run_cli,
    start_worker,
    wait_until,
)

pytestmark = [requires_nats_server(), pytest.mark.slow]

#: Small batches and a short ack wait, so a kill lands mid-stream and redelivery is quick.
WORKER = ("--batch", "5", "--ack-wait", "2")


def stored_exactly_once(db: Path, observations: list[Observation]) -> Held:
    """The store holds each observation once (one version each), the ledger one entry for
    each, and the ledger verifies."""
    store = open_store(str(db))
    try:
        state = held(store)
        ledger = store.ledger()
        assert ledger is not None
        report = ledger.verify()
    finally:
        store.close()
    assert sorted(state.observation_ids) == sorted(o.id for o in observations)
    assert {lid for _, _, lid in state.versions} == {encode(o).ledger_id for o in observations}
    assert state.ledger_size == len(observations)
    assert report.ok, report.reason
    return state


def publish_retrying(bus: Bus, observations: list[Observation]) -> None:
    """Publish each until the bus acknowledges it (the server may be restarting)."""
    unit_of = bundled_unit_of()
    for o in observations:
        message = observation_message(o, unit_of)
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                bus.publish(message)
                break
            except BusUnavailableError:
                assert time.monotonic() < deadline, f"bus never took {message.msg_id}"
                time.sleep(0.1)


def test_a_worker_killed_mid_stream_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    ledgered(db).close()
    observations = [observation(i) for i in range(1500)]
    with nats_server(tmp_path) as server:
        bus = open_bus(server.url)
        try:
            assert publish_all(bus, observations) == len(observations)
        finally:
            bus.close()
        first = start_worker(server.url, db, tmp_path / "w1.log", *WORKER)
        wait_until(lambda: observation_rows(db) >= 20, "the first worker storing")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=WAIT_S)
        at_kill = observation_rows(db)
        assert at_kill < len(observations), "the kill came after the end of the stream"
        second = start_worker(
            server.url, db, tmp_path / "w2.log", *WORKER, "--stop-when-idle", "5"
        )
        assert second.wait(timeout=WAIT_S * 2) == 0, (tmp_path / "w2.log").read_text()
    stored_exactly_once(db, observations)


def test_a_nats_restart_during_intake_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """The server stops and starts again while the worker stores and the publisher sends;
    the worker reconnects by itself, and the publisher's re-sends are duplicates."""
    db = tmp_path / "store.db"
    ledgered(db).close()
    observations = [observation(i) for i in range(1200)]
    first_half, second_half = observations[:600], observations[600:]
    with nats_server(tmp_path) as server:
        bus = open_bus(server.url)
        try:
            publish_all(bus, first_half)
            worker = start_worker(
                server.url, db, tmp_path / "w.log", *WORKER, "--stop-when-idle", "8"
            )
            wait_until(lambda: observation_rows(db) >= 20, "the worker storing")
            server.stop()
            at_stop = observation_rows(db)
            server.start()
            publish_retrying(bus, second_half)
            publish_retrying(bus, first_half)  # a post re-sending what it is unsure of
        finally:
            bus.close()
        assert at_stop < len(observations), "the restart came after the end of the stream"
        assert worker.wait(timeout=WAIT_S * 2) == 0, (tmp_path / "w.log").read_text()
    stored_exactly_once(db, observations)


def test_the_same_file_published_twice_changes_neither_store_nor_ledger(
    tmp_path: Path, bulletins_csv: Path
) -> None:
    """`ceasefire publish` of one file twice (pipelined publishing): the second time every
    message is a duplicate for the bus, and a worker run after it changes nothing."""
    source = bulletin_rows(tmp_path, bulletins_csv, 150)
    _, stream = stream_source(source, data_dir() / "missile_attacks")
    observations = list(stream)
    db = tmp_path / "store.db"
    ledgered(db).close()
    with nats_server(tmp_path) as server:
        first = run_cli("publish", str(source), "--bus", server.url)
        assert first.returncode == 0, first.stderr
        assert f"{len(observations)} published, 0 already on the bus" in first.stdout
        worker = start_worker(server.url, db, tmp_path / "w1.log", "--stop-when-idle", "1")
        assert worker.wait(timeout=WAIT_S) == 0
        before = stored_exactly_once(db, observations)
        again = run_cli("publish", str(source), "--bus", server.url)
        assert f"0 published, {len(observations)} already on the bus" in again.stdout
        worker = start_worker(server.url, db, tmp_path / "w2.log", "--stop-when-idle", "1")
        assert worker.wait(timeout=WAIT_S) == 0
        assert handled(tmp_path / "w2.log") == 0
    assert stored_exactly_once(db, observations) == before


def started(log: Path) -> bool:
    return "storing into" in log.read_text()


def handled(log: Path) -> int:
    """Messages a worker says it handled, from its last line."""
    match = re.search(r"worker \S+: (\d+) messages", log.read_text())
    assert match is not None, log.read_text()
    return int(match.group(1))


def test_two_workers_of_one_durable_share_the_stream_and_store_it_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.db"
    ledgered(db).close()
    observations = [observation(i) for i in range(1500)]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with nats_server(tmp_path) as server:
        workers = [
            start_worker(server.url, db, log, *WORKER, "--stop-when-idle", "4") for log in logs
        ]
        for log in logs:
            wait_until(partial(started, log), f"{log.name} started")
        bus = open_bus(server.url)
        try:
            publish_all(bus, observations)
        finally:
            bus.close()
        for worker, log in zip(workers, logs, strict=True):
            assert worker.wait(timeout=WAIT_S * 2) == 0, log.read_text()
    shares = [handled(log) for log in logs]
    assert min(shares) > 0, shares
    assert sum(shares) >= len(observations)
    stored_exactly_once(db, observations)
