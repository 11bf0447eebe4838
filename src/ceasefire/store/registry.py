"""Open a store from a URL: backends register a scheme, callers name a URL.

As transparency logs register their storage drivers by name, the pipeline never imports a
backend: ``open_store("sqlite:///ceasefire.db")``, ``open_store("memory://")`` or
``open_store("postgresql://root@127.0.0.1/ceasefire")`` (PostGIS, store/postgres.py). A plain
path (no ``://``) means a SQLite file, so every ``--db FILE`` given before URLs existed
keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

from ceasefire.domain.errors import UsageError
from ceasefire.store.contract import Store
from ceasefire.store.memory import MemoryStore
from ceasefire.store.sqlite import SqliteStore

Opener = Callable[[str, SplitResult, bool], Store]
"""(url, parsed url, read-only) -> store."""

_BACKENDS: dict[str, Opener] = {}


def register_backend(scheme: str, opener: Opener) -> None:
    """Make `open_store` hand URLs of `scheme` to `opener(url, parsed_url, readonly)`."""
    _BACKENDS[scheme] = opener


def backends() -> list[str]:
    """The URL schemes that can be opened, sorted."""
    return sorted(_BACKENDS)


def store_url(location: str) -> str:
    """A URL for a `--db` value: URLs pass through, a path becomes a SQLite URL."""
    if "://" in location:
        return location
    return "sqlite://" if location == ":memory:" else f"sqlite:///{location}"


def open_store(location: str, *, readonly: bool = False) -> Store:
    """The store at a URL (or a SQLite path); UsageError names the schemes known.

    `readonly` opens an existing store without ever writing to it (audits, verification of a
    copy); a store that does not exist is then NotFoundError rather than created."""
    url = store_url(location)
    parsed = urlsplit(url)
    opener = _BACKENDS.get(parsed.scheme)
    if opener is None:
        raise UsageError(
            f"no store backend for {parsed.scheme!r} in {url!r}; known: {', '.join(backends())}"
        )
    return opener(url, parsed, readonly)


def _open_sqlite(url: str, parsed: SplitResult, readonly: bool) -> Store:
    """``sqlite:///relative.db``, ``sqlite:////absolute.db``; ``sqlite://`` is in memory."""
    if parsed.netloc or parsed.query or parsed.fragment:
        raise UsageError(
            f"{url!r}: a SQLite URL is sqlite:///PATH (relative) or sqlite:////PATH (absolute),"
            " with no host and no options"
        )
    path = parsed.path[1:] if parsed.path.startswith("/") else parsed.path
    return SqliteStore(path or ":memory:", url, readonly=readonly)


def _open_memory(url: str, parsed: SplitResult, readonly: bool) -> Store:
    """``memory://``: plain Python structures, gone with the process (tests, experiments)."""
    if parsed.netloc or parsed.path or parsed.query or parsed.fragment:
        raise UsageError(f"{url!r}: the memory store takes no path or options: memory://")
    if readonly:
        raise UsageError("a new memory:// store is empty: there is nothing to open read-only")
    return MemoryStore(url)


def _open_postgres(url: str, parsed: SplitResult, readonly: bool) -> Store:
    """``postgresql://USER@HOST:PORT/DATABASE`` (libpq's URL, options in the query string).

    Imported here, on first use, so that SQLite users never load psycopg."""
    if parsed.fragment:
        raise UsageError(f"{url!r}: a PostgreSQL URL takes no #fragment")
    from ceasefire.store.postgres import PostgresStore

    return PostgresStore(url, readonly=readonly)


register_backend("sqlite", _open_sqlite)
register_backend("postgresql", _open_postgres)
register_backend("postgres", _open_postgres)
register_backend("memory", _open_memory)
