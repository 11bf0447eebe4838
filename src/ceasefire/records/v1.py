"""Schema version 1 of every record kind: domain value <-> plain JSON body.

Frozen: once released, a function here must keep producing the same body for the same value
(tests/test_records.py pins the bytes). A new field or a new spelling is a version 2 module
beside this one. Times are RFC 3339 text with their offset, enums their values, and `extras`
the raw source row as it was read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ceasefire.domain import (
    AuditEntry,
    AuditOutcome,
    Category,
    Finding,
    Incident,
    Location,
    Observation,
    RecordKind,
    RecordRef,
    Report,
    ReportKind,
    Side,
    TargetClass,
    TimeInterval,
    TimePrecision,
    Transition,
    Verdict,
    WeaponClass,
)
from ceasefire.domain.frozen import thaw

Body = dict[str, Any]


def _ref(ref: RecordRef) -> Body:
    return {"kind": str(ref.kind), "id": ref.id}


def _load_ref(data: Body) -> RecordRef:
    return RecordRef(RecordKind(data["kind"]), data["id"])


def _interval(interval: TimeInterval) -> Body:
    return {
        "start": interval.start.isoformat(),
        "end": interval.end.isoformat(),
        "precision": str(interval.precision),
    }


def _load_interval(data: Body) -> TimeInterval:
    return TimeInterval(
        datetime.fromisoformat(data["start"]),
        datetime.fromisoformat(data["end"]),
        TimePrecision(data["precision"]),
    )


def _location(loc: Location) -> Body:
    return {
        "lat": loc.lat,
        "lon": loc.lon,
        "uncertainty_m": loc.uncertainty_m,
        "region": loc.region,
    }


def _float(value: float | None) -> float | None:
    """JSON has one number type and RFC 8785 writes 500.0 as ``500``: give floats back as floats,
    or a reader (and every report printed from it) would see 0 where the source said 0.0."""
    return None if value is None else float(value)


def _load_location(data: Body) -> Location:
    return Location(
        lat=_float(data["lat"]),
        lon=_float(data["lon"]),
        uncertainty_m=float(data["uncertainty_m"]),
        region=data["region"],
    )


def dump_observation(o: Observation) -> Body:
    return {
        "id": o.id,
        "source": o.source,
        "source_record_id": o.source_record_id,
        "reported_by": o.reported_by,
        "publisher": o.publisher,
        "report_kind": str(o.report_kind),
        "interval": _interval(o.interval),
        "location": _location(o.location),
        "category": str(o.category),
        "weapon_model": o.weapon_model,
        "weapon_class": str(o.weapon_class),
        "launched": o.launched,
        "destroyed": o.destroyed,
        "side": str(o.side),
        "target_class": str(o.target_class),
        "description": o.description,
        "extras": thaw(o.extras),
    }


def load_observation(data: Body) -> Observation:
    return Observation(
        id=data["id"],
        source=data["source"],
        source_record_id=data["source_record_id"],
        reported_by=data["reported_by"],
        publisher=data["publisher"],
        report_kind=ReportKind(data["report_kind"]),
        interval=_load_interval(data["interval"]),
        location=_load_location(data["location"]),
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


def dump_finding(f: Finding) -> Body:
    return {
        "id": f.id,
        "agreement_id": f.agreement_id,
        "agreement_sha256": f.agreement_sha256,
        "subject": _ref(f.subject),
        "verdict": str(f.verdict),
        "clauses": list(f.clauses),
        "reason": f.reason,
        "certainty": f.certainty,
    }


def load_finding(data: Body) -> Finding:
    return Finding(
        id=data["id"],
        agreement_id=data["agreement_id"],
        agreement_sha256=data["agreement_sha256"],
        subject=_load_ref(data["subject"]),
        verdict=Verdict(data["verdict"]),
        clauses=tuple(data["clauses"]),
        reason=data["reason"],
        certainty=float(data["certainty"]),
    )


def dump_incident(i: Incident) -> Body:
    if i != Incident(i.id, i.observation_ids, i.interval, i.location, i.category, i.side,
                     i.confidence):
        raise ValueError(f"incident {i.id} carries fusion reasoning that schema 1 cannot hold")
    return incident_core(i)


def incident_core(i: Incident) -> Body:
    """The members schema 1 has; later versions add theirs beside them."""
    return {
        "id": i.id,
        "observation_ids": list(i.observation_ids),
        "interval": _interval(i.interval),
        "location": _location(i.location),
        "category": str(i.category),
        "side": str(i.side),
        "confidence": i.confidence,
    }


def load_incident(data: Body) -> Incident:
    return Incident(
        id=data["id"],
        observation_ids=tuple(data["observation_ids"]),
        interval=_load_interval(data["interval"]),
        location=_load_location(data["location"]),
        category=Category(data["category"]),
        side=Side(data["side"]),
        confidence=float(data["confidence"]),
    )


def dump_transition(t: Transition) -> Body:
    if t.organisation or t.evidence:
        raise ValueError(f"transition {t.id} names an organisation or evidence; schema 1 cannot")
    return transition_core(t)


def transition_core(t: Transition) -> Body:
    """The members schema 1 has; later versions add theirs beside them."""
    return {
        "id": t.id,
        "subject": _ref(t.subject),
        "from_state": t.from_state,
        "to_state": t.to_state,
        "at": t.at.isoformat(),
        "actor": t.actor,
        "reason": t.reason,
        "successor": None if t.successor is None else _ref(t.successor),
    }


def load_transition(data: Body) -> Transition:
    successor = data["successor"]
    return Transition(
        id=data["id"],
        subject=_load_ref(data["subject"]),
        from_state=data["from_state"],
        to_state=data["to_state"],
        at=datetime.fromisoformat(data["at"]),
        actor=data["actor"],
        reason=data["reason"],
        successor=None if successor is None else _load_ref(successor),
    )


def dump_report(r: Report) -> Body:
    return {
        "id": r.id,
        "title": r.title,
        "period": _interval(r.period),
        "issued_at": r.issued_at.isoformat(),
        "media_type": r.media_type,
        "sha256": r.sha256,
        "agreement_ids": list(r.agreement_ids),
    }


def load_report(data: Body) -> Report:
    return Report(
        id=data["id"],
        title=data["title"],
        period=_load_interval(data["period"]),
        issued_at=datetime.fromisoformat(data["issued_at"]),
        media_type=data["media_type"],
        sha256=data["sha256"],
        agreement_ids=tuple(data["agreement_ids"]),
    )


def dump_audit(a: AuditEntry) -> Body:
    return {
        "id": a.id,
        "at": a.at.isoformat(),
        "actor": a.actor,
        "action": a.action,
        "target": a.target,
        "outcome": str(a.outcome),
        "detail": a.detail,
    }


def load_audit(data: Body) -> AuditEntry:
    return AuditEntry(
        id=data["id"],
        at=datetime.fromisoformat(data["at"]),
        actor=data["actor"],
        action=data["action"],
        target=data["target"],
        outcome=AuditOutcome(data["outcome"]),
        detail=data["detail"],
    )
