"""Store-and-forward: a post publishes into a link that is down (our own NATS server,
stopped), its messages wait in the spool, and a drain after the server is back sends them in
order, once; a worker then stores exactly what `ingest` would have."""

from __future__ import annotations

from pathlib import Path

import pytest

from bus_helpers import bulletin_rows, ledgered
from ceasefire.bus import Outgoing, open_bus
from ceasefire.bus.memory import MemoryBus
from ceasefire.bus.spool import Spool
from ceasefire.bus.subjects import OBSERVATION_STREAM, STREAMS
from ceasefire.ingest.detect import stream_source
from ceasefire.paths import data_dir
from ceasefire.records import encode
from ceasefire.store import open_store
from nats_helpers import WAIT_S, nats_server, requires_nats_server, run_cli, start_worker

pytestmark = [requires_nats_server(), pytest.mark.slow]


def test_publish_into_a_stopped_link_then_drain_in_order(
    tmp_path: Path, bulletins_csv: Path
) -> None:
    source = bulletin_rows(tmp_path, bulletins_csv, 60)
    _, stream = stream_source(source, data_dir() / "missile_attacks")
    expected = [encode(o).ledger_id for o in stream]
    spool_dir = tmp_path / "spool"
    db = tmp_path / "store.db"
    ledgered(db).close()
    with nats_server(tmp_path, started=False) as server:
        offline = run_cli("publish", str(source), "--bus", server.url, "--spool", str(spool_dir))
        assert offline.returncode == 0, offline.stderr
        assert f"0 published, 0 already on the bus, {len(expected)} spooled" in offline.stdout
        early = run_cli("publish", "--drain", "--bus", server.url, "--spool", str(spool_dir))
        assert early.returncode == 7
        assert f"{len(expected)} messages still wait" in early.stderr
        spool = Spool(spool_dir)
        assert spool.pending() == len(expected)
        spool.close()

        server.start()
        drained = run_cli("publish", "--drain", "--bus", server.url, "--spool", str(spool_dir))
        assert drained.returncode == 0, drained.stderr
        assert f"drained: {len(expected)} sent (0 already on the bus), 0 left" in drained.stdout
        spool = Spool(spool_dir)
        assert spool.pending() == 0
        spool.close()

        bus = open_bus(server.url)
        try:  # an auditor's own consumer: the stream holds the rows once, in file order
            audit = bus.consumer(OBSERVATION_STREAM.name, "audit", "ceasefire.obs.>", 30)
            sent = [d.headers["Nats-Msg-Id"] for d in audit.fetch(1000, 2.0)]
        finally:
            bus.close()
        assert sent == expected

        worker = start_worker(server.url, db, tmp_path / "w.log", "--stop-when-idle", "2")
        assert worker.wait(timeout=WAIT_S) == 0, (tmp_path / "w.log").read_text()
    store = open_store(str(db))
    try:
        assert sorted(r.ledger_id for r in store.stored_records()) == sorted(expected)
        ledger = store.ledger()
        assert ledger is not None
        assert ledger.verify().ok
    finally:
        store.close()


def test_publish_without_a_spool_to_a_stopped_link_fails_retry_later(tmp_path: Path) -> None:
    with nats_server(tmp_path, started=False) as server:
        result = run_cli("publish", str(tmp_path / "x.csv"), "--bus", server.url)
    assert result.returncode == 7
    assert "NATS unavailable" in result.stderr


def test_the_spool_keeps_each_message_once_and_drains_oldest_first(tmp_path: Path) -> None:
    messages = [Outgoing(f"ceasefire.obs.p.s{i % 2}", b"m%d" % i, f"id-{i}") for i in range(6)]
    spool = Spool(tmp_path / "spool")
    try:
        assert spool.put(messages[:4]) == 4
        assert spool.put(messages) == 2  # the first four wait already
        bus = MemoryBus()
        bus.ensure_streams(STREAMS)
        result = spool.drain(bus)
        assert (result.sent, result.duplicates, result.left) == (6, 0, 0)
        kept = bus.messages(OBSERVATION_STREAM.name)
        assert [data for _, data, _ in kept] == [m.data for m in messages]
        spool.put(messages)
        bus.close()  # the link goes down: nothing leaves, nothing is lost
        stopped = spool.drain(bus)
        assert (stopped.sent, stopped.left) == (0, 6)
        assert stopped.stopped_by is not None
    finally:
        spool.close()
