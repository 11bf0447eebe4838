"""Abuse limits: request body size and per-token request rate, enforced before any route runs.

A body with a Content-Length is bounded by it (the server reads no more than it declares), so
only the declared size is checked; a chunked body is read here up to the limit and replayed.

Why in the ASGI gate (`ceasefire.api.gate`) rather than in routes: a body limit must refuse a
large upload *before* it is read into memory, and a rate limit must refuse a flood before it
costs a store read; both therefore act before FastAPI's routing.

The rate limit is a token bucket per key (the token's id, or the client's address when the
request carries no valid token): `rate_per_minute` requests fill it, and it refills continuously,
so a client is refused only when it has sustained more than its rate. The bucket arithmetic
is pure (`Bucket.take`), so its behaviour is tested without a clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import Message, Receive, Scope

from ceasefire.domain.errors import TooLargeError

#: Buckets kept at most; past this, full (idle) buckets are dropped, so requests from very
#: many addresses (or tokens) cannot grow memory without bound.
MAX_BUCKETS = 100_000


@dataclass(slots=True)
class Bucket:
    tokens: float
    updated: float

    def take(self, now: float, capacity: float, per_second: float) -> float:
        """Spend one request; 0.0 if allowed, else the seconds until one is available."""
        self.tokens = min(capacity, self.tokens + max(0.0, now - self.updated) * per_second)
        self.updated = max(self.updated, now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / per_second


class RateLimiter:
    """Buckets by key, shared by the server's threads."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._forget_full(now)
                bucket = self._buckets[key] = Bucket(self.capacity, now)
            return bucket.take(now, self.capacity, self.per_second)

    def _forget_full(self, now: float) -> None:
        idle = self.capacity / self.per_second  # seconds for an empty bucket to refill
        for key in [k for k, b in self._buckets.items() if now - b.updated >= idle]:
            del self._buckets[key]
        if len(self._buckets) >= MAX_BUCKETS:  # still full: a flood of fresh keys
            self._buckets.clear()


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of header `name` (lower case) in an ASGI scope."""
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def declared_size(scope: Scope) -> int | None:
    """The Content-Length, None when absent; -1 when it is no byte count."""
    declared = header(scope, b"content-length")
    if declared is None:
        return None
    try:
        size = int(declared)
    except ValueError:
        return -1
    return size if size >= 0 else -1


def too_large(limit: int, size: int | None) -> TooLargeError:
    got = "more" if size is None else f"{size}"
    return TooLargeError(f"the request body has {got} bytes; at most {limit} are accepted")


async def read_bounded(receive: Receive, limit: int) -> bytes | None:
    """The whole body of a request sent without Content-Length (chunked), or None as soon as
    it passes `limit`: what has arrived is dropped and the rest is never read."""
    parts: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app `body` once, then passes on (disconnects)."""
    sent = False

    async def wrapped() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return wrapped
