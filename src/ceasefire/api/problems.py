"""Every error the service answers is an RFC 9457 problem (``application/problem+json``).

Why one funnel: clients of distrusting parties script against the service, and a client that
must parse FastAPI's validation list, Starlette's plain-text 404 and our problems differently
will get one of them wrong. Each handler turns its error into a `CeasefireError` and lets the
shared `problem_document` write the body, so the code, status and title always agree with
docs/errors.md.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ceasefire.domain.errors import (
    CeasefireError,
    InvalidInputError,
    MethodNotAllowedError,
    NotFoundError,
    Problem,
    RateLimitedError,
    StorageUnavailableError,
    TooLargeError,
    UnauthenticatedError,
    UsageError,
    problem_document,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("ceasefire.api")

#: The longest quotation of a caller's value in a problem: enough to recognise, not to echo
#: a megabyte back.
QUOTE_LIMIT = 80


def problem_response(
    error: CeasefireError, instance: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The response for `error`, with the headers its status promises (401, 405, 429)."""
    out = dict(headers or {})
    if isinstance(error, UnauthenticatedError):
        out["WWW-Authenticate"] = 'Bearer realm="ceasefire"'
    if isinstance(error, RateLimitedError):
        out["Retry-After"] = str(error.retry_after_s)
    return JSONResponse(
        problem_document(error, instance), status_code=error.http_status, headers=out,
        media_type=PROBLEM_JSON,
    )


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 3] + "..."


def validation_problems(errors: Sequence[Any]) -> list[Problem]:
    """One Problem per pydantic error: `pointer` is where (``query.limit``, ``body.reason``),
    `field` the name at fault, `reason` pydantic's message and the value it got."""
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        field = loc[-1] if len(loc) > 1 else None
        reason = str(error.get("msg", "invalid"))
        if "input" in error and error.get("type") != "missing":
            reason += f" (got {_quote(error['input'])})"
        problems.append(
            Problem(source="request", reason=reason, pointer=".".join(loc) or None, field=field)
        )
    return problems


def _from_http(exc: StarletteHTTPException, request: Request) -> CeasefireError:
    if exc.status_code == 404:
        return NotFoundError(f"no resource at {request.url.path}")
    if exc.status_code == 405:
        return MethodNotAllowedError(f"{request.method} is not allowed on {request.url.path}")
    if exc.status_code == 413:
        return TooLargeError(str(exc.detail))
    if exc.status_code == 401:
        return UnauthenticatedError("a valid bearer token is required")
    return UsageError(str(exc.detail))


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error of `app` through `problem_response`."""

    @app.exception_handler(CeasefireError)
    async def _ceasefire(request: Request, exc: CeasefireError) -> JSONResponse:
        return problem_response(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = validation_problems(exc.errors())
        named = ", ".join(p.pointer or "request" for p in problems[:5])
        error = InvalidInputError(f"the request is invalid: {named}", problems)
        return problem_response(error, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
        return problem_response(_from_http(exc, request), request.url.path, headers)

    @app.exception_handler(sqlite3.OperationalError)
    async def _storage(request: Request, exc: sqlite3.OperationalError) -> JSONResponse:
        # busy, locked, full, read-only: the store cannot be used now, nothing was written
        error = StorageUnavailableError(f"the store cannot be used right now: {exc}")
        return problem_response(error, request.url.path)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # A bug: counted so tests can assert it never happens, logged with its traceback.
        app.state.internal_errors = getattr(app.state, "internal_errors", 0) + 1
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        error = CeasefireError("internal error; it was logged, please report it")
        return problem_response(error, request.url.path)
