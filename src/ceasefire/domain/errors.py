"""One error model for every layer: a base error with a stable code, and one problem type.

Why one model: the CLI, the coming HTTP service and the bus must all tell the caller *what to do
next* — fix the input, retry, re-read and resubmit, raise the alarm — and they can only do that
if every error says which of those it is. The `code` is that answer, stable across releases
(scripts and API clients match on it, never on the message). Each code has one CLI exit status
and one HTTP status, so the service can map any error to an RFC 9457 problem without knowing
the class that raised it.

A `Problem` is one bad record: which input, where in it (a line, or a path inside a structured
document), which field, and why. Every reader reports bad records as Problems and keeps going;
an error that refuses a whole request carries the Problems that caused it.

`domain` imports nothing else of ours, so every package can raise these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class ErrorCode(StrEnum):
    """What went wrong, in words a program can match on; each value is a contract."""

    USAGE = "usage"
    """The command or request was malformed (bad option, missing argument)."""
    INVALID_INPUT = "invalid-input"
    """A file or record was unreadable or invalid; fix it and send it again."""
    NOT_FOUND = "not-found"
    """What was named does not exist (a record id, a ledger that was never initialised)."""
    CONFLICT = "conflict"
    """The request contradicts what is stored (another record under this id, a stale version,
    another writer got there first); re-read, then decide."""
    VERIFICATION_FAILED = "verification-failed"
    """A check ran and the evidence does not hold (a proof, a signature, a re-hash)."""
    FORK_DETECTED = "fork-detected"
    """The log showed two different histories: evidence of misbehaviour, raise the alarm."""
    STORAGE_UNAVAILABLE = "storage-unavailable"
    """The store could not be read or written (disk full, locked, unreachable); retry later."""
    FORBIDDEN = "forbidden"
    """The caller may not do this, however it is asked: a reviewer deciding an incident their own
    organisation or party reported, a party acknowledging another party's response clock.
    Retrying unchanged fails again; someone else must act."""
    UNAUTHENTICATED = "unauthenticated"
    """The service did not learn who asks: no token, or one unknown, expired or revoked."""
    METHOD_NOT_ALLOWED = "method-not-allowed"
    """The service has this path but not this HTTP method on it."""
    TOO_LARGE = "too-large"
    """The request body is larger than the service accepts; send less per request."""
    RATE_LIMITED = "rate-limited"
    """Too many requests from one token or address; wait for Retry-After, then retry."""
    INTERNAL = "internal"
    """A bug in ceasefire; report it."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one error code surfaces: exit status of the CLI, HTTP status of the service."""

    exit_code: int
    http_status: int
    title: str


#: The one table of exit codes and HTTP statuses (documented in docs/errors.md and the README).
#: Exit 2 is a usage error as in Click and most Unix tools; 1 means "a check said no".
OUTCOMES: dict[ErrorCode, Outcome] = {
    ErrorCode.VERIFICATION_FAILED: Outcome(1, 422, "Verification failed"),
    ErrorCode.USAGE: Outcome(2, 400, "Bad request"),
    ErrorCode.FORK_DETECTED: Outcome(3, 409, "Fork or rewrite detected"),
    ErrorCode.INVALID_INPUT: Outcome(4, 422, "Invalid input"),
    ErrorCode.CONFLICT: Outcome(5, 409, "Conflict with stored state"),
    ErrorCode.NOT_FOUND: Outcome(6, 404, "Not found"),
    ErrorCode.STORAGE_UNAVAILABLE: Outcome(7, 503, "Storage unavailable"),
    ErrorCode.FORBIDDEN: Outcome(8, 403, "Forbidden"),
    ErrorCode.UNAUTHENTICATED: Outcome(9, 401, "Unauthenticated"),
    ErrorCode.METHOD_NOT_ALLOWED: Outcome(10, 405, "Method not allowed"),
    ErrorCode.TOO_LARGE: Outcome(11, 413, "Request too large"),
    ErrorCode.RATE_LIMITED: Outcome(12, 429, "Too many requests"),
    ErrorCode.INTERNAL: Outcome(70, 500, "Internal error"),
}


class Severity(StrEnum):
    """Whether a problem stopped its record."""

    ERROR = "error"  # the record was refused
    WARNING = "warning"  # the record was kept, but something about it is doubtful


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad (or doubtful) record, named so that a person can find it and fix the source.

    Give `line` for line-oriented input (CSV, JSON Lines, NMEA) and `pointer` for a place inside
    a structured document (``geography.no_fly[0].geometry``, ``[12]``, a record id); both may be
    given. `field` names the column or key at fault when one is.
    """

    source: str
    """Which input: a file path, a feed name, or the part of a request."""
    reason: str
    """Why, written for the person who will fix it; quotes the offending value."""
    line: int | None = None
    """1-based line in `source`, when the input is line-oriented."""
    pointer: str | None = None
    """Where inside a structured document or batch the record sits."""
    field: str | None = None
    """The column or key at fault, when one is."""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.pointer:
            parts.append(self.pointer)
        if self.field:
            parts.append(self.field)
        prefix = ": ".join(parts)
        label = "" if self.severity is Severity.ERROR else f"{self.severity}: "
        return f"{prefix}: {label}{self.reason}"

    def as_dict(self) -> dict[str, str | int]:
        """JSON form, as the service puts it into a problem's ``problems`` member."""
        out: dict[str, str | int] = {"source": self.source, "reason": self.reason}
        if self.line is not None:
            out["line"] = self.line
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.field is not None:
            out["field"] = self.field
        out["severity"] = str(self.severity)
        return out


#: How many problems `str(error)` quotes; the full list is always in `error.problems`.
PROBLEMS_IN_MESSAGE = 10


class CeasefireError(Exception):
    """Base of every error ceasefire raises on purpose; subclasses fix `code`.

    `detail` is the human sentence; `problems` lists the records that caused it, if any.
    """

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL

    def __init__(self, detail: str, problems: Sequence[Problem] = ()) -> None:
        self.detail = detail
        self.problems = tuple(problems)
        super().__init__(detail)

    def __str__(self) -> str:
        """The detail and the first few problems, so a log line or traceback says what was bad."""
        if not self.problems:
            return self.detail
        shown = "; ".join(str(p) for p in self.problems[:PROBLEMS_IN_MESSAGE])
        more = len(self.problems) - PROBLEMS_IN_MESSAGE
        return f"{self.detail}: {shown}" + (f"; and {more} more" if more > 0 else "")

    @property
    def outcome(self) -> Outcome:
        return OUTCOMES[self.code]

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code

    @property
    def http_status(self) -> int:
        return self.outcome.http_status


class UsageError(CeasefireError, ValueError):
    code = ErrorCode.USAGE


class InvalidInputError(CeasefireError, ValueError):
    code = ErrorCode.INVALID_INPUT


class NotFoundError(CeasefireError, LookupError):
    code = ErrorCode.NOT_FOUND


class ConflictError(CeasefireError, ValueError):
    code = ErrorCode.CONFLICT


class VerificationFailedError(CeasefireError, ValueError):
    code = ErrorCode.VERIFICATION_FAILED


class ForkDetectedError(CeasefireError):
    code = ErrorCode.FORK_DETECTED


class StorageUnavailableError(CeasefireError, RuntimeError):
    code = ErrorCode.STORAGE_UNAVAILABLE


class ForbiddenError(CeasefireError, PermissionError):
    """Refused because of who asks, not what they sent: a rule of independence or ownership.

    Kept apart from `ConflictError` (re-read and retry may work) and `InvalidInputError` (fix
    the request): here only a different actor can succeed, and a caller must be able to tell.
    """

    code = ErrorCode.FORBIDDEN


class UnauthenticatedError(CeasefireError):
    """No valid bearer token: the service answers 401 and names no reason beyond that, so a
    probe cannot tell an unknown token from a revoked or expired one."""

    code = ErrorCode.UNAUTHENTICATED


class MethodNotAllowedError(CeasefireError):
    code = ErrorCode.METHOD_NOT_ALLOWED


class TooLargeError(CeasefireError):
    code = ErrorCode.TOO_LARGE


class RateLimitedError(CeasefireError):
    """Refused for the caller's rate, not its request; `retry_after_s` is when to try again."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, detail: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(detail)


def problem_document(error: CeasefireError, instance: str | None = None) -> dict[str, object]:
    """The RFC 9457 problem details object for an error (``application/problem+json``).

    ``type`` is a stable URI per code, relative so that any deployment serves it from its own
    docs; ``problems`` is an extension member listing the bad records.
    """
    outcome = error.outcome
    document: dict[str, object] = {
        "type": f"/problems/{error.code}",
        "title": outcome.title,
        "status": outcome.http_status,
        "detail": error.detail,
        "code": str(error.code),
    }
    if instance is not None:
        document["instance"] = instance
    if error.problems:
        document["problems"] = [p.as_dict() for p in error.problems]
    return document
