"""Request and response bodies of the operational-intent routes (pydantic, for OpenAPI).

Why a plain shape rather than F3548's JSON: the service's schema must state every constraint
a client can check before sending (schemathesis generates requests from it), and F3548's
nested ``{"value": ..., "units": ...}`` objects would leave most of them to prose. The
fields map one to one onto `Volume4D` and `OperationalIntent`; ``ceasefire deconflict``
keeps reading F3548 files. The owning nation is never in a body: it is the caller's
organisation, from the token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from ceasefire.domain.intent import IntentState

#: Most volumes one intent may hold (each is indexed on H3 cells when it is accepted).
MAX_VOLUMES = 20
#: Most vertices of one polygon outline.
MAX_VERTICES = 1000
#: Most entries of a `seen` view: the live intents a submitter has seen in its area.
MAX_SEEN = 10_000

IntentId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
                                description="Chosen by the planner; letters, digits, . _ : -")]
Version = Annotated[int, Field(ge=1, le=1_000_000_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def _in_utc(moment: datetime) -> datetime:
    """One spelling per instant, so equal plans give equal records (and ledger ids)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time cannot be expressed in UTC (out of range)") from None


UtcTime = Annotated[AwareDatetime, AfterValidator(_in_utc)]
Seen = Annotated[dict[IntentId, Version], Field(
    max_length=MAX_SEEN,
    description="Version of every live intent the caller has seen in the area of this plan"
                " (from POST /v1/intents/area); a missing or older one makes the request stale"
                " (409).")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CircleIn(Strict):
    lon: float = Field(description="Centre longitude, degrees WGS84.")
    lat: float = Field(description="Centre latitude, degrees WGS84.")
    radius_m: float = Field(gt=0, description="Radius, metres.")


class VolumeIn(Strict):
    """One 4D volume: exactly one of `polygon` ([lon, lat] vertices, geodesic edges) and
    `circle`; an altitude band in metres above the WGS84 ellipsoid; a time window (all bounds
    inclusive)."""

    polygon: list[tuple[float, float]] | None = Field(
        default=None, min_length=3, max_length=MAX_VERTICES)
    circle: CircleIn | None = None
    lower_m: float
    upper_m: float
    start: UtcTime
    end: UtcTime


LiveState = Literal["accepted", "activated", "nonconforming", "contingent"]


class IntentPlan(Strict):
    command: Name = Field(description="The owning command within the caller's nation.")
    mandate: str = Field(default="", max_length=200)
    priority: int = Field(default=0, ge=-1_000_000, le=1_000_000)
    state: LiveState = "accepted"
    volumes: list[VolumeIn] = Field(min_length=1, max_length=MAX_VOLUMES)
    off_nominal_volumes: list[VolumeIn] = Field(default_factory=list, max_length=MAX_VOLUMES)
    seen: Seen = Field(default_factory=dict)


class IntentIn(IntentPlan):
    """A new intent: ``POST /v1/intents``."""

    id: IntentId


class IntentChange(IntentPlan):
    """A new version of an intent: ``PUT /v1/intents/{id}``; `version` is the one the caller
    last saw of this intent."""

    version: Version


class IntentEnd(Strict):
    """``POST /v1/intents/{id}/end``: `version` last seen of this intent, and the area view."""

    version: Version
    seen: Seen = Field(default_factory=dict)


class AreaQuery(Strict):
    """``POST /v1/intents/area``: the volumes a plan would occupy."""

    volumes: list[VolumeIn] = Field(min_length=1, max_length=MAX_VOLUMES)


class IntentView(BaseModel):
    id: str
    version: int
    state: IntentState
    nation: str
    command: str
    mandate: str
    priority: int
    volumes: list[VolumeIn]
    off_nominal_volumes: list[VolumeIn]
    recorded_at: datetime
    recorded_by: str


class IntentVersion(IntentView):
    ledger_id: str
    current: bool


class IntentDetail(BaseModel):
    intent: IntentView
    history: list[IntentVersion] | None = Field(
        description="Every stored version, oldest first; null for a caller outside the mission"
                    " and the owning nation.")


class IntentPage(BaseModel):
    items: list[IntentView]
    next: str | None


class OverlapView(BaseModel):
    own_volume: int
    other_volume: int
    start: datetime
    end: datetime
    lower_m: float
    upper_m: float
    area_m2: float


class NotificationView(BaseModel):
    recipient_command: str
    recipient_nation: str
    intent_id: str
    intent_version: int
    by_intent_id: str
    by_command: str
    reason: str


class IntentConflictView(BaseModel):
    intent_id: str
    version: int
    command: str
    priority: int
    overlaps: list[OverlapView]


class ConstraintConflictView(BaseModel):
    constraint_id: str
    kind: str
    overlaps: list[OverlapView]


class DecisionView(BaseModel):
    accepted: bool
    reason: str
    version: int | None
    conflicts: list[IntentConflictView]
    constraint_conflicts: list[ConstraintConflictView]
    notifications: list[NotificationView]


class IntentAnswer(BaseModel):
    intent: IntentView
    decision: DecisionView


class IntentRefView(BaseModel):
    id: str
    version: int
    state: IntentState
    nation: str
    command: str
    priority: int


class AreaView(BaseModel):
    seen: dict[str, int] = Field(description="Pass back as `seen` with the plan.")
    intents: list[IntentRefView]
