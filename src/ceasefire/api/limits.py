"""Abuse limits: request body size and per-token request rate, enforced before any route runs.

Why as raw ASGI middleware: a body limit must refuse a large upload *before* it is read into
memory, and a rate limit must refuse a flood before it costs a token look-up or a store read;
both therefore sit outside FastAPI's routing and answer with their own problem documents.

The rate limit is a token bucket per key (the SHA-256 of the bearer token, or the client's
address when there is none): `rate_per_minute` requests fill it, and it refills continuously,
so a client is refused only when it has sustained more than its rate. The bucket arithmetic
is pure (`Bucket.take`), so its behaviour is tested without a clock.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ceasefire.api.problems import problem_response
from ceasefire.domain.errors import RateLimitedError, TooLargeError, UsageError

#: Buckets kept at most; past this, full (idle) buckets are dropped, so a scan with many
#: invalid tokens cannot grow memory without bound.
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


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def rate_key(scope: Scope) -> str:
    """Whom a request counts against: its bearer token (hashed), else its client address."""
    authorization = _header(scope, b"authorization")
    if authorization:
        return "token:" + hashlib.sha256(authorization).hexdigest()
    client = scope.get("client")
    return "address:" + (str(client[0]) if client else "unknown")


class LimitsMiddleware:
    """Refuse oversized bodies (413) and callers over their rate (429), as problems."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, limiter: RateLimiter) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        wait = self.limiter.take(rate_key(scope))
        if wait > 0.0:
            seconds = max(1, math.ceil(wait))
            error = RateLimitedError(
                f"more than {self.limiter.capacity:.0f} requests a minute; retry in"
                f" {seconds} s", seconds,
            )
            await problem_response(error, path)(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0:
                bad = UsageError(f"Content-Length {declared[:40]!r} is not a byte count")
                await problem_response(bad, path)(scope, receive, send)
                return
            if size > self.max_body_bytes:
                await problem_response(self._too_large(size), path)(scope, receive, send)
                return
        await self.app(scope, self._counting(receive), send)

    def _too_large(self, size: int | None) -> TooLargeError:
        got = "more" if size is None else f"{size}"
        return TooLargeError(
            f"the request body has {got} bytes; at most {self.max_body_bytes} are accepted"
        )

    def _counting(self, receive: Receive) -> Receive:
        """A body sent without Content-Length (chunked) is counted as it arrives."""
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise self._too_large(None)
            return message

        return wrapped
