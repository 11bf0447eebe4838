"""Shared by the force tests: the shipped example loaded once, and operations built in code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from ceasefire.domain.intent import Circle, IntentState, OperationalIntent, Volume4D
from ceasefire.force.checks import ForceIntent
from ceasefire.force.force import Force
from ceasefire.force.loader import load_force
from ceasefire.force.model import Task
from ceasefire.paths import force_dir

FORCE_DIR = force_dir()
EXAMPLE_INTENTS = FORCE_DIR / "intents-example.yaml"
#: The minute the UK's Typhoons pass under the air component's OPCON (registry.yaml).
GB_TOA = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
LVIV = (24.03, 49.84)
#: In Zaporizhzhia: outside the settlement's 15 km buffer, inside the UK's 50 km exclusion.
ZAPORIZHZHIA = (35.14, 47.84)


@cache
def example_force() -> Force:
    return load_force(FORCE_DIR / "registry.yaml", FORCE_DIR / "mandates.yaml")


def operation(
    op_id: str,
    units: tuple[str, ...],
    task: Task,
    *,
    command: str = "mnfu-air",
    centre: tuple[float, float] = LVIV,
    radius_m: float = 10_000.0,
    start: datetime = datetime(2026, 2, 2, 8, tzinfo=UTC),
    hours: float = 2.0,
    mandates: tuple[str, ...] = ("coalition-mnfu",),
) -> ForceIntent:
    """One operation of one circular volume over [start, start + hours)."""
    volume = Volume4D(
        Circle(centre[0], centre[1], radius_m), 0.0, 12_000.0, start, start + timedelta(hours=hours)
    )
    intent = OperationalIntent(op_id, command, "", "", 0, IntentState.ACCEPTED, (volume,))
    return ForceIntent(intent, units, task, mandates)
