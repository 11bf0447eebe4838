"""`nats://host:port`: the bus on NATS JetStream, behind the synchronous `Bus` contract.

nats-py is asyncio; the pipeline around it (store transactions, file readers, the CLI) is
synchronous. So the client lives on its own event loop in a daemon thread, and every call is
handed to that loop and waited for with a deadline. The loop keeps running between calls,
which is what lets the client answer the server's pings and reconnect by itself after the
server restarted (``max_reconnect_attempts=-1``): a worker never needs restarting for that.

Every failure to reach the server or to get JetStream's acknowledgement in time becomes
`BusUnavailableError`: the caller retries (worker) or keeps the message in its spool
(publisher); re-sending is always safe because the message id makes it a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar
from urllib.parse import SplitResult

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

from ceasefire.bus.contract import (
    MSG_ID_HEADER,
    BusUnavailableError,
    Delivery,
    Outgoing,
    PublishAck,
    Received,
    StreamSpec,
)
from ceasefire.domain.errors import UsageError

T = TypeVar("T")
_log = logging.getLogger("ceasefire.bus")

#: How long to wait for the server at connection and for each acknowledgement (seconds).
CONNECT_WAIT_S = 3.0
REQUEST_WAIT_S = 5.0

#: Errors that mean "the server is not there or did not answer": retry later.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    nats.errors.Error,  # timeouts, no servers, connection closed, no responders, ...
    asyncio.TimeoutError,
    FutureTimeout,
    OSError,
)


def nats_server_url(url: str, parsed: SplitResult) -> str:
    """``nats://host:port`` as the client wants it; a path, query or credentials refused
    (credentials belong in a NATS credentials file, never in a URL that gets printed)."""
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment or parsed.username:
        raise UsageError(f"{url!r}: a NATS bus URL is nats://HOST:PORT, with nothing else")
    if not parsed.hostname:
        raise UsageError(f"{url!r}: a NATS bus URL names a host: nats://HOST:PORT")
    return f"nats://{parsed.hostname}:{parsed.port or 4222}"


class NatsBus:
    """A JetStream connection owned by one process (publisher or worker)."""

    def __init__(
        self, url: str, server: str, connect_wait_s: float = CONNECT_WAIT_S,
        request_wait_s: float = REQUEST_WAIT_S,
    ) -> None:
        self.url = url
        self._server = server
        self._connect_wait_s = connect_wait_s
        self._request_wait_s = request_wait_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"nats {server}", daemon=True
        )
        self._thread.start()
        self._client: Client | None = None
        self._js: JetStreamContext | None = None

    # -- the contract ----------------------------------------------------------------

    def ensure_streams(self, streams: Sequence[StreamSpec]) -> None:
        self._call(self._ensure_streams(streams))

    def publish(self, message: Outgoing) -> PublishAck:
        headers = {**message.headers, MSG_ID_HEADER: message.msg_id}
        ack = self._call(self._publish(message.subject, message.data, headers))
        return PublishAck(ack.stream, ack.seq, bool(ack.duplicate))

    def publish_many(self, messages: Sequence[Outgoing]) -> list[PublishAck | BusUnavailableError]:
        try:
            results = self._call(self._publish_many(messages))
        except BusUnavailableError as exc:
            return [exc] * len(messages)
        return [self._outcome(result) for result in results]

    def _outcome(self, result: Any) -> PublishAck | BusUnavailableError:
        if isinstance(result, BaseException):
            reason = str(result) or type(result).__name__
            return BusUnavailableError(f"{self.url}: not acknowledged: {reason}")
        return PublishAck(result.stream, result.seq, bool(result.duplicate))

    def consumer(
        self, stream: str, durable: str, filter_subject: str, ack_wait_s: float
    ) -> NatsConsumer:
        config = ConsumerConfig(
            durable_name=durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=ack_wait_s,
            max_deliver=-1, filter_subject=filter_subject,
        )
        subscription = self._call(self._subscribe(stream, durable, filter_subject, config))
        return NatsConsumer(self, subscription)

    def close(self) -> None:
        client, self._client, self._js = self._client, None, None
        if client is not None:
            with contextlib.suppress(*_UNAVAILABLE):  # closing a connection that is gone
                self._run(client.close(), self._request_wait_s)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=self._request_wait_s)

    # -- on the loop -----------------------------------------------------------------

    async def _jetstream(self) -> JetStreamContext:
        if self._js is None:
            client = await asyncio.wait_for(
                nats.connect(
                    self._server, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                    connect_timeout=2, name="ceasefire", error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected, reconnected_cb=self._on_reconnected,
                ),
                self._connect_wait_s,
            )
            self._client, self._js = client, client.jetstream(timeout=self._request_wait_s)
        return self._js

    async def _on_error(self, exc: Exception) -> None:
        """One line, not the client's default traceback: a lost connection is expected."""
        _log.warning("%s: %s", self._server, str(exc) or type(exc).__name__)

    async def _on_disconnected(self) -> None:
        if self._client is not None:  # not when we close it ourselves
            _log.warning("%s: disconnected; reconnecting", self._server)

    async def _on_reconnected(self) -> None:
        _log.warning("%s: reconnected", self._server)

    async def _ensure_streams(self, streams: Sequence[StreamSpec]) -> None:
        js = await self._jetstream()
        for spec in streams:
            try:
                await js.stream_info(spec.name)
            except nats.js.errors.NotFoundError:
                await js.add_stream(
                    StreamConfig(
                        name=spec.name, subjects=list(spec.subjects), storage=StorageType.FILE,
                        duplicate_window=spec.duplicate_window_s,
                    )
                )

    async def _publish(self, subject: str, data: bytes, headers: dict[str, str]) -> Any:
        js = await self._jetstream()
        return await js.publish(subject, data, timeout=self._request_wait_s, headers=headers)

    async def _publish_many(self, messages: Sequence[Outgoing]) -> list[Any]:
        """Every publish started in order (tasks run first in the order created, and each
        writes its message before it first waits), then all acknowledgements awaited."""
        js = await self._jetstream()
        tasks = [
            asyncio.ensure_future(
                js.publish(
                    m.subject, m.data, timeout=self._request_wait_s,
                    headers={**m.headers, MSG_ID_HEADER: m.msg_id},
                )
            )
            for m in messages
        ]
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    async def _subscribe(
        self, stream: str, durable: str, filter_subject: str, config: ConsumerConfig
    ) -> JetStreamContext.PullSubscription:
        js = await self._jetstream()
        return await js.pull_subscribe(
            filter_subject, durable=durable, stream=stream, config=config
        )

    # -- plumbing --------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, T], wait_s: float) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(wait_s)

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run on the client's loop; any failure to reach JetStream is BusUnavailableError."""
        try:
            return self._run(coroutine, self._connect_wait_s + 2 * self._request_wait_s)
        except nats.js.errors.APIError as exc:
            raise BusUnavailableError(f"{self.url}: JetStream refused: {exc}") from None
        except _UNAVAILABLE as exc:
            reason = str(exc) or type(exc).__name__
            raise BusUnavailableError(f"{self.url}: NATS unavailable: {reason}") from None


class NatsConsumer:
    """A pull subscription on a durable JetStream consumer."""

    def __init__(self, bus: NatsBus, subscription: JetStreamContext.PullSubscription) -> None:
        self._bus = bus
        self._subscription = subscription

    def fetch(self, batch: int, timeout_s: float) -> list[Delivery]:
        try:
            messages = self._bus._call(self._fetch(batch, timeout_s))
        except BusUnavailableError:
            raise
        return [NatsDelivery(self._bus, m) for m in messages]

    async def _fetch(self, batch: int, timeout_s: float) -> list[Msg]:
        try:
            return await self._subscription.fetch(batch, timeout=timeout_s)
        except nats.errors.TimeoutError:
            return []  # nothing arrived in time: not a failure


class NatsDelivery(Received):
    """One JetStream message delivered to this worker."""

    def __init__(self, bus: NatsBus, message: Msg) -> None:
        super().__init__(
            message.subject, message.data, dict(message.headers or {}),
            message.metadata.num_delivered,
        )
        self._bus = bus
        self._message = message

    def ack(self) -> None:
        self._bus._call(self._message.ack())

    def nak(self, delay_s: float = 0.0) -> None:
        self._bus._call(self._message.nak(delay=delay_s or None))

    def term(self) -> None:
        self._bus._call(self._message.term())
