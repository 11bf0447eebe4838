"""Small builders for the verification tests: an incident at a point on a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ceasefire.domain import (
    Attribution,
    Category,
    Incident,
    IncidentState,
    Location,
    Side,
    TimeInterval,
    TimePrecision,
    Transition,
)
from ceasefire.verify.workflow import Role, TransitionRequest, decide


def day_interval(day: date) -> TimeInterval:
    """The Kyiv day as `ingest.geocoded.place_interval` gives a summer date-only record."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=3)
    return TimeInterval(start, start + timedelta(days=1), TimePrecision.DAY)


def incident(
    incident_id: str = "inc-1",
    lat: float | None = 47.57,
    lon: float | None = 34.39,
    day: date = date(2025, 5, 9),
    side: Side = Side.UNKNOWN,
    uncertainty_m: float = 1_000.0,
    region: str | None = None,
) -> Incident:
    location = Location(lat=lat, lon=lon, uncertainty_m=uncertainty_m, region=region)
    return Incident(
        id=incident_id,
        observation_ids=(f"obs-{incident_id}",),
        interval=day_interval(day),
        location=location,
        category=Category.ARTILLERY_SHELLING,
        attribution=Attribution(side=side, confidence=0.8 if side is not Side.UNKNOWN else 0.0),
    )


def verification(
    at: datetime, clause: str | None = "art-1", incident_id: str = "inc-1"
) -> Transition:
    """A real verification made by `decide`, after the pipeline corroborated the incident."""
    s = IncidentState
    corroborate = TransitionRequest(incident_id, s.CORROBORATED, "pipeline", "", Role.SYSTEM,
                                    "second independent source", (), at - timedelta(hours=1))
    history = [decide(corroborate, [], frozenset())]
    verify = TransitionRequest(incident_id, s.VERIFIED, "rev-1", "mission-hq", Role.REVIEWER,
                               "site visit confirms the crater", ("photo/1",), at,
                               violation_clause=clause)
    return decide(verify, history, frozenset({"ua-liaison"}))
