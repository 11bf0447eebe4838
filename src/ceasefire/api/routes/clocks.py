"""Response clocks: where each stands, and a party's acknowledgment that stops its own.

Only the liaison office of the notified party may acknowledge a clock, and the party it
speaks for is read from its token's organisation: a liaison of one party can neither stop
the other party's clock nor claim to be the other party.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request

from ceasefire.api.auth import allow
from ceasefire.api.filters import After, PageLimit, meets, time_window
from ceasefire.api.models import AcknowledgeBody, ClockPage, ClockStatusView, TransitionView
from ceasefire.api.paging import list_page
from ceasefire.api.roles import Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.visibility import sees_clock
from ceasefire.domain import AuditOutcome, ClockState, ClockTrack
from ceasefire.domain.errors import CeasefireError, ForbiddenError
from ceasefire.monitoring.review import acknowledge_clock, clock_rows
from ceasefire.monitoring.views import clock_view, transition_view

router = APIRouter(tags=["clocks"])
CLOCK_READERS = allow(Role.ADMIN, Role.MONITOR, Role.ANALYST, Role.REVIEWER, Role.PARTY_LIAISON)
ACKNOWLEDGERS = allow(Role.PARTY_LIAISON)


def _seconds(value: object) -> float | None:
    return None if value is None else value.total_seconds()  # type: ignore[attr-defined]


@router.get("/v1/clocks", name="clocks.list")
def list_clocks(
    request: Request,
    principal: Annotated[Principal, Depends(CLOCK_READERS)],
    incident: Annotated[str | None, Query(max_length=200, description="Incident id.")] = None,
    state: Annotated[ClockState | None, Query(description="Where the clock stands now.")]
    = None,
    track: Annotated[ClockTrack | None, Query()] = None,
    start: Annotated[datetime | None, Query(description="Clocks due after this.")] = None,
    end: Annotated[datetime | None, Query(description="Clocks started before this.")] = None,
    after: After = None,
    limit: PageLimit = 100,
) -> ClockPage:
    """The response clocks the caller may see (a party: those that notified it), by id,
    filtered by incident, state now, track and time (from start to deadline)."""
    services: Services = request.app.state.services
    window = time_window(start, end)
    rows = [r for r in clock_rows(services.store, services.now())
            if sees_clock(principal, r.clock.notified_party)
            and (incident is None or r.clock.incident_id == incident)
            and (state is None or r.status.state is state)
            and (track is None or r.clock.track is track)
            and meets(r.clock.started_at, r.clock.due_at, window)]
    page, next_cursor = list_page(rows, lambda r: r.clock.id, after, limit)
    services.auditor.record(principal, "clocks.list", "clocks", AuditOutcome.ALLOWED)
    return ClockPage(items=[
        ClockStatusView.model_validate({
            **clock_view(r.clock),
            "state": str(r.status.state),
            "remaining_s": _seconds(r.status.remaining),
            "overdue_by_s": _seconds(r.status.overdue_by),
            "acknowledged_at": r.status.acknowledged_at,
        })
        for r in page
    ], next=next_cursor)


@router.post("/v1/clocks/{clock_id}/acknowledge", status_code=201, name="clock.acknowledge")
def acknowledge(
    request: Request,
    principal: Annotated[Principal, Depends(ACKNOWLEDGERS)],
    clock_id: Annotated[str, Path(min_length=1, max_length=300)],
    body: Annotated[AcknowledgeBody | None, Body()] = None,
) -> TransitionView:
    """The notified party acknowledges the violation notice, which stops its clock."""
    services: Services = request.app.state.services
    target = f"clock/{clock_id}"
    try:
        if principal.party is None:  # pragma: no cover - accounts refuse a party without side
            raise ForbiddenError(f"{target}: {principal.organisation} speaks for no party")
        step = acknowledge_clock(
            services.store, clock_id, actor=principal.user,
            organisation=principal.organisation, party=principal.party, at=services.now(),
            reason=body.reason if body is not None else "",
        )
    except CeasefireError as error:
        outcome = AuditOutcome.DENIED if isinstance(error, ForbiddenError) else (
            AuditOutcome.FAILED
        )
        services.auditor.record(principal, "clock.acknowledge", target, outcome,
                                f"{error.code}: {error.detail}"[:500])
        raise
    services.auditor.record(principal, "clock.acknowledge", target, AuditOutcome.ALLOWED)
    return TransitionView.model_validate(transition_view(step))
