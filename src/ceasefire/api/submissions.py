"""Observations submitted over the API: the JSON schema, and its mapping to the domain (pure).

Why a schema of its own rather than the domain dataclass: a submission must never say who
submitted it (``reported_by`` comes from the caller's token) nor choose its id (derived from
``source`` and ``source_record_id`` as every ingest path derives it, so a re-sent row is the
same observation and adds nothing). Unknown fields are refused, so a body that tries to set
``reported_by`` is told so instead of being quietly half-obeyed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ceasefire.domain import Category, Observation, Side
from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.domain.observation import Location
from ceasefire.domain.timeinterval import TimeInterval, TimePrecision
from ceasefire.ingest.ids import observation_id

#: Observations per JSON request: a batch is validated whole before anything is stored.
MAX_BATCH = 1000

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f/]+$")]


class ObservationIn(BaseModel):
    """One observation as a monitor submits it; maps to `ceasefire.domain.Observation`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    source: Name = Field(description="The feed or team that made the report.")
    source_record_id: Name = Field(description="The report's id within its source.")
    start: datetime = Field(description="Start of the interval; needs a UTC offset.")
    end: datetime = Field(description="End of the interval (>= start); needs a UTC offset.")
    time_precision: TimePrecision = TimePrecision.MINUTE
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_m: float = Field(default=0.0, ge=0, le=20_000_000)
    region: str | None = Field(default=None, min_length=1, max_length=200)
    category: Category
    side: Side = Side.UNKNOWN
    description: str = Field(default="", max_length=5000)
    weapon_model: str | None = Field(default=None, min_length=1, max_length=200)
    launched: int | None = Field(default=None, ge=0, le=1_000_000)
    destroyed: int | None = Field(default=None, ge=0, le=1_000_000)


def _bad(position: int, field: str, reason: str) -> Problem:
    return Problem(source="request", reason=reason, pointer=f"body.{position}.{field}",
                   field=field)


def _field_problems(position: int, item: ObservationIn) -> list[Problem]:
    """Rules between fields, which the per-field schema cannot state."""
    problems = []
    for name in ("start", "end"):
        value: datetime = getattr(item, name)
        if value.tzinfo is None:
            problems.append(_bad(position, name, f"{value.isoformat()} needs a UTC offset"))
    if not problems and item.end < item.start:
        problems.append(_bad(position, "end", f"end {item.end.isoformat()} is before start"
                                              f" {item.start.isoformat()}"))
    if (item.lat is None) != (item.lon is None):
        problems.append(_bad(position, "lon" if item.lon is None else "lat",
                             "a point needs both lat and lon"))
    elif item.lat is None and not item.region:
        problems.append(_bad(position, "region", "a location needs lat/lon or a region name"))
    return problems


def to_observations(items: Sequence[ObservationIn], reported_by: str) -> list[Observation]:
    """The domain observations of a batch, all or none: every bad row is named (its position
    in the body and the field) in one `InvalidInputError`, so a client fixes them in one go."""
    problems = [p for i, item in enumerate(items) for p in _field_problems(i, item)]
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        oid = observation_id(item.source, item.source_record_id)
        if oid in seen:
            problems.append(_bad(i, "source_record_id",
                                 f"observation {oid} repeats item {seen[oid]} of this batch"))
        seen.setdefault(oid, i)
    if problems:
        named = ", ".join(p.pointer or "" for p in problems[:5])
        raise InvalidInputError(f"observations refused, nothing stored: {named}", problems)
    return [_observation(item, reported_by) for item in items]


def _observation(item: ObservationIn, reported_by: str) -> Observation:
    return Observation(
        id=observation_id(item.source, item.source_record_id),
        source=item.source,
        source_record_id=item.source_record_id,
        interval=TimeInterval(item.start.astimezone(UTC), item.end.astimezone(UTC),
                              item.time_precision),
        location=Location(item.lat, item.lon, item.radius_m, item.region),
        category=item.category,
        side=item.side,
        description=item.description,
        weapon_model=item.weapon_model,
        launched=item.launched,
        destroyed=item.destroyed,
        reported_by=reported_by,
    )


def first_reporters(
    observations: Sequence[Observation], stored_reporters: dict[str, str]
) -> list[Observation]:
    """Each observation keeps the reporter who submitted it first (`stored_reporters`, by id):
    a second submission of the same row is the same observation, not a takeover of it."""
    return [
        replace(o, reported_by=stored_reporters[o.id]) if o.id in stored_reporters else o
        for o in observations
    ]


def request_digest(content_type: str, body: bytes) -> str:
    """What an idempotency key is bound to: the media type and the exact body bytes."""
    media = content_type.split(";", 1)[0].strip().lower()
    return hashlib.sha256(media.encode() + b"\n" + body).hexdigest()
