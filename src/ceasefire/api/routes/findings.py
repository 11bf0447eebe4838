"""Findings: each observation's assessment against one agreement, per the caller's visibility.

The rule for a party's liaison, kept simple: a finding about an incident is shown when the
incident is verified now; a finding about an observation when the liaison's own organisation
submitted that observation. Raw observations of others, and what the mission made of them,
stay inside the mission. Other roles than the mission's and the liaison's get 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from ceasefire.api.auth import allow
from ceasefire.api.filters import After, PageLimit
from ceasefire.api.models import FindingPage, FindingView
from ceasefire.api.paging import filtered_page
from ceasefire.api.roles import MISSION_ROLES, Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.visibility import sees_incident
from ceasefire.domain import (
    AuditOutcome,
    Finding,
    Incident,
    IncidentState,
    RecordKind,
    RecordRef,
    Verdict,
)
from ceasefire.domain.errors import NotFoundError
from ceasefire.monitoring.views import workflow_state
from ceasefire.store import Store

router = APIRouter(tags=["findings"])
READERS = allow(*MISSION_ROLES, Role.PARTY_LIAISON)


def finding_view(finding: Finding) -> dict[str, object]:
    return {
        "id": finding.id,
        "agreement_id": finding.agreement_id,
        "subject": str(finding.subject),
        "verdict": str(finding.verdict),
        "clauses": list(finding.clauses),
        "reason": finding.reason,
        "certainty": finding.certainty,
        "agreement_sha256": finding.agreement_sha256,
    }


def _visible(store: Store, principal: Principal, finding: Finding) -> bool:
    if principal.in_mission:
        return True
    subject = finding.subject
    if subject.kind is RecordKind.INCIDENT:
        return workflow_state(store.transitions(subject)) is IncidentState.VERIFIED
    observation = store.get_observation(subject.id)
    return observation is not None and observation.reported_by == principal.organisation


@router.get("/v1/findings", name="findings.list")
def list_findings(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    agreement: Annotated[str, Query(min_length=1, max_length=200, description="Agreement id.")],
    verdict: Annotated[Verdict | None, Query()] = None,
    after: After = None,
    limit: PageLimit = 100,
) -> FindingPage:
    """The agreement's current findings by id that the caller may see, of one verdict if
    asked."""
    services: Services = request.app.state.services
    store = services.store
    shipped = agreement in {a.id for a in services.agreements}
    if not shipped and not store.finding_page(agreement, limit=1).items:
        raise NotFoundError(f"no agreement {agreement!r} with findings")
    page, next_cursor = filtered_page(
        lambda cursor, size: store.finding_page(agreement, after=cursor, limit=size),
        lambda f: f if (verdict is None or f.verdict is verdict)
        and _visible(store, principal, f) else None,
        lambda f: f.id, after, limit,
    )
    services.auditor.record(principal, "findings.list", f"agreement/{agreement}"[:200],
                            AuditOutcome.ALLOWED)
    return FindingPage.model_validate(
        {"items": [finding_view(f) for f in page], "next": next_cursor}
    )


@router.get("/v1/incidents/{incident_id}/findings", name="incident.findings")
def incident_findings(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    incident_id: Annotated[str, Path(min_length=1, max_length=200)],
    agreement: Annotated[str, Query(min_length=1, max_length=200, description="Agreement id.")],
) -> list[FindingView]:
    """The agreement's findings about one incident and its observations, with their clauses
    and reasons (the dashboard's incident view); the caller's visibility as for the list."""
    services: Services = request.app.state.services
    store = services.store
    ref = RecordRef(RecordKind.INCIDENT, incident_id)
    stored = store.get(ref)
    incident = None if stored is None else stored.value()
    if not isinstance(incident, Incident) or not sees_incident(
            principal, workflow_state(store.transitions(ref))):
        raise NotFoundError(f"no incident {incident_id}")
    if agreement not in {a.id for a in services.agreements}:
        raise NotFoundError(f"no agreement {agreement!r}")
    subjects = {ref, *(RecordRef(RecordKind.OBSERVATION, o) for o in incident.observation_ids)}
    shown = [f for f in store.findings(agreement)
             if f.subject in subjects and _visible(store, principal, f)]
    services.auditor.record(principal, "incident.findings",
                            f"incident/{incident_id} agreement/{agreement}"[:200],
                            AuditOutcome.ALLOWED)
    return [FindingView.model_validate(finding_view(f)) for f in shown]
