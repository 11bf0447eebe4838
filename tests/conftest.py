"""Shared fixtures: the project's bundled real data and shipped agreements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ceasefire.paths import agreements_dir, data_dir
from pg_helpers import ThrowawayDatabase, throwaway_database


@pytest.fixture(scope="session")
def data() -> Path:
    return data_dir()


@pytest.fixture(scope="session")
def agreements() -> Path:
    return agreements_dir()


@pytest.fixture(scope="session")
def bulletins_csv(data: Path) -> Path:
    return data / "missile_attacks" / "missile_attacks_daily.csv"


@pytest.fixture(scope="session")
def pg() -> Iterator[ThrowawayDatabase]:
    """A throwaway PostgreSQL database for the session (tests/pg_helpers.py)."""
    yield from throwaway_database()
