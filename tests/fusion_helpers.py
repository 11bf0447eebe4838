"""Sightings for the fusion tests: a readable constructor and a hypothesis strategy that puts
sightings close enough in place and time for gates to pass and fail both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimePrecision
from ceasefire.fusion import Sighting

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def sighting(
    id_: str,
    *,
    lat: float = 48.0,
    lon: float = 35.0,
    radius_m: float = 100.0,
    minutes: float = 0.0,
    duration_min: float = 0.0,
    category: Category = Category.ARTILLERY_SHELLING,
    precision: TimePrecision = TimePrecision.MINUTE,
    source: str = "bellingcat",
    origin_keys: frozenset[str] = frozenset(),
    document: str | None = None,
) -> Sighting:
    start = T0 + timedelta(minutes=minutes)
    return Sighting(
        id=id_,
        source=source,
        start=start,
        end=start + timedelta(minutes=duration_min),
        lat=lat,
        lon=lon,
        radius_m=radius_m,
        category=category,
        precision=precision,
        origin_keys=origin_keys,
        document=document,
    )


_CATEGORIES = [
    Category.ARTILLERY_SHELLING,
    Category.AIR_STRIKE,
    Category.STRIKE_UNSPECIFIED,
    Category.TACTICAL_DRONE,
    Category.UNIDENTIFIED_DRONE,
    Category.ONE_WAY_ATTACK_DRONE,
]


@st.composite
def sightings(draw: st.DrawFn, max_size: int = 25) -> list[Sighting]:
    """Distinct ids; places within ~5 km and times within a day, so many pairs are close."""
    n = draw(st.integers(0, max_size))
    out = []
    for k in range(n):
        out.append(
            sighting(
                f"obs-{k:03d}",
                lat=48.0 + draw(st.integers(0, 40)) * 0.001,
                lon=35.0 + draw(st.integers(0, 40)) * 0.0015,
                radius_m=draw(st.sampled_from([0.0, 50.0, 300.0, 1_000.0, 3_000.0, 30_000.0])),
                minutes=draw(st.integers(0, 24 * 6)) * 10.0,
                duration_min=draw(st.sampled_from([0.0, 1.0, 60.0, 24 * 60.0, 7 * 24 * 60.0])),
                category=draw(st.sampled_from(_CATEGORIES)),
                precision=draw(st.sampled_from(list(TimePrecision))),
                source=draw(st.sampled_from(["bellingcat", "cir", "ucdp"])),
            )
        )
    return out
