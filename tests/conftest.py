"""Shared fixtures: the project's bundled real data and shipped agreements."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire.paths import agreements_dir, data_dir


@pytest.fixture(scope="session")
def data() -> Path:
    return data_dir()


@pytest.fixture(scope="session")
def agreements() -> Path:
    return agreements_dir()


@pytest.fixture(scope="session")
def bulletins_csv(data: Path) -> Path:
    return data / "missile_attacks" / "missile_attacks_daily.csv"
