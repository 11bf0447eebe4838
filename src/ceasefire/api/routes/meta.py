"""Routes about the service and the caller: health, identity, the agreements in force."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from ceasefire.api.auth import allow, public
from ceasefire.api.models import AgreementParty, AgreementSummary, Health, Me
from ceasefire.api.roles import Principal, Role
from ceasefire.domain.agreement import Agreement

router = APIRouter()
ANY_ROLE = allow(*Role)


@router.get("/healthz", dependencies=[Depends(public)], tags=["service"])
def healthz() -> Health:
    """Liveness: answers without a token and reads nothing restricted."""
    return Health(status="ok")


@router.get("/v1/me", tags=["service"])
def me(principal: Annotated[Principal, Depends(ANY_ROLE)]) -> Me:
    """Who the token stands for: its user, organisation, party, role and scopes."""
    return Me(
        user=principal.user,
        organisation=principal.organisation,
        org_kind=principal.org_kind,
        party=None if principal.party is None else str(principal.party),
        role=principal.role,
        token_id=principal.token_id,
        scopes=list(principal.scopes),
    )


def _summary(a: Agreement) -> AgreementSummary:
    return AgreementSummary(
        id=a.id,
        title=a.title,
        status=a.status,
        never_in_force=a.never_in_force,
        parties=[AgreementParty(id=p.id, name=p.name) for p in a.parties],
        bound=[p.id for p in a.bound_parties],
        start=a.window.start,
        end=a.window.end,
        timezone=a.timezone,
        zones=len(a.zones),
    )


@router.get("/v1/agreements", tags=["agreements"])
def agreements(
    request: Request, principal: Annotated[Principal, Depends(ANY_ROLE)]
) -> list[AgreementSummary]:
    """The agreements shipped with this deployment (their files are public documents)."""
    return [_summary(a) for a in request.app.state.services.agreements]
