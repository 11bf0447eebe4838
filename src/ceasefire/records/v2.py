"""Schema version 2 of the incident and the transition, and version 1 of the response clock.

Frozen like `v1`: released bodies never change. Incident v2 carries fusion's reasoning
(the links that joined each observation, the independent sources and why, the bulletin rows
that support it) and the attribution with its reasons; transition v2 adds the actor's
organisation and the evidence relied on, which the verification workflow must record and
which reviewer independence is checked against. Version 1 records stay readable through `v1`.
"""

from __future__ import annotations

from datetime import datetime

from ceasefire.domain import (
    Attribution,
    ClockTrack,
    FusionLink,
    Incident,
    ResponseClock,
    Side,
    SourceGroup,
    SupportingLink,
    Transition,
)
from ceasefire.domain.taxonomy import Category
from ceasefire.records import v1
from ceasefire.records.v1 import Body


def _link(link: FusionLink) -> Body:
    return {
        "observation_id": link.observation_id,
        "partner_id": link.partner_id,
        "distance_m": link.distance_m,
        "reach_m": link.reach_m,
        "gap_s": link.gap_s,
        "tolerance_s": link.tolerance_s,
        "categories": list(link.categories),
    }


def _load_link(data: Body) -> FusionLink:
    first, second = data["categories"]
    return FusionLink(
        observation_id=data["observation_id"],
        partner_id=data["partner_id"],
        distance_m=float(data["distance_m"]),
        reach_m=float(data["reach_m"]),
        gap_s=float(data["gap_s"]),
        tolerance_s=float(data["tolerance_s"]),
        categories=(first, second),
    )


def _attribution(a: Attribution) -> Body:
    return {
        "side": str(a.side),
        "confidence": a.confidence,
        "method": a.method,
        "reasons": list(a.reasons),
    }


def _load_attribution(data: Body) -> Attribution:
    return Attribution(
        side=Side(data["side"]),
        confidence=float(data["confidence"]),
        method=data["method"],
        reasons=tuple(data["reasons"]),
    )


def dump_incident(i: Incident) -> Body:
    return {
        **v1.incident_core(i),
        "independent_sources": i.independent_sources,
        "links": [_link(link) for link in i.links],
        "sources": [
            {"observation_ids": list(g.observation_ids), "sources": list(g.sources),
             "reason": g.reason}
            for g in i.sources
        ],
        "supporting": [{"observation_id": s.observation_id, "reason": s.reason}
                       for s in i.supporting],
        "attribution": _attribution(i.attribution),
    }


def load_incident(data: Body) -> Incident:
    base = v1.load_incident(data)
    return Incident(
        id=base.id,
        observation_ids=base.observation_ids,
        interval=base.interval,
        location=base.location,
        category=Category(base.category),
        side=base.side,
        confidence=base.confidence,
        independent_sources=int(data["independent_sources"]),
        links=tuple(_load_link(link) for link in data["links"]),
        sources=tuple(
            SourceGroup(tuple(g["observation_ids"]), tuple(g["sources"]), g["reason"])
            for g in data["sources"]
        ),
        supporting=tuple(SupportingLink(s["observation_id"], s["reason"])
                         for s in data["supporting"]),
        attribution=_load_attribution(data["attribution"]),
    )


def dump_transition(t: Transition) -> Body:
    return {**v1.transition_core(t), "organisation": t.organisation,
            "evidence": list(t.evidence)}


def load_transition(data: Body) -> Transition:
    base = v1.load_transition(data)
    return Transition(
        id=base.id,
        subject=base.subject,
        from_state=base.from_state,
        to_state=base.to_state,
        at=base.at,
        actor=base.actor,
        reason=base.reason,
        successor=base.successor,
        organisation=data["organisation"],
        evidence=tuple(data["evidence"]),
    )


def dump_clock(c: ResponseClock) -> Body:
    return {
        "id": c.id,
        "incident_id": c.incident_id,
        "track": str(c.track),
        "notified_party": str(c.notified_party),
        "started_at": c.started_at.isoformat(),
        "due_at": c.due_at.isoformat(),
        "started_by": c.started_by,
        "clause": c.clause,
    }


def load_clock(data: Body) -> ResponseClock:
    return ResponseClock(
        id=data["id"],
        incident_id=data["incident_id"],
        track=ClockTrack(data["track"]),
        notified_party=Side(data["notified_party"]),
        started_at=datetime.fromisoformat(data["started_at"]),
        due_at=datetime.fromisoformat(data["due_at"]),
        started_by=data["started_by"],
        clause=data["clause"],
    )
