"""`memory://`: the bus inside one process, for the embedded default and the tests.

It keeps JetStream's promises that the exactly-once argument rests on, so code tested against
it behaves the same on NATS: a stream drops a message whose id it saw within its duplicate
window; a durable consumer hands each message to one worker of its group, and hands it out
again when it was neither acknowledged nor terminated within the ack wait (a worker that
died), or after a `nak`. It is gone with the process: nothing here is durable across runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ceasefire.bus.contract import (
    MSG_ID_HEADER,
    BusUnavailableError,
    Delivery,
    Outgoing,
    PublishAck,
    Received,
    StreamSpec,
)

Clock = Callable[[], float]


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: ``*`` is one token, a final ``>`` is one or more tokens."""
    want, have = pattern.split("."), subject.split(".")
    for i, part in enumerate(want):
        if part == ">":
            return len(have) > i
        if i >= len(have) or (part != "*" and part != have[i]):
            return False
    return len(want) == len(have)


@dataclass(frozen=True, slots=True)
class _Stored:
    seq: int
    subject: str
    data: bytes
    headers: Mapping[str, str]


@dataclass
class _Stream:
    spec: StreamSpec
    messages: list[_Stored] = field(default_factory=list)
    seen: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Message id -> (sequence, time published), for the duplicate window."""


@dataclass
class _Group:
    """A durable consumer's state: where new messages start, and those out with a worker."""

    stream: _Stream
    filter_subject: str
    ack_wait_s: float
    next_index: int = 0
    out: dict[int, float] = field(default_factory=dict)
    """Sequence -> time after which it may be delivered again."""
    delivered: dict[int, int] = field(default_factory=dict)


class MemoryBus:
    """An in-process bus; thread-safe, so workers on threads can share one."""

    def __init__(self, url: str = "memory://", clock: Clock = time.monotonic) -> None:
        self.url = url
        self._clock = clock
        self._lock = threading.Condition()
        self._streams: dict[str, _Stream] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._closed = False

    def ensure_streams(self, streams: Sequence[StreamSpec]) -> None:
        with self._lock:
            for spec in streams:
                self._streams.setdefault(spec.name, _Stream(spec))

    def publish(self, message: Outgoing) -> PublishAck:
        with self._lock:
            self._check_open()
            stream = self._stream_for(message.subject)
            now = self._clock()
            seen = stream.seen.get(message.msg_id)
            if seen is not None and now - seen[1] < stream.spec.duplicate_window_s:
                return PublishAck(stream.spec.name, seen[0], duplicate=True)
            seq = len(stream.messages) + 1
            headers = {**message.headers, MSG_ID_HEADER: message.msg_id}
            stream.messages.append(_Stored(seq, message.subject, message.data, headers))
            stream.seen[message.msg_id] = (seq, now)
            self._lock.notify_all()
            return PublishAck(stream.spec.name, seq, duplicate=False)

    def publish_many(self, messages: Sequence[Outgoing]) -> list[PublishAck | BusUnavailableError]:
        out: list[PublishAck | BusUnavailableError] = []
        for message in messages:
            try:
                out.append(self.publish(message))
            except BusUnavailableError as exc:
                out.append(exc)
        return out

    def consumer(
        self, stream: str, durable: str, filter_subject: str, ack_wait_s: float
    ) -> MemoryConsumer:
        with self._lock:
            self._check_open()
            if stream not in self._streams:
                raise BusUnavailableError(f"memory bus: no stream {stream!r}")
            group = self._groups.setdefault(
                (stream, durable), _Group(self._streams[stream], filter_subject, ack_wait_s)
            )
            return MemoryConsumer(self, group)

    def messages(self, stream: str) -> list[tuple[str, bytes, Mapping[str, str]]]:
        """Every message the stream keeps, in order: (subject, data, headers). For tests and
        for looking at dead letters."""
        with self._lock:
            return [(m.subject, m.data, m.headers) for m in self._streams[stream].messages]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    # -- used by MemoryConsumer / MemoryDelivery -------------------------------------------

    def _take(self, group: _Group, batch: int) -> list[Delivery]:
        now = self._clock()
        taken: list[Delivery] = []
        for seq in sorted(s for s, due in group.out.items() if due <= now):
            if len(taken) == batch:
                return taken
            taken.append(self._hand_out(group, seq, now))
        messages = group.stream.messages
        while len(taken) < batch and group.next_index < len(messages):
            stored = messages[group.next_index]
            group.next_index += 1
            if subject_matches(group.filter_subject, stored.subject):
                taken.append(self._hand_out(group, stored.seq, now))
        return taken

    def _hand_out(self, group: _Group, seq: int, now: float) -> MemoryDelivery:
        group.out[seq] = now + group.ack_wait_s
        group.delivered[seq] = group.delivered.get(seq, 0) + 1
        return MemoryDelivery(self, group, group.stream.messages[seq - 1], group.delivered[seq])

    def _settle(self, group: _Group, seq: int, again_after: float | None) -> None:
        with self._lock:
            if seq not in group.out:
                return  # settled already (or redelivered and settled by another worker)
            if again_after is None:
                del group.out[seq]
                group.delivered.pop(seq, None)
            else:
                group.out[seq] = self._clock() + again_after
            self._lock.notify_all()

    def _check_open(self) -> None:
        if self._closed:
            raise BusUnavailableError(f"{self.url}: the bus is closed")

    def _stream_for(self, subject: str) -> _Stream:
        for stream in self._streams.values():
            if any(subject_matches(p, subject) for p in stream.spec.subjects):
                return stream
        raise BusUnavailableError(f"memory bus: no stream keeps subject {subject!r}")


class MemoryConsumer:
    """A handle on one durable group of a `MemoryBus`."""

    def __init__(self, bus: MemoryBus, group: _Group) -> None:
        self._bus = bus
        self._group = group

    def fetch(self, batch: int, timeout_s: float) -> list[Delivery]:
        deadline = time.monotonic() + timeout_s
        with self._bus._lock:
            while True:
                self._bus._check_open()
                taken = self._bus._take(self._group, batch)
                left = deadline - time.monotonic()
                if taken or left <= 0:
                    return taken
                self._bus._lock.wait(min(left, 0.05))


class MemoryDelivery(Received):
    """One message handed to a worker of a `MemoryBus` group."""

    def __init__(self, bus: MemoryBus, group: _Group, stored: _Stored, deliveries: int) -> None:
        super().__init__(stored.subject, stored.data, stored.headers, deliveries)
        self._bus, self._group, self._stored = bus, group, stored

    def ack(self) -> None:
        self._bus._settle(self._group, self._stored.seq, None)

    def term(self) -> None:
        self._bus._settle(self._group, self._stored.seq, None)

    def nak(self, delay_s: float = 0.0) -> None:
        self._bus._settle(self._group, self._stored.seq, delay_s)
