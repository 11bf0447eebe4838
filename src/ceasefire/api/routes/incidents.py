"""Incidents: the list (paged, filtered, per the caller's visibility), one incident with its
history, and workflow decisions.

Filtering by visibility happens before paging, so a party's page holds only verified
incidents and its cursor never points at an incident it may not see. An incident the caller
may not see answers 404 like one that does not exist, so its existence leaks nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from ceasefire.api.auth import allow
from ceasefire.api.filters import After, PageLimit, in_box, parse_bbox, time_window
from ceasefire.api.models import Decision, IncidentDetail, IncidentPage, TransitionBody
from ceasefire.api.paging import filtered_page
from ceasefire.api.roles import Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.visibility import detail_for, row_for, sees_incident
from ceasefire.domain import AuditOutcome, Category, Incident, IncidentState, RecordKind, RecordRef
from ceasefire.domain.errors import CeasefireError, ForbiddenError, NotFoundError
from ceasefire.monitoring.review import transition_incident
from ceasefire.monitoring.views import (
    clock_view,
    incident_detail,
    incident_row,
    transition_view,
    workflow_state,
)
from ceasefire.verify.workflow import Role as WorkflowRole
from ceasefire.verify.workflow import TransitionRequest

router = APIRouter(tags=["incidents"])
READERS = allow(*Role)
DECIDERS = allow(Role.REVIEWER, Role.ANALYST)

IncidentId = Annotated[str, Path(min_length=1, max_length=200, description="Incident id.")]


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _audit_read(services: Services, principal: Principal, action: str, target: str) -> None:
    """Reads by the public see only published, generalised data: nothing restricted."""
    if principal.role is not Role.PUBLIC:
        services.auditor.record(principal, action, target, AuditOutcome.ALLOWED)


@router.get("/v1/incidents", name="incidents.list")
def list_incidents(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    after: After = None,
    limit: PageLimit = 100,
    start: Annotated[datetime | None, Query(description="Overlapping [start, end).")] = None,
    end: Annotated[datetime | None, Query()] = None,
    state: Annotated[IncidentState | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    bbox: Annotated[
        str | None,
        Query(max_length=200, description="west,south,east,north in degrees; matched against"
                                          " the place as the caller sees it."),
    ] = None,
) -> IncidentPage:
    """Current incidents by id that the caller may see, with the filters applied."""
    services = _services(request)
    window = time_window(start, end)
    box = parse_bbox(bbox)
    store, precision = services.store, services.config.public_precision_deg

    def keep(incident: Incident) -> dict[str, Any] | None:
        if category is not None and incident.category is not category:
            return None  # before reading its transitions: the cheap test first
        current = workflow_state(store.transitions(_ref(incident.id)))
        if (state is not None and current is not state) or not sees_incident(
            principal, current
        ):
            return None
        row = row_for(principal, incident_row(incident, current), precision)
        return row if in_box(row, box) else None

    items, next_cursor = filtered_page(
        lambda cursor, size: store.incident_page(overlapping=window, after=cursor, limit=size),
        keep, lambda incident: incident.id, after, limit,
    )
    _audit_read(services, principal, "incidents.list", str(request.url.query)[:200] or "all")
    return IncidentPage.model_validate({"items": items, "next": next_cursor})


def _ref(incident_id: str) -> RecordRef:
    return RecordRef(RecordKind.INCIDENT, incident_id)


def _current(services: Services, principal: Principal, incident_id: str) -> Incident:
    store = services.store
    stored = store.get(_ref(incident_id))
    if stored is None:
        raise NotFoundError(f"no incident {incident_id}")
    value = stored.value()
    if not isinstance(value, Incident):  # pragma: no cover - the store keys by kind
        raise NotFoundError(f"no incident {incident_id}")
    if not sees_incident(principal, workflow_state(store.transitions(_ref(incident_id)))):
        raise NotFoundError(f"no incident {incident_id}")
    return value


@router.get("/v1/incidents/{incident_id}", name="incident.read")
def get_incident(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    incident_id: IncidentId,
) -> IncidentDetail:
    """One incident with its history (and, inside the mission, its evidence and reasoning)."""
    services = _services(request)
    store = services.store
    incident = _current(services, principal, incident_id)
    ref = _ref(incident_id)
    observations = [o for o in map(store.get_observation, incident.observation_ids) if o]
    supporting = [
        o for o in (store.get_observation(s.observation_id) for s in incident.supporting) if o
    ]
    detail = incident_detail(
        incident, store.transitions(ref), observations, supporting,
        [clock_view(c) for c in store.clocks(incident_id)],
    )
    shown = detail_for(principal, detail, services.config.public_precision_deg)
    current = store.get(ref)
    shown["ledger_id"] = None if current is None else current.ledger_id
    _audit_read(services, principal, "incident.read", f"incident/{incident_id}")
    return IncidentDetail.model_validate(shown)


@router.post("/v1/incidents/{incident_id}/transitions", status_code=201,
             name="incident.transition")
def transition(
    request: Request,
    principal: Annotated[Principal, Depends(DECIDERS)],
    incident_id: IncidentId,
    body: TransitionBody,
) -> Decision:
    """Move an incident through the workflow. Who decides — user, organisation, party, role —
    is the token's, never the body's; reviewer independence is checked against it."""
    services = _services(request)
    workflow_role = WorkflowRole.REVIEWER if principal.role is Role.REVIEWER else (
        WorkflowRole.ANALYST
    )
    target = f"incident/{incident_id}"
    action = "incident.transition"
    try:
        _current(services, principal, incident_id)
        decision = transition_incident(
            services.store,
            TransitionRequest(
                incident_id=incident_id,
                to_state=body.to,
                actor=principal.user,
                organisation=principal.organisation,
                role=str(workflow_role),
                reason=body.reason,
                evidence=tuple(body.evidence),
                at=services.now(),
                violation_clause=body.violation_clause,
                party=principal.party,
            ),
        )
    except CeasefireError as error:
        outcome = AuditOutcome.DENIED if isinstance(error, ForbiddenError) else (
            AuditOutcome.FAILED
        )
        services.auditor.record(principal, action, target, outcome,
                                f"to={body.to} {error.code}: {error.detail}"[:500])
        raise
    services.auditor.record(principal, action, target, AuditOutcome.ALLOWED,
                            f"{decision.transition.from_state} -> {decision.transition.to_state}")
    return Decision.model_validate(
        {"transition": transition_view(decision.transition),
         "clocks": [clock_view(c) for c in decision.clocks]}
    )
