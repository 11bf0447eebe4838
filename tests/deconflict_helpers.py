"""Shared builders for deconfliction tests (not a test module)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ceasefire.domain.intent import IntentState, OperationalIntent, Volume4D

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)


def box(
    lon0: float,
    lat0: float,
    lon1: float,
    lat1: float,
    lower: float = 0.0,
    upper: float = 1000.0,
    start_min: float = 0.0,
    end_min: float = 60.0,
) -> Volume4D:
    """An axis-aligned lon/lat box volume with times in minutes after T0."""
    return Volume4D(
        ((lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1)),
        lower,
        upper,
        T0 + timedelta(minutes=start_min),
        T0 + timedelta(minutes=end_min),
    )


def intent(
    intent_id: str,
    *volumes: Volume4D,
    priority: int = 0,
    command: str = "EU-AIR",
    mandate: str = "reassurance",
    state: IntentState = IntentState.ACCEPTED,
) -> OperationalIntent:
    """An intent owned by `command` with the given volumes."""
    return OperationalIntent(
        id=intent_id,
        command=command,
        nation="FR",
        mandate=mandate,
        priority=priority,
        state=state,
        volumes=tuple(volumes),
    )
