"""Request and response bodies of the track routes (pydantic, for OpenAPI).

SI units as in `domain.track`: metres, seconds, metres per second; WGS84 degrees; track angle
clockwise from true north. Report times need a UTC offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.intent_models import UtcTime
from ceasefire.domain.track import TrackSource

#: Most reports in one batch.
MAX_TRACK_BATCH = 1000

TrackId = Annotated[str, Field(pattern=r"^[\x21-\x7e]{1,64}$",
                               description="ICAO address, MMSI or the force's own call sign:"
                                           " 1-64 visible ASCII characters.")]


class TrackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: TrackId
    t: UtcTime = Field(description="When the state was observed.")
    lat: float
    lon: float
    alt_m: float
    trk_deg: float
    gs_mps: float
    vs_mps: float = 0.0
    source: TrackSource = TrackSource.OTHER


class TrackBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    states: list[TrackIn] = Field(min_length=1, max_length=MAX_TRACK_BATCH)


class RefusedReport(BaseModel):
    index: int
    id: str
    reason: str


class TrackBatchAnswer(BaseModel):
    received: int
    taken: int
    refused: list[RefusedReport]
    expired: int = Field(description="Tracks dropped as stale before this batch.")
    held: int = Field(description="Tracks in the picture after this batch.")


class TrackView(BaseModel):
    id: str
    t: datetime
    lat: float
    lon: float
    alt_m: float
    trk_deg: float
    gs_mps: float
    vs_mps: float
    source: TrackSource
    reported_by: str
    updates: int
    smoothed_trk_deg: float
    smoothed_gs_mps: float
    smoothed_vs_mps: float


class TrackPage(BaseModel):
    items: list[TrackView]
    next: str | None


class ConflictPairView(BaseModel):
    id1: str
    id2: str
    tcpa_s: float
    dcpa_m: float
    tin_s: float
    tout_s: float


class ConflictPage(BaseModel):
    at: datetime = Field(description="The picture's time: every track extrapolated to it.")
    tracks: int
    items: list[ConflictPairView]
    next: str | None


class IncursionView(BaseModel):
    track_id: str
    constraint_id: str
    kind: str
    entry_s: float
    inside_now: bool
    entry_lat: float
    entry_lon: float
    entry_alt_m: float


class IncursionPage(BaseModel):
    at: datetime
    tracks: int
    items: list[IncursionView]
    next: str | None
