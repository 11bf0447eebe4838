"""Observation <-> plain JSON-able dict, one canonical form for the store and the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ceasefire.domain import (
    Category,
    Finding,
    Location,
    Observation,
    Side,
    TargetClass,
    TimeInterval,
    TimePrecision,
    Verdict,
    WeaponClass,
)


def observation_to_dict(observation: Observation) -> dict[str, Any]:
    loc = observation.location
    return {
        "id": observation.id,
        "source": observation.source,
        "source_record_id": observation.source_record_id,
        "start": observation.interval.start.isoformat(),
        "end": observation.interval.end.isoformat(),
        "precision": str(observation.interval.precision),
        "lat": loc.lat,
        "lon": loc.lon,
        "uncertainty_m": loc.uncertainty_m,
        "region": loc.region,
        "category": str(observation.category),
        "weapon_model": observation.weapon_model,
        "weapon_class": str(observation.weapon_class),
        "launched": observation.launched,
        "destroyed": observation.destroyed,
        "side": str(observation.side),
        "target_class": str(observation.target_class),
        "description": observation.description,
        "extras": dict(observation.extras),
    }


def observation_from_dict(data: dict[str, Any]) -> Observation:
    return Observation(
        id=data["id"],
        source=data["source"],
        source_record_id=data["source_record_id"],
        interval=TimeInterval(
            datetime.fromisoformat(data["start"]),
            datetime.fromisoformat(data["end"]),
            TimePrecision(data["precision"]),
        ),
        location=Location(
            lat=data["lat"],
            lon=data["lon"],
            uncertainty_m=data["uncertainty_m"],
            region=data["region"],
        ),
        category=Category(data["category"]),
        weapon_model=data["weapon_model"],
        weapon_class=WeaponClass(data["weapon_class"]),
        launched=data["launched"],
        destroyed=data["destroyed"],
        side=Side(data["side"]),
        target_class=TargetClass(data["target_class"]),
        description=data["description"],
        extras=data["extras"],
    )


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "agreement_id": finding.agreement_id,
        "observation_id": finding.observation_id,
        "verdict": str(finding.verdict),
        "clauses": list(finding.clauses),
        "reason": finding.reason,
        "certainty": finding.certainty,
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    return Finding(
        id=data["id"],
        agreement_id=data["agreement_id"],
        observation_id=data["observation_id"],
        verdict=Verdict(data["verdict"]),
        clauses=tuple(data["clauses"]),
        reason=data["reason"],
        certainty=float(data["certainty"]),
    )
