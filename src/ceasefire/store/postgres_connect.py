"""Connections to PostgreSQL, and what their failures mean to the person who gave the URL.

Kept apart from the store so that the ledger's standalone storage and the tests open
connections the same way: autocommit (the store opens its transactions itself, with
``conn.transaction()``, which nests as savepoints), a bounded connect timeout, and a read-only
session for read-only openings so that not even a bug can write.
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qs, urlsplit, urlunsplit

import psycopg

from ceasefire.domain.errors import NotFoundError, StorageUnavailableError
from ceasefire.store.postgres_schema import Connection

#: Seconds to wait for the server before saying it does not answer (unless the URL says).
CONNECT_TIMEOUT_S = 10


def public_url(url: str) -> str:
    """The URL without its password: what `Store.url` and every message show."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(SplitResult(parts.scheme, user + host, parts.path, parts.query, ""))


def database_name(url: str) -> str:
    """The database a URL names (PostgreSQL's default: the user's name)."""
    parts = urlsplit(url)
    return parts.path.lstrip("/") or (parts.username or "")


def connect(url: str, *, readonly: bool = False) -> Connection:
    """An autocommit connection; StorageUnavailableError (no server, refused) or NotFoundError
    (no such database) saying what to do."""
    given = "connect_timeout" in parse_qs(urlsplit(url).query)
    shown = public_url(url)
    try:
        db = psycopg.connect(
            url, autocommit=True, connect_timeout=None if given else CONNECT_TIMEOUT_S
        )
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        if "does not exist" in str(exc) and "database" in str(exc):
            name = database_name(url)
            raise NotFoundError(
                f"{shown}: the database {name!r} does not exist; create it"
                f" (`createdb {name}` on the server, or CREATE DATABASE) and run again"
            ) from None
        raise StorageUnavailableError(
            f"cannot connect to PostgreSQL at {shown}: {reason}; check that the server runs and"
            " accepts this user, or set CEASEFIRE_STORE / --db to another store"
        ) from None
    except psycopg.ProgrammingError as exc:
        raise StorageUnavailableError(f"{shown} is not a usable PostgreSQL URL: {exc}") from None
    if readonly:
        db.execute("SET default_transaction_read_only = on")
    return db
