"""An incident: several observations fused into one event.

The planned fusion stage will build these; nothing does yet, and assessment works on single
observations until it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ceasefire.domain.observation import Location
from ceasefire.domain.taxonomy import Category, Side
from ceasefire.domain.timeinterval import TimeInterval


@dataclass(frozen=True, slots=True)
class Incident:
    """One real-world event and the observations that corroborate it."""

    id: str
    observation_ids: tuple[str, ...]
    interval: TimeInterval
    location: Location
    category: Category
    side: Side = Side.UNKNOWN
    confidence: float = 0.0

    def __post_init__(self) -> None:
        if not self.observation_ids:
            raise ValueError("an incident needs at least one observation")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} must lie in [0, 1]")
