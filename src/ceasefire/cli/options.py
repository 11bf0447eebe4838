"""Checks on command-line values that Click's types let through: numbers, times, paths.

Click turns ``--rpz-m nan`` into a perfectly good float, so NaN, infinities and absurd
magnitudes reach the engines, where NaN compares false with everything and a conflict check
quietly finds nothing. Every numeric option is checked here against a stated range, and the
message names the option, its unit and the value given (``--rpz-m must be a finite number of
metres > 0 and <= 1000000, got nan``), so the user can fix the command line (exit 2, usage).

The ranges are the documented limits of docs/failure.md; they are wide enough for every real
use and narrow enough that no value inside them overflows a time stamp or a grid.
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ceasefire.cli.errors import TRANSIENT_ERRNO
from ceasefire.domain.errors import InvalidInputError, StorageUnavailableError, UsageError

#: The first 16 bytes of every SQLite 3 database file (sqlite.org/fileformat.html, 1.3).
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class Range:
    """An allowed range for a numeric option: `low < value` (or `<=` if `low_closed`) and
    `value <= high`, in `unit` (plural, as it reads in a sentence: "metres")."""

    unit: str
    low: float
    high: float
    low_closed: bool = False

    def describe(self) -> str:
        low = ">=" if self.low_closed else ">"
        return f"{self.unit} {low} {_shown(self.low)} and <= {_shown(self.high)}"

    def contains(self, value: float) -> bool:
        above = value >= self.low if self.low_closed else value > self.low
        return math.isfinite(value) and above and value <= self.high


#: Counts given on the command line: records per transaction, tree sizes, cosignatures, polls.
BATCH = Range("records", 1, 1_000_000, low_closed=True)
COUNT = Range("items", 0, 2**53 - 1, low_closed=True)


def _shown(bound: float) -> str:
    """A range bound as people write it: 1,000,000 rather than 1000000.0 or 1e+06."""
    return f"{int(bound):,}" if bound == int(bound) else f"{bound:g}"


def check_number(option: str, value: float, allowed: Range) -> float:
    """`value` if it is finite and in range; else a usage error naming option, unit and value."""
    if not allowed.contains(value):
        kind = "a whole number of" if isinstance(value, int) else "a finite number of"
        raise UsageError(f"{option} must be {kind} {allowed.describe()}, got {value!r}")
    return value


def parse_time_option(option: str, value: str | None) -> datetime:
    """An RFC 3339 time given on the command line (``Z`` or an offset; none means UTC), or now."""
    if value is None:
        return datetime.now(UTC)
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} must be an RFC 3339 time such as 2026-01-15T08:00:00Z, got {value!r}"
        ) from None
    t = t if t.tzinfo else t.replace(tzinfo=UTC)
    try:
        t.astimezone(UTC)
    except OverflowError:
        raise UsageError(f"{option} {value!r} is outside the years 1 to 9999 in UTC") from None
    return t


def db_file(value: str) -> Path | None:
    """The SQLite file a `--db` value names, or None for a URL of another kind or memory."""
    if value.startswith("sqlite:///"):
        return Path(value.removeprefix("sqlite:///"))
    if "://" in value or value == ":memory:":
        return None
    return Path(value)


def check_db_path(value: str) -> str:
    """Refuse a `--db` (or CEASEFIRE_DB) that names something other than a SQLite file.

    A directory, a FIFO or a device is a usage error (and is never opened: a FIFO would block);
    an existing non-empty file whose first bytes are not SQLite's header is invalid input, so
    that no store or ledger code ever writes a schema into someone's spreadsheet. URLs
    (``scheme://``) other than ``sqlite:///path`` are left to the store to resolve.
    """
    path = db_file(value)
    if path is None:
        return value
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return value  # a new store: created on first use
    except OSError as exc:
        raise UsageError(f"--db {value}: cannot be used: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"--db {value} is a directory; give a database file (or CEASEFIRE_DB)")
    if not stat.S_ISREG(mode):
        raise UsageError(f"--db {value} is not a regular file (a FIFO, socket or device)")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageUnavailableError(f"--db {value}: cannot read: {exc.strerror}") from None
    if head and head != SQLITE_HEADER[: len(head)]:
        raise InvalidInputError(
            f"--db {value} is not a SQLite database (it does not start with 'SQLite format 3'); "
            "nothing was written to it"
        )
    return value


def output_error(option: str, path: Path, exc: OSError) -> UsageError | StorageUnavailableError:
    """The error for an output file that could not be written: a full disk may clear up
    (retry later, 7); a missing directory or a path that is a directory is the command
    line's fault (2)."""
    reason = exc.strerror or str(exc)
    if exc.errno in TRANSIENT_ERRNO:
        return StorageUnavailableError(f"{option} {path}: cannot write: {reason}")
    return UsageError(f"{option} {path}: cannot write: {reason}")


@contextmanager
def _atomic(out: Path, option: str, binary: bool) -> Iterator[IO[Any]]:
    tmp: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb" if binary else "w", encoding=None if binary else "utf-8",
            newline=None if binary else "", dir=out.parent, prefix=f".{out.name}.",
            suffix=".tmp", delete=False,
        ) as handle:
            tmp = Path(handle.name)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        raise output_error(option, out, exc) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


@contextmanager
def atomic_output(out: Path, option: str = "--out") -> Iterator[IO[str]]:
    """A UTF-8 text handle (no newline translation) whose content replaces `out` only when the
    block ends without error: a temporary file beside it, flushed to disk, then renamed. A
    reader never sees half a file, and a failed run leaves an old `out` whole. An OSError
    becomes `output_error` naming `option`."""
    with _atomic(out, option, binary=False) as handle:
        yield handle


def write_atomically(out: Path, data: bytes, option: str = "--out") -> None:
    """`data` replaces `out` whole or not at all (as `atomic_output`, for bytes); readable by
    everyone, as a published document is (a temporary file is created owner-only)."""
    with _atomic(out, option, binary=True) as handle:
        os.fchmod(handle.fileno(), 0o644)
        handle.write(data)


def describe_parse_error(exc: BaseException) -> str:
    """Why a JSON or YAML document did not parse, in words: the parsers' recursion on a
    document nested thousands deep surfaces as RecursionError, which says nothing of the
    input."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read (more than about 1,000 levels)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
