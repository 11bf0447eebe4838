"""How every command reports errors and bad records, and which status it exits with.

One format for all commands, so a person reads ``error[<code>]: <detail>`` and then one line
per bad record (``file:line: reason``) whatever they ran; one table for the exit status
(`ceasefire.domain.errors.OUTCOMES`), so a script tells "fix the input" (4) from "the evidence
does not hold" (1) or "retry later" (7) the same way for every command. Commands raise the
`CeasefireError` that fits and let `exits_on_error` print it and exit.

Messages quote user data (file names, regex patterns like ``[a-z]``, the ``[invalid-input]``
of the prefix itself); rich would take those for style tags, so every message goes through
`escape`.
"""

from __future__ import annotations

import errno
import functools
import sqlite3
import traceback
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ceasefire.domain.errors import (
    CeasefireError,
    InvalidInputError,
    Problem,
    Severity,
    StorageUnavailableError,
)

P = ParamSpec("P")
R = TypeVar("R")

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}

#: SQLite primary result codes that mean the store cannot be used right now (busy, locked,
#: read-only, I/O error, disk full, cannot open, no permission): retry later, exit 7. Any other
#: SQLite error (a bad statement, a damaged schema) is a bug or damage, not an outage.
_SQLITE_UNAVAILABLE = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
    }
)
#: SQLite result codes of a file that is not a database or is damaged: the file is bad (4).
_SQLITE_DAMAGED = frozenset({sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT})


def error_console() -> Console:
    """Stderr, without wrapping (a long path stays one greppable line) or highlighting."""
    return Console(stderr=True, soft_wrap=True, highlight=False)


def print_message(console: Console, label: str, colour: str, message: object) -> None:
    """One line: a coloured label, then the message as plain text."""
    console.print(f"[{colour}]{escape(label)}[/{colour}] {escape(str(message))}")


def print_problems(problems: Iterable[Problem], console: Console | None = None) -> None:
    """One line per problem, labelled with its severity, so each can be found and fixed."""
    console = console or error_console()
    for problem in problems:
        colour = _COLOURS[problem.severity]
        console.print(f"[{colour}]{escape(str(problem))}[/{colour}]")


def print_error(error: CeasefireError, console: Console | None = None) -> None:
    """``error[<code>]: <detail>``, then every problem that caused it."""
    console = console or error_console()
    print_message(console, f"error[{error.code}]:", "bold red", error.detail)
    print_problems(error.problems, console)


def exit_with(error: CeasefireError, console: Console | None = None) -> typer.Exit:
    """Print `error` and return the Exit to raise: its status comes from the one table."""
    print_error(error, console)
    return typer.Exit(error.exit_code)


def exits_on_error(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that any CeasefireError it raises is printed and becomes its exit
    status. A SQLite error that means "busy, locked, full, unreachable" is storage unavailable
    (7). Any other exception is a bug: its traceback is printed for the report, and the exit
    status is the table's "internal" (70), never one a script would read as a verdict."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CeasefireError as error:
            raise exit_with(error) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Typer's own: a chosen exit status, Ctrl-C, a usage error (2)
        except sqlite3.Error as exc:
            refused = _sqlite_error(exc)
            raise (_internal(exc) if refused is None else exit_with(refused)) from None
        except RecursionError:
            # Every reader here recurses once per level of a JSON or YAML document; a readerless
            # bug would recurse in our own code, which the tests would have found first.
            detail = "an input is nested too deeply to read (more than about 1,000 levels)"
            raise exit_with(InvalidInputError(detail)) from None
        except OSError as exc:
            if exc.filename is None:
                raise _internal(exc) from None
            raise exit_with(_file_error(exc)) from None
        except Exception as bug:
            raise _internal(bug) from None

    return run


def _sqlite_error(exc: sqlite3.Error) -> CeasefireError | None:
    """Busy, locked, full, unreachable: retry later (7). A file that is no database, or a
    damaged one: the file is bad (4). Anything else (a bad statement) is a bug (70)."""
    primary = getattr(exc, "sqlite_errorcode", -1) & 0xFF
    if primary in _SQLITE_UNAVAILABLE:
        return StorageUnavailableError(f"the store is unavailable: {exc}")
    if primary in _SQLITE_DAMAGED:
        return InvalidInputError(f"the database file is not a usable SQLite database: {exc}")
    return None


#: errno values of a file operation that may succeed later (disk full, quota, I/O): retry (7).
TRANSIENT_ERRNO = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


def _file_error(exc: OSError) -> CeasefireError:
    """A file named on the command line could not be opened, read or written: the operating
    system's reason and the file's name, never a traceback. A full disk or an I/O error may
    clear up (7); a missing, unreadable or wrong kind of file is the input's fault (4)."""
    where = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
    detail = f"{where}: {exc.strerror or exc}"
    if exc.errno in TRANSIENT_ERRNO:
        return StorageUnavailableError(detail)
    return InvalidInputError(detail)


def _internal(bug: Exception) -> typer.Exit:
    console = error_console()
    console.print(escape("".join(traceback.format_exception(bug))), end="")
    detail = f"{type(bug).__name__}: {bug} (a bug in ceasefire; please report it)"
    return exit_with(CeasefireError(detail), console)


def wide_console() -> Console:
    """A console for tables of ids: on a terminal its own width; piped, wide enough that no
    id is cut (a cut id cannot be pasted into the next command)."""
    console = Console()
    return console if console.is_terminal else Console(width=220)
