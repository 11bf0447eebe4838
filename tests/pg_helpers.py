"""A throwaway PostgreSQL database for one test session, and a fresh schema per store.

The session creates ``ceasefire_test_<random>`` (with PostGIS) on the server named by
CEASEFIRE_TEST_PG (default: the one every CI machine runs, 127.0.0.1:5432, trust
authentication, user root) and drops it at the end. Each store or ledger a test opens gets a
schema of its own in it (``search_path`` in the URL), which is much cheaper than a database per
test and just as isolated: the store's tables, and its advisory lock, are per schema.

Only a server that does not answer at all skips the PostgreSQL tests, with the reason said
loudly; anything else (PostGIS missing, a refused user) fails them.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import psycopg
import pytest

SERVER = os.environ.get("CEASEFIRE_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")


def server_answers(url: str = SERVER) -> bool:
    """Whether anything listens where the server should be (no login attempted)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2):
            return True
    except OSError:
        return False


class ThrowawayDatabase:
    """One database for the session; `fresh_url()` gives a new empty schema in it."""

    def __init__(self, server: str = SERVER) -> None:
        self.name = f"ceasefire_test_{secrets.token_hex(6)}"
        self._server = server
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(server)
        self.url = parts._replace(path=f"/{self.name}", query="").geturl()
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def fresh_url(self) -> str:
        """A store URL whose tables will live in a new, empty schema."""
        schema = f"t_{secrets.token_hex(6)}"
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f'CREATE SCHEMA "{schema}"')
        return f"{self.url}?options={quote(f'-csearch_path={schema},public', safe='')}"

    def drop(self) -> None:
        with psycopg.connect(self._server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def throwaway_database() -> Iterator[ThrowawayDatabase]:
    """The body of the session fixture `pg` (conftest.py)."""
    if not server_answers():
        pytest.skip(
            f"!!! NO POSTGRESQL SERVER ANSWERS AT {SERVER}: the PostgreSQL store tests did NOT"
            " run (start it, or set CEASEFIRE_TEST_PG) !!!"
        )
    database = ThrowawayDatabase()
    try:
        yield database
    finally:
        database.drop()
