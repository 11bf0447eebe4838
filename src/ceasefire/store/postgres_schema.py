"""Versioned migrations of a PostgreSQL store: ordered SQL files and a `schema_version` table.

Why not Alembic: the store speaks SQL through psycopg and has no SQLAlchemy models, so Alembic
would bring SQLAlchemy and a second description of the tables only to run a list of scripts in
order. The runner here does exactly that and no more: each file
``migrations/postgres/NNNN_name.sql`` (package data) is one version; the versions applied are
rows of ``schema_version``; opening a writable store applies the missing ones, in order, in
one transaction under the store's advisory lock (PostgreSQL's DDL is transactional), so two
processes opening a new database at once migrate it once, and a failed migration leaves the
database at its previous version. A database migrated by a newer ceasefire is refused, never
misread. docs/store.md, "PostgreSQL".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import psycopg
from psycopg.rows import TupleRow

from ceasefire.domain.errors import NotFoundError, StorageUnavailableError

Connection = psycopg.Connection[TupleRow]

#: First key of the store's transaction-level advisory lock ("ceas"); the second is the hash
#: of the schema holding the tables, so two stores in one database do not wait on each other.
LOCK_CLASS = 0x63656173

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@cache
def migrations() -> tuple[Migration, ...]:
    """The migrations shipped with this version, in order; numbered 1, 2, ... without gaps."""
    folder = files("ceasefire.store").joinpath("migrations/postgres")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is not None:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"PostgreSQL migrations are not numbered 1..n: {numbers}")
    return tuple(found)


def newest() -> int:
    """The schema version this code reads and writes."""
    return migrations()[-1].version


def lock_store(db: Connection) -> None:
    """Take the store's write lock until the end of the current transaction: every writer of
    the store, in any process, queues here, which keeps the ledger single-writer and gap-free."""
    db.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (LOCK_CLASS,))


def current_version(db: Connection) -> int | None:
    """The version the database is at, or None when it holds no ceasefire store."""
    (table,) = db.execute("SELECT to_regclass('schema_version')::text").fetchone() or (None,)
    if table is None:
        return None
    (version,) = db.execute("SELECT max(version) FROM schema_version").fetchone() or (None,)
    return None if version is None else int(version)


def _refuse_newer(found: int, url: str) -> None:
    if found > newest():
        raise StorageUnavailableError(
            f"{url} is at schema version {found}, written by a newer ceasefire; this version"
            f" reads up to {newest()}: upgrade ceasefire (nothing was changed)"
        )


def migrate(db: Connection, url: str) -> list[int]:
    """Bring the database up to `newest()`; returns the versions applied (none when current)."""
    with db.transaction():
        lock_store(db)
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
            " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        found = current_version(db) or 0
        _refuse_newer(found, url)
        applied: list[int] = []
        for step in migrations()[found:]:
            try:
                with db.transaction():
                    db.execute(step.sql)
            except psycopg.errors.FeatureNotSupported as exc:
                raise StorageUnavailableError(_missing_feature(url, step, exc)) from None
            except psycopg.errors.UndefinedFile as exc:
                raise StorageUnavailableError(_missing_feature(url, step, exc)) from None
            db.execute(
                "INSERT INTO schema_version (version, name) VALUES (%s, %s)",
                (step.version, step.name),
            )
            applied.append(step.version)
    return applied


def _missing_feature(url: str, step: Migration, exc: psycopg.Error) -> str:
    hint = ""
    if step.name.startswith("postgis") or "postgis" in str(exc).lower():
        hint = (
            "; the server lacks PostGIS: install it (Debian: apt-get install"
            " postgresql-15-postgis-3) and open the store again"
        )
    return f"{url}: migration {step.version} ({step.name}) failed: {exc}{hint}"


def check_readable(db: Connection, url: str) -> None:
    """For a read-only opening, which must not migrate: the database holds a store of exactly
    this version."""
    found = current_version(db)
    if found is None:
        raise NotFoundError(f"{url} holds no ceasefire store (open it writable once to create it)")
    _refuse_newer(found, url)
    if found < newest():
        raise StorageUnavailableError(
            f"{url} is at schema version {found}, this ceasefire needs {newest()}: open it"
            " writable once (any command that writes, e.g. `ceasefire ingest`) to migrate it"
        )
