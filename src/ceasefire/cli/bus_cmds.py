"""`ceasefire publish` and `ceasefire worker`: the intake on the bus, from the command line.

Both read the bus from ``--bus`` or ``CEASEFIRE_BUS`` (default ``memory``, the embedded bus).
The embedded bus lives inside one process, so there `publish --db STORE` runs the worker in
the same process and stores what it published; a `worker` process needs a bus other processes
can reach (``nats://HOST:PORT``). See docs/bus.md.
"""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from ceasefire.bus import Bus, open_bus
from ceasefire.bus.memory import MemoryBus
from ceasefire.bus.publisher import PublishOutcome, publish_files
from ceasefire.bus.sender import Sender
from ceasefire.bus.spool import Spool
from ceasefire.bus.subjects import STREAMS
from ceasefire.bus.worker import (
    DEFAULT_ACK_WAIT_S,
    DEFAULT_BATCH,
    DEFAULT_DURABLE,
    Worker,
    run_worker,
)
from ceasefire.cli.errors import error_console, print_message, print_problems
from ceasefire.cli.options import BATCH, Range, check_db_path, check_number
from ceasefire.cli.stores import DEFAULT_DB
from ceasefire.domain.errors import InvalidInputError, StorageUnavailableError, UsageError
from ceasefire.ingest.detect import SourceKind
from ceasefire.monitoring.setup import bundled_unit_of
from ceasefire.store import Store, open_store

MAX_ISSUES_SHOWN = 20
SECONDS = Range("seconds", 0, 86_400)

BusOption = Annotated[
    str | None,
    typer.Option(
        "--bus", envvar="CEASEFIRE_BUS",
        help="Bus URL: memory (embedded, the default) or nats://HOST:PORT (JetStream).",
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="CEASEFIRE_STORE",
        help="Store the observations go to: a SQLite file or a store URL (default ceasefire.db).",
    ),
]

_SHARED_BUS = (
    "a worker needs a bus other processes reach: set CEASEFIRE_BUS=nats://HOST:PORT "
    "(or --bus); the embedded memory bus lives inside one command"
)


def _log(message: str) -> None:
    print_message(error_console(), "bus:", "cyan", message)


def _outcome_line(outcome: PublishOutcome) -> str:
    sent, report = outcome.sent, outcome.report
    return (
        f"{Path(report.path).name}: {outcome.read} read, {sent.published} published,"
        f" {sent.duplicates} already on the bus, {sent.spooled} spooled,"
        f" {len(report.errors)} rejected"
    )


def _store_embedded(bus: Bus, store: Store) -> None:
    """Run the worker in this process until the embedded bus is empty."""
    worker = Worker(bus, store, log=_log)
    while worker.step(0.0):
        pass
    typer.echo(f"stored: {worker.tally.line()}")


def publish(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Source files to publish (as for `ingest`).")
    ] = None,
    bus: BusOption = None,
    spool: Annotated[
        Path | None,
        typer.Option(
            "--spool", help="Directory of this post's spool: what the bus does not take waits"
            " there (a SQLite file) for `--drain`.",
        ),
    ] = None,
    drain: Annotated[
        bool, typer.Option("--drain", help="Send what waits in --spool, oldest first.")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="CEASEFIRE_STORE",
            help="With the embedded memory bus: the store the in-process worker fills (ignored"
            " with NATS, where `ceasefire worker --db` stores).",
        ),
    ] = None,
    kind: Annotated[
        SourceKind | None, typer.Option(help="Source format; detected from the header if unset.")
    ] = None,
    reported_by: Annotated[
        str, typer.Option(help="Who submitted these files, kept on every observation.")
    ] = "",
) -> None:
    """Publish source files' observations to the bus, per source and sector (docs/bus.md)."""
    files = files or []
    if drain and spool is None:
        raise UsageError("--drain sends the spool: give --spool DIR")
    if not files and not drain:
        raise UsageError("give source files to publish, or --drain --spool DIR")
    the_bus = open_bus(bus)
    embedded = isinstance(the_bus, MemoryBus)
    if embedded and db is None:
        raise UsageError(
            "the embedded memory bus lives only as long as this command: give --db STORE to"
            " store what is published, or set CEASEFIRE_BUS=nats://HOST:PORT"
        )
    if embedded and spool is not None:
        raise UsageError("--spool keeps messages for a bus that can be unreachable: use nats://")
    store = open_store(check_db_path(db)) if embedded and db is not None else None
    the_spool = Spool(spool) if spool is not None else None
    try:
        offline = _ensure_streams(the_bus, the_spool)
        if drain and the_spool is not None:
            _drain(the_bus, the_spool, offline)
        sender = Sender(the_bus, the_spool, offline)
        outcomes = publish_files(sender, files, bundled_unit_of(), kind, reported_by)
        for outcome in outcomes:
            print_problems(outcome.report.issues[:MAX_ISSUES_SHOWN])
            typer.echo(_outcome_line(outcome))
        if sender.offline_reason is not None and sender.tally.spooled:
            _log(f"bus unreachable, spooled for --drain: {sender.offline_reason}")
        if the_spool is not None and the_spool.pending():
            typer.echo(f"spool: {the_spool.pending()} messages wait in {the_spool.path}")
        if store is not None:
            _store_embedded(the_bus, store)
    finally:
        if the_spool is not None:
            the_spool.close()
        if store is not None:
            store.close()
        the_bus.close()
    unreadable = [o.report.path for o in outcomes if o.unreadable]
    if unreadable:
        raise InvalidInputError(
            f"{len(unreadable)} of {len(outcomes)} files could not be read whole: "
            + ", ".join(unreadable)
        )


def _drain(bus: Bus, spool: Spool, offline: str | None) -> None:
    """Send the spool; what the bus did not take is an error to retry (exit 7)."""
    if offline is None:
        result = spool.drain(bus)
        typer.echo(
            f"drained: {result.sent} sent ({result.duplicates} already on the bus),"
            f" {result.left} left in {spool.path}"
        )
        left, offline = result.left, result.stopped_by
    else:
        left = spool.pending()
    if left:
        raise StorageUnavailableError(f"{left} messages still wait in {spool.path}: {offline}")


def _ensure_streams(bus: Bus, spool: Spool | None) -> str | None:
    """Create the streams; with a spool, a bus that cannot be reached is not an error (the
    messages wait in the spool: returns why), without one it is (exit 7)."""
    try:
        bus.ensure_streams(STREAMS)
    except StorageUnavailableError as exc:
        if spool is None:
            raise
        return exc.detail
    return None


def worker(
    bus: BusOption = None,
    db: StoreOption = None,
    durable: Annotated[
        str, typer.Option(help="Durable consumer name: workers of one name share the work.")
    ] = DEFAULT_DURABLE,
    batch: Annotated[
        int, typer.Option(help="Messages per store transaction.")
    ] = DEFAULT_BATCH,
    ack_wait: Annotated[
        float,
        typer.Option(
            help="Seconds before a message a worker took but did not acknowledge goes to"
            " another (set when the consumer is first created)."
        ),
    ] = DEFAULT_ACK_WAIT_S,
    stop_when_idle: Annotated[
        float | None,
        typer.Option(help="Exit after this many seconds without a message (default: never)."),
    ] = None,
) -> None:
    """Consume observations from the bus and store them with their ledger entries; run as
    many as you like (same --durable: the work is shared). Stops on SIGTERM or Ctrl-C after
    the batch in hand."""
    check_number("--batch", batch, BATCH)
    check_number("--ack-wait", ack_wait, SECONDS)
    if stop_when_idle is not None:
        check_number("--stop-when-idle", stop_when_idle, SECONDS)
    if not durable.replace("-", "").replace("_", "").isalnum():
        raise UsageError(f"--durable {durable!r}: use letters, digits, '-' and '_' only")
    the_bus = open_bus(bus)
    if isinstance(the_bus, MemoryBus):
        raise UsageError(_SHARED_BUS)
    store = open_store(check_db_path(db or DEFAULT_DB))
    stopping: list[int] = []

    def stop_on(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, stop_on) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        if store.ledger() is None:
            _log(f"{store.url} keeps no evidence ledger (`ceasefire ledger init`): storing"
                 " observations without ledger entries")
        the_worker = Worker(the_bus, store, durable, batch, ack_wait, log=_log)
        _log(f"worker {durable!r} on {the_bus.url} storing into {store.url}")
        run_worker(the_worker, lambda: bool(stopping), stop_when_idle, log=_log)
        typer.echo(f"worker {durable}: {the_worker.tally.line()}")
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        store.close()
        the_bus.close()
