"""Operational intents: submit, update with the version last seen, end, the area view, the
list and one intent with its history.

Who may: an ``operations_planner`` changes the intents of its own organisation (a
contributing nation) only; another nation's intent is 403. Mission roles read every intent
and its history. A planner reads every *live* intent of every nation (volumes, times,
priority: what it must plan around, as F3548 shares the details of intents in an area among
the USSs that fly there) and its own nation's intents in full, history included. Parties'
liaison offices and the public may not read the force's plans at all (403).

Every change and every refusal of one (stale view, conflict, not owner) is audited; reads by
the roles above are audited as reads of restricted data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

import shapely
from fastapi import APIRouter, Depends, Path, Query, Request

from ceasefire.api.auth import allow
from ceasefire.api.filters import (
    After,
    BBox,
    Box,
    End,
    PageLimit,
    Start,
    parse_bbox,
    time_window,
)
from ceasefire.api.intent_desk import Accepted, IntentDesk
from ceasefire.api.intent_models import (
    AreaQuery,
    AreaView,
    IntentAnswer,
    IntentChange,
    IntentDetail,
    IntentEnd,
    IntentIn,
    IntentPage,
    IntentVersion,
)
from ceasefire.api.intent_wire import (
    decision_view,
    intent_view,
    ref_view,
    seen_with_own,
    to_intent,
    volumes,
)
from ceasefire.api.paging import filtered_page
from ceasefire.api.roles import MISSION_ROLES, Principal, Role
from ceasefire.api.services import Services
from ceasefire.deconflict.volumes import wgs84_outline
from ceasefire.domain import AuditOutcome, RecordKind, RecordRef
from ceasefire.domain.errors import CeasefireError, NotFoundError
from ceasefire.domain.intent import LIVE_STATES, IntentState
from ceasefire.domain.intent_record import IntentRecord

router = APIRouter(tags=["intents"])
PLANNERS = allow(Role.OPERATIONS_PLANNER)
READERS = allow(*MISSION_ROLES, Role.OPERATIONS_PLANNER)

IntentIdPath = Annotated[str, Path(min_length=1, max_length=128, description="Intent id.")]
StateFilter = Literal["accepted", "activated", "nonconforming", "contingent", "ended", "live"]


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def sees(principal: Principal, record: IntentRecord) -> bool:
    """Mission roles see every intent; a planner its own nation's and every live one."""
    return (principal.in_mission or record.nation == principal.organisation
            or record.intent.state in LIVE_STATES)


def sees_history(principal: Principal, record: IntentRecord) -> bool:
    return principal.in_mission or record.nation == principal.organisation


def _answer(desk: IntentDesk, accepted: Accepted) -> IntentAnswer:
    return IntentAnswer(intent=intent_view(accepted.record),
                        decision=decision_view(accepted.decision, desk.nation_of))


def _audited(services: Services, principal: Principal, action: str, target: str,
             change: Callable[[], Accepted]) -> IntentAnswer:
    """Run a change; a refusal is audited before it is answered."""
    try:
        accepted = change()
    except CeasefireError as error:
        services.auditor.refused(principal, action, target, error)
        raise
    return _answer(services.intents, accepted)


@router.post("/v1/intents", status_code=201, name="intent.submit")
def submit_intent(
    request: Request, principal: Annotated[Principal, Depends(PLANNERS)], body: IntentIn,
) -> IntentAnswer:
    """Submit a new intent of the caller's nation; refused (409) when the view in `seen` is
    stale or the plan conflicts with an intent of equal or higher priority or an agreement
    zone; accepted over lower-priority intents, whose owners are listed as notified."""
    services = _services(request)

    def change() -> Accepted:
        intent = to_intent(body, body.id, principal.organisation)
        return services.intents.submit(principal, intent, dict(body.seen), services.now())

    return _audited(services, principal, "intent.submit", f"intent/{body.id}", change)


@router.put("/v1/intents/{intent_id}", name="intent.update")
def update_intent(
    request: Request, principal: Annotated[Principal, Depends(PLANNERS)],
    intent_id: IntentIdPath, body: IntentChange,
) -> IntentAnswer:
    """A new version of one of the caller's nation's intents; `version` is the one last seen
    (an older one is 409, naming the current version)."""
    services = _services(request)

    def change() -> Accepted:
        intent = to_intent(body, intent_id, principal.organisation)
        seen = seen_with_own(dict(body.seen), intent_id, body.version)
        return services.intents.update(principal, intent, seen, services.now())

    return _audited(services, principal, "intent.update", f"intent/{intent_id}", change)


@router.post("/v1/intents/{intent_id}/end", name="intent.end")
def end_intent(
    request: Request, principal: Annotated[Principal, Depends(PLANNERS)],
    intent_id: IntentIdPath, body: IntentEnd,
) -> IntentAnswer:
    """End one of the caller's nation's intents: it stays in the store, ended, as history."""
    services = _services(request)

    def change() -> Accepted:
        seen = seen_with_own(dict(body.seen), intent_id, body.version)
        return services.intents.end(principal, intent_id, seen, services.now())

    return _audited(services, principal, "intent.end", f"intent/{intent_id}", change)


@router.post("/v1/intents/area", name="intents.area")
def intents_in_area(
    request: Request, principal: Annotated[Principal, Depends(READERS)], body: AreaQuery,
) -> AreaView:
    """The live intents a plan occupying these volumes must have seen, with their versions:
    what to send back as `seen`."""
    services = _services(request)
    found = services.intents.area(volumes(body.volumes, "volumes"))
    services.auditor.record(principal, "intents.area", f"intents/{len(found)}",
                            AuditOutcome.ALLOWED)
    return AreaView(seen={i.id: i.version for i in found}, intents=[ref_view(i) for i in found])


def _in_box(record: IntentRecord, box: Box | None) -> bool:
    if box is None:
        return True
    area = shapely.box(box.west, box.south, box.east, box.north)
    occupied = record.intent.volumes + record.intent.off_nominal_volumes
    return any(wgs84_outline(v).intersects(area) for v in occupied)


def _state_matches(record: IntentRecord, state: StateFilter | None) -> bool:
    if state is None:
        return True
    if state == "live":
        return record.intent.state in LIVE_STATES
    return record.intent.state is IntentState(state)


@router.get("/v1/intents", name="intents.list")
def list_intents(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    after: After = None,
    limit: PageLimit = 100,
    start: Start = None,
    end: End = None,
    bbox: BBox = None,
    state: Annotated[StateFilter | None, Query()] = None,
    nation: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> IntentPage:
    """Intents by id; a planner sees every live intent and its own nation's ended ones."""
    services = _services(request)
    window = time_window(start, end)
    box = parse_bbox(bbox)

    def keep(record: IntentRecord) -> IntentRecord | None:
        wanted = (sees(principal, record) and _state_matches(record, state)
                  and (nation is None or record.nation == nation) and _in_box(record, box))
        return record if wanted else None

    items, next_cursor = filtered_page(
        lambda cursor, size: services.store.intent_page(window, after=cursor, limit=size),
        keep, lambda r: r.id, after, limit,
    )
    services.auditor.record(principal, "intents.list", str(request.url.query)[:200] or "all",
                            AuditOutcome.ALLOWED)
    return IntentPage(items=[intent_view(r) for r in items], next=next_cursor)


@router.get("/v1/intents/{intent_id}", name="intent.read")
def read_intent(
    request: Request, principal: Annotated[Principal, Depends(READERS)],
    intent_id: IntentIdPath,
) -> IntentDetail:
    """One intent; its history (every version, oldest first) for the mission and the owning
    nation. An intent the caller may not see answers 404, as one that does not exist."""
    services = _services(request)
    record = services.intents.stored(intent_id)
    if record is None or not sees(principal, record):
        raise NotFoundError(f"no intent {intent_id!r}")
    history = None
    if sees_history(principal, record):
        history = []
        for version in services.store.history(RecordRef(RecordKind.INTENT, intent_id)):
            value = version.value()
            if isinstance(value, IntentRecord):
                view = intent_view(value)
                history.append(IntentVersion(**view.model_dump(), ledger_id=version.ledger_id,
                                             current=version.current))
    services.auditor.record(principal, "intent.read", f"intent/{intent_id}",
                            AuditOutcome.ALLOWED)
    return IntentDetail(intent=intent_view(record), history=history)
