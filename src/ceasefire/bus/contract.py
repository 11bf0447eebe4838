"""The narrow bus contract the intake and the workers are written against.

Why so narrow: the pipeline needs exactly three things from a message bus — publish one
message under a de-duplication id and learn that it is durably kept, pull a batch for a named
(durable) group of workers, and acknowledge or give back each message. NATS JetStream does all
of it; the in-process `memory://` bus does it for the embedded default and the tests. Keeping
the contract this small lets both behave alike where it matters (duplicate window, redelivery
of what was not acknowledged) and keeps JetStream's many other features out of the core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ceasefire.domain.errors import StorageUnavailableError

#: Header carrying the de-duplication id of a message (JetStream's own name for it).
MSG_ID_HEADER = "Nats-Msg-Id"


class BusUnavailableError(StorageUnavailableError):
    """The bus could not be reached, or did not acknowledge in time: retry later (exit 7).
    Nothing is known to be kept; re-sending under the same message id is always safe."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to publish: its subject, its bytes and the id that makes re-sending it
    harmless (the bus keeps one message per id within its duplicate window)."""

    subject: str
    data: bytes
    msg_id: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublishAck:
    """The bus's promise that a message is kept: its stream, its sequence number there, and
    whether it was a duplicate of one kept before (then nothing new was kept)."""

    stream: str
    seq: int
    duplicate: bool


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """A stream: which subjects it keeps, and for how long (seconds) an id is remembered."""

    name: str
    subjects: tuple[str, ...]
    duplicate_window_s: float


class Delivery(Protocol):
    """One delivered message; exactly one of `ack`, `nak` or `term` should follow."""

    @property
    def subject(self) -> str: ...

    @property
    def data(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def deliveries(self) -> int:
        """How many times this message has been delivered, this time included."""
        ...

    def ack(self) -> None:
        """Done with it: never deliver it again."""
        ...

    def nak(self, delay_s: float = 0.0) -> None:
        """Not done: deliver it again (to any worker of the group) after `delay_s`."""
        ...

    def term(self) -> None:
        """Never deliver it again although it was not processed (it went to dead letters)."""
        ...


class Received:
    """What a delivered message carries, whichever bus delivered it; a bus's delivery class
    adds how to settle it (`Delivery`)."""

    def __init__(
        self, subject: str, data: bytes, headers: Mapping[str, str], deliveries: int
    ) -> None:
        self.subject, self.data, self.headers = subject, data, headers
        self.deliveries = deliveries


class Consumer(Protocol):
    """A durable pull consumer: every worker opened with the same name shares its work."""

    def fetch(self, batch: int, timeout_s: float) -> list[Delivery]:
        """Up to `batch` messages, waiting at most `timeout_s` for the first; [] if none came.
        Messages delivered and not acknowledged within the consumer's ack wait come again."""
        ...


class Bus(Protocol):
    """A message bus with durable streams (`ceasefire.bus.open_bus` opens one by URL)."""

    url: str

    def ensure_streams(self, streams: Sequence[StreamSpec]) -> None:
        """Create the streams that do not exist yet; leave existing ones as they are."""
        ...

    def publish(self, message: Outgoing) -> PublishAck:
        """Publish and wait until the bus keeps the message; BusUnavailableError otherwise."""
        ...

    def publish_many(self, messages: Sequence[Outgoing]) -> list[PublishAck | BusUnavailableError]:
        """Publish in order without waiting for each acknowledgement before the next (one
        round trip for the lot, not one per message); each message's acknowledgement or
        error, in the same order. A failure says nothing of the messages after it: a caller
        keeping order re-sends from the first failure on (harmless: same message ids)."""
        ...

    def consumer(
        self, stream: str, durable: str, filter_subject: str, ack_wait_s: float
    ) -> Consumer:
        """The durable consumer `durable` of `stream` (created on first use)."""
        ...

    def close(self) -> None: ...
