"""A worker: take observations off the bus, store them with their ledger entries, acknowledge.

The order is what makes the effects exactly-once over at-least-once delivery:

1. fetch a batch from the durable consumer (shared by every worker of the same name);
2. write the batch in **one** store unit of work — records and ledger entries together,
   `add_or_correct`, so a message seen before adds nothing and a corrected version supersedes;
3. only after the commit, acknowledge each message.

A worker killed before 3 leaves its messages unacknowledged: JetStream hands them out again
after the ack wait, and step 2 finds them stored (if the commit happened) or not (if it rolled
back) — either way each observation ends up stored once. A message that does not decode, or
is not the canonical encoding of an observation, is never retried in a loop: it is published
to the dead-letter subject with its reason, terminated, and the worker goes on.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ceasefire.bus.contract import (
    MSG_ID_HEADER,
    Bus,
    BusUnavailableError,
    Consumer,
    Delivery,
    Received,
)
from ceasefire.bus.subjects import (
    DEAD_LETTER_PREFIX,
    OBSERVATION_STREAM,
    OBSERVATIONS_PREFIX,
    STREAMS,
    dead_letter,
)
from ceasefire.domain import Observation
from ceasefire.domain.errors import CeasefireError, InvalidInputError, StorageUnavailableError
from ceasefire.pipeline import REPUBLISHED, first_reporter, plus
from ceasefire.records import decode, encode
from ceasefire.store import AddResult, Store

Log = Callable[[str], None]

DEFAULT_DURABLE = "ceasefire-workers"
DEFAULT_BATCH = 100
DEFAULT_ACK_WAIT_S = 30.0
#: How long to wait before a batch the store could not take is offered again (seconds).
RETRY_DELAY_S = 1.0


@dataclass
class WorkerTally:
    """What this worker did since it started."""

    messages: int = 0
    added: int = 0
    corrected: int = 0
    already_present: int = 0
    logged: int = 0
    dead_letters: int = 0
    retried: int = 0
    """Messages given back (nak) because the store could not take them right now."""

    def count(self, result: AddResult) -> None:
        self.added += result.added
        self.corrected += result.corrected
        self.already_present += result.already_present
        self.logged += result.logged

    def line(self) -> str:
        return (
            f"{self.messages} messages: {self.added} added, {self.corrected} corrected,"
            f" {self.already_present} already stored, {self.logged} ledger entries,"
            f" {self.dead_letters} dead letters, {self.retried} given back"
        )


class BadMessageError(InvalidInputError):
    """A message that can never be stored as it is; its detail says why."""


def observation_in(delivery: Received | Delivery) -> Observation:
    """The observation a message carries; BadMessageError if it carries anything else, or
    bytes other than the observation's canonical envelope (what the ledger would commit to
    must be exactly what the post sent)."""
    try:
        record = decode(delivery.data)
    except CeasefireError as exc:
        raise BadMessageError(f"does not decode as a record: {exc.detail}") from None
    if not isinstance(record, Observation):
        raise BadMessageError(f"carries a {type(record).__name__}, not an observation")
    try:
        encoded = encode(record)
    except (CeasefireError, ValueError, TypeError) as exc:  # a field decode let through
        raise BadMessageError(f"cannot be recorded exactly: {exc}") from None
    if encoded.data != delivery.data:
        raise BadMessageError(f"{encoded.ref}: not the canonical encoding of the record")
    claimed = delivery.headers.get(MSG_ID_HEADER)
    if claimed is not None and claimed != encoded.ledger_id:
        raise BadMessageError(
            f"{encoded.ref}: message id {claimed!r} does not name its content ({encoded.ledger_id})"
        )
    return record


def distinct_runs(observations: Sequence[Observation]) -> list[list[Observation]]:
    """The batch cut, in order, into runs in which no id repeats: two versions of one record
    in one batch (a row and its correction) are written one after the other, never in one
    call that would have to choose between them."""
    runs: list[list[Observation]] = [[]]
    seen: set[str] = set()
    for observation in observations:
        if observation.id in seen:
            runs.append([])
            seen.clear()
        runs[-1].append(observation)
        seen.add(observation.id)
    return [run for run in runs if run]


class Worker:
    """One worker process's loop over a durable consumer (see the module's docstring)."""

    def __init__(
        self, bus: Bus, store: Store, durable: str = DEFAULT_DURABLE, batch: int = DEFAULT_BATCH,
        ack_wait_s: float = DEFAULT_ACK_WAIT_S, log: Log = lambda _: None,
    ) -> None:
        self._bus, self._store, self._durable = bus, store, durable
        self._batch, self._ack_wait_s, self._log = batch, ack_wait_s, log
        self._consumer: Consumer | None = None
        self.tally = WorkerTally()

    def step(self, timeout_s: float = 1.0) -> int:
        """Fetch and handle one batch; the number of messages handled (0: none came).
        BusUnavailableError when the bus cannot be reached (the caller waits and retries)."""
        if self._consumer is None:
            self._bus.ensure_streams(STREAMS)
            self._consumer = self._bus.consumer(
                OBSERVATION_STREAM.name, self._durable, f"{OBSERVATIONS_PREFIX}.>", self._ack_wait_s
            )
        deliveries = self._consumer.fetch(self._batch, timeout_s)
        if deliveries:
            self.handle(deliveries)
        return len(deliveries)

    def handle(self, deliveries: Sequence[Delivery]) -> None:
        """Store the good messages of a batch in one unit of work, then acknowledge them; send
        the bad ones to dead letters."""
        self.tally.messages += len(deliveries)
        good: list[tuple[Delivery, Observation]] = []
        for delivery in deliveries:
            try:
                good.append((delivery, observation_in(delivery)))
            except BadMessageError as exc:
                self._dead_letter(delivery, exc.detail)
        if not good:
            return
        try:
            self.tally.count(self._write([o for _, o in good]))
        except StorageUnavailableError as exc:
            self._log(f"store unavailable, {len(good)} messages given back: {exc.detail}")
            self._give_back([d for d, _ in good])
            return
        except CeasefireError:  # one record the store refuses: find it, store the others
            self._one_by_one(good)
            return
        self._ack([d for d, _ in good])

    def _write(self, observations: Sequence[Observation]) -> AddResult:
        total = AddResult(0, 0)
        at = datetime.now(UTC)
        with self._store.unit_of_work():
            for run in distinct_runs(observations):
                by_reporter: dict[str, list[Observation]] = defaultdict(list)
                for observation in run:
                    by_reporter[observation.reported_by].append(observation)
                for reporter, group in by_reporter.items():
                    # The same row sent by a second party keeps its first reporter (as ingest).
                    kept = first_reporter(self._store, group, reporter)
                    result = self._store.add_or_correct(
                        kept, actor=reporter or "bus", reason=REPUBLISHED, at=at
                    )
                    total = plus(total, result)
        return total

    def _one_by_one(self, good: Sequence[tuple[Delivery, Observation]]) -> None:
        for delivery, observation in good:
            try:
                self.tally.count(self._write([observation]))
            except StorageUnavailableError as exc:
                self._log(f"store unavailable, message given back: {exc.detail}")
                self._give_back([delivery])
                continue
            except CeasefireError as exc:
                reason = f"observation/{observation.id}: refused by the store: {exc}"
                self._dead_letter(delivery, reason)
                continue
            self._ack([delivery])

    def _ack(self, deliveries: Sequence[Delivery]) -> None:
        """Acknowledge stored messages. An acknowledgement lost on the way is harmless: the
        message comes again and its write adds nothing."""
        for delivery in deliveries:
            try:
                delivery.ack()
            except BusUnavailableError as exc:
                self._log(f"acknowledgement lost (the message will come again): {exc.detail}")
                return

    def _give_back(self, deliveries: Sequence[Delivery]) -> None:
        self.tally.retried += len(deliveries)
        for delivery in deliveries:
            try:
                delivery.nak(RETRY_DELAY_S)
            except BusUnavailableError:
                return  # it comes back after the ack wait anyway

    def _dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Publish the message to dead letters with `reason`, then terminate the original; if
        the dead letter cannot be published, the original is given back, never dropped."""
        msg_id = delivery.headers.get(MSG_ID_HEADER) or hashlib.sha256(delivery.data).hexdigest()
        self._log(f"dead letter {DEAD_LETTER_PREFIX}.{delivery.subject}: {reason}")
        try:
            self._bus.publish(dead_letter(delivery.subject, delivery.data, msg_id, reason))
            delivery.term()
        except BusUnavailableError as exc:
            self._log(f"dead letter not published, message given back: {exc.detail}")
            self._give_back([delivery])
            return
        self.tally.dead_letters += 1


def run_worker(
    worker: Worker, stop: Callable[[], bool], idle_exit_s: float | None = None,
    log: Log = lambda _: None, sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run `worker` until `stop()` or, with `idle_exit_s`, until no message came for that long.
    A bus that cannot be reached is waited for, never a reason to exit: the client reconnects
    by itself and the loop picks up where the durable consumer stands."""
    idle_since = time.monotonic()
    outage: str | None = None
    while not stop():
        try:
            handled = worker.step()
        except BusUnavailableError as exc:
            if outage is None:
                log(f"bus unavailable, waiting: {exc.detail}")
            outage = exc.detail
            sleep(0.5)
            idle_since = time.monotonic()  # an outage is not idleness: wait for the bus
            continue
        if outage is not None:
            log("bus reachable again")
            outage = None
        now = time.monotonic()
        if handled:
            idle_since = now
        elif idle_exit_s is not None and now - idle_since >= idle_exit_s:
            return
