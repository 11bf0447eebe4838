"""The gate every request passes before routing: who it is, its rate, 401, its size.

Why here and not only in route dependencies: FastAPI reads and validates a request body
before it runs a route's dependencies, so an anonymous caller posting malformed JSON would be
told 422 about its body instead of 401, and an oversized body would be read first. The gate
resolves the bearer token once (an unknown, expired or revoked token counts as none), counts
the request against the token's rate (or, without a valid token, the client address's), and
refuses an anonymous request to any path that is not public. The route's `allow` dependency
then decides on the role, with the principal the gate found.

Order: rate first (a flood of bad tokens is refused as cheaply as possible, after one indexed
look-up), then authentication, then the declared body size.
"""

from __future__ import annotations

import math

from starlette.types import ASGIApp, Receive, Scope, Send

from ceasefire.api.limits import (
    RateLimiter,
    client_address,
    declared_size,
    header,
    read_bounded,
    replay,
    too_large,
)
from ceasefire.api.problems import problem_response
from ceasefire.api.roles import Principal
from ceasefire.api.services import Services
from ceasefire.domain.errors import RateLimitedError, UnauthenticatedError, UsageError

#: Longest Authorization header looked at; ours are ``Bearer `` and 43 characters.
MAX_AUTHORIZATION = 256


def bearer_token(scope: Scope) -> str | None:
    value = header(scope, b"authorization")
    if value is None or len(value) > MAX_AUTHORIZATION:
        return None
    scheme, _, token = value.decode("latin-1").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class GateMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        services: Services,
        limiter: RateLimiter,
        public_paths: frozenset[str],
        public_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.services = services
        self.limiter = limiter
        self.public_paths = public_paths
        self.public_prefixes = public_prefixes

    def _public(self, path: str) -> bool:
        return path in self.public_paths or any(path.startswith(p) and ".." not in path
                                                for p in self.public_prefixes)

    def _principal(self, scope: Scope) -> Principal | None:
        token = bearer_token(scope)
        if token is None:
            return None
        return self.services.accounts.resolve(token, now=self.services.now())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        principal = self._principal(scope)
        key = f"token:{principal.token_id}" if principal else f"address:{client_address(scope)}"
        wait = self.limiter.take(key)
        if wait > 0.0:
            seconds = max(1, math.ceil(wait))
            limited = RateLimitedError(
                f"more than {self.limiter.capacity:.0f} requests a minute; retry in {seconds} s",
                seconds,
            )
            await problem_response(limited, path)(scope, receive, send)
            return
        if principal is None and not self._public(path):
            anonymous = UnauthenticatedError("a valid bearer token is required")
            await problem_response(anonymous, path)(scope, receive, send)
            return
        limit = self.services.config.body_limit(path)
        size = declared_size(scope)
        if size == -1:
            bad = UsageError("Content-Length is not a byte count")
            await problem_response(bad, path)(scope, receive, send)
            return
        if size is not None and size > limit:
            await problem_response(too_large(limit, size), path)(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        if size is None:
            body = await read_bounded(receive, limit)
            if body is None:
                await problem_response(too_large(limit, None), path)(scope, receive, send)
                return
            receive = replay(body, receive)
        await self.app(scope, receive, send)
