"""The hotline: messages between the mission and each party's liaison office, their delivered
/ read / acknowledged state, and a Server-Sent Events stream of what changes.

Who may write to whom: the mission's roles write to a party's organisation, a party's liaison
to the mission only (never to the other party: the hotline runs through the mission). Each
side sees what it sent or received. A message counts as delivered when its recipient's side
first fetches it (the list or the stream): that is the moment the ledger can vouch for, not
the moment it was stored. Unacknowledged notices escalate after ``escalate_after_minutes``;
escalations are recorded whenever the hotline is read, dated at their deadline, so when they
are computed does not change what is recorded.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import StreamingResponse

from ceasefire.api.auth import allow
from ceasefire.api.filters import After, PageLimit, meets, time_window
from ceasefire.api.models import MessageBody, MessagePage, MessageView
from ceasefire.api.paging import list_page
from ceasefire.api.roles import OrgKind, Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.visibility import receives, sees_message, side_of
from ceasefire.domain import (
    AuditOutcome,
    Message,
    MessageKind,
    MessageState,
    RecordKind,
    Transition,
)
from ceasefire.domain.errors import (
    CeasefireError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    Problem,
)
from ceasefire.monitoring.hotline import (
    MessageRow,
    acknowledge_message,
    advance_all,
    get_message,
    record_escalations,
    rows,
    send,
)
from ceasefire.store import Store

router = APIRouter(tags=["hotline"])
HOTLINE = allow(Role.ADMIN, Role.MONITOR, Role.ANALYST, Role.REVIEWER, Role.PARTY_LIAISON)

MessageId = Annotated[str, Path(min_length=1, max_length=200, description="Message id.")]

#: How often the stream looks at the store's change feed, and how long one stream lasts
#: before it ends (the client reconnects with Last-Event-ID and loses nothing).
POLL_SECONDS = 0.5
STREAM_SECONDS = 3600.0
HEARTBEAT_SECONDS = 15.0
#: Changes read per page, and pages per poll: one poll's work is bounded however far behind
#: the cursor is (a client resuming from 0 in a store of a million observations catches up
#: over several polls rather than in one long call).
PAGE = 1000
PAGES_PER_POLL = 20


class EventStream(StreamingResponse):
    media_type = "text/event-stream"


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _view(row: MessageRow) -> MessageView:
    m, s = row.message, row.status
    return MessageView(
        id=m.id, kind=m.kind, sent_at=m.sent_at, sender=m.sender, sender_org=m.sender_org,
        sender_party=None if m.sender_party is None else str(m.sender_party),
        recipient_org=m.recipient_org,
        recipient_party=None if m.recipient_party is None else str(m.recipient_party),
        text=m.text, incident_id=m.incident_id, reply_to=m.reply_to, state=s.state,
        delivered_at=s.delivered_at, read_at=s.read_at, acknowledged_at=s.acknowledged_at,
        escalated_at=s.escalated_at,
    )


def _escalate(services: Services) -> None:
    record_escalations(services.store, services.now(),
                       timedelta(minutes=services.config.escalate_after_minutes))


def _deliver(services: Services, principal: Principal, messages: list[Message]) -> None:
    """Mark as delivered what reached its recipient's side by this fetch."""
    mine = [m for m in messages if receives(principal, m)]
    if mine:
        advance_all(services.store, mine, MessageState.DELIVERED, at=services.now(),
                    actor=principal.user, organisation=principal.organisation)


def _recipient(services: Services, principal: Principal, body: MessageBody) -> Message:
    """The message `principal` asks to send, with its recipient checked against the rule."""
    organisation = services.accounts.organisation(body.to)
    bad = InvalidInputError(
        f"to: {body.to!r} cannot receive from {principal.organisation}: the mission writes to "
        "a party's liaison office, a party's liaison to the mission only",
        [Problem(source="request", field="to", pointer="body.to",
                 reason=f"{body.to!r} is not a permitted recipient")],
    )
    if principal.in_mission:
        if organisation.side is None:
            raise bad
    elif organisation.kind is not OrgKind.MISSION:
        raise bad
    return Message(
        id=f"msg-{uuid.uuid4().hex}", kind=body.kind, sent_at=services.now(),
        sender=principal.user, sender_org=principal.organisation,
        sender_party=side_of(principal), recipient_org=organisation.name,
        recipient_party=organisation.side, text=body.text, incident_id=body.incident_id,
        reply_to=body.reply_to,
    )


def _failed(services: Services, principal: Principal, action: str, target: str,
            error: CeasefireError) -> None:
    outcome = AuditOutcome.DENIED if isinstance(error, ForbiddenError) else AuditOutcome.FAILED
    services.auditor.record(principal, action, target, outcome,
                            f"{error.code}: {error.detail}"[:500])


@router.post("/v1/hotline/messages", status_code=201, name="hotline.send")
def send_message(
    request: Request, principal: Annotated[Principal, Depends(HOTLINE)], body: MessageBody,
) -> MessageView:
    """Send a message: from the mission to a party, or from a party to the mission."""
    services = _services(request)
    try:
        if body.kind is MessageKind.VIOLATION_NOTICE and not body.incident_id:
            raise InvalidInputError(
                "incident_id: a violation notice must name its incident",
                [Problem(source="request", field="incident_id", pointer="body.incident_id",
                         reason="required for a violation notice")],
            )
        message = send(services.store, _recipient(services, principal, body))
    except CeasefireError as error:
        _failed(services, principal, "hotline.send", "hotline", error)
        if isinstance(error, NotFoundError):  # the recipient organisation: a bad field
            raise InvalidInputError(
                f"to: {error.detail}",
                [Problem(source="request", field="to", pointer="body.to",
                         reason=f"no organisation {body.to!r}")],
            ) from None
        raise
    services.auditor.record(principal, "hotline.send", f"message/{message.id}",
                            AuditOutcome.ALLOWED)
    return _view(rows(services.store, [message])[0])


@router.get("/v1/hotline/messages", name="hotline.list")
def list_messages(
    request: Request,
    principal: Annotated[Principal, Depends(HOTLINE)],
    kind: Annotated[MessageKind | None, Query()] = None,
    state: Annotated[MessageState | None, Query(description="The message's state now.")]
    = None,
    incident: Annotated[str | None, Query(max_length=200, description="Incident id.")] = None,
    start: Annotated[datetime | None, Query(description="Sent at or after this.")] = None,
    end: Annotated[datetime | None, Query(description="Sent before this.")] = None,
    after: After = None,
    limit: PageLimit = 100,
) -> MessagePage:
    """The messages the caller's side sent or received, by id, filtered by kind, state (as
    it stood before this fetch), incident and time sent; fetching a page delivers it."""
    services = _services(request)
    window = time_window(start, end)
    _escalate(services)
    visible = [m for m in services.store.messages() if sees_message(principal, m)
               and (kind is None or m.kind is kind)
               and (incident is None or m.incident_id == incident)
               and meets(m.sent_at, m.sent_at, window)]
    if state is not None:
        visible = [r.message for r in rows(services.store, visible) if r.status.state is state]
    page, next_cursor = list_page(visible, lambda m: m.id, after, limit)
    services.auditor.record(principal, "hotline.list", "hotline", AuditOutcome.ALLOWED)
    _deliver(services, principal, page)
    return MessagePage(items=[_view(r) for r in rows(services.store, page)], next=next_cursor)


def _own(services: Services, principal: Principal, message_id: str, action: str) -> Message:
    """The message, if the caller receives it: hidden ones are 404, sent ones 403."""
    message = get_message(services.store, message_id)
    if not sees_message(principal, message):
        raise NotFoundError(f"no message {message_id}")
    if not receives(principal, message):
        raise ForbiddenError(
            f"message/{message_id}: only its recipient ({message.recipient_org}) may {action} it"
        )
    return message


@router.post("/v1/hotline/messages/{message_id}/read", name="hotline.read")
def read_message(
    request: Request, principal: Annotated[Principal, Depends(HOTLINE)], message_id: MessageId,
) -> MessageView:
    """The recipient marks the message read (and delivered, if it was not yet)."""
    services = _services(request)
    target = f"message/{message_id}"
    try:
        message = _own(services, principal, message_id, "read")
        advance_all(services.store, [message], MessageState.READ, at=services.now(),
                    actor=principal.user, organisation=principal.organisation)
    except CeasefireError as error:
        _failed(services, principal, "hotline.read", target, error)
        raise
    services.auditor.record(principal, "hotline.read", target, AuditOutcome.ALLOWED)
    return _view(rows(services.store, [message])[0])


@router.post("/v1/hotline/messages/{message_id}/acknowledge", name="hotline.acknowledge")
def acknowledge(
    request: Request, principal: Annotated[Principal, Depends(HOTLINE)], message_id: MessageId,
) -> MessageView:
    """The recipient acknowledges a notice; a violation notice's acknowledgment by a party
    also stops that party's response clocks for the incident."""
    services = _services(request)
    target = f"message/{message_id}"
    try:
        message = _own(services, principal, message_id, "acknowledge")
        acknowledge_message(services.store, message, at=services.now(), actor=principal.user,
                            organisation=principal.organisation, party=side_of(principal))
    except CeasefireError as error:
        _failed(services, principal, "hotline.acknowledge", target, error)
        raise
    services.auditor.record(principal, "hotline.acknowledge", target, AuditOutcome.ALLOWED)
    return _view(rows(services.store, [message])[0])


def _cursor(last_event_id: str | None) -> int:
    if last_event_id is None or last_event_id.strip() == "":
        return 0
    text = last_event_id.strip()
    if not text.isdigit() or len(text) > 18:
        raise InvalidInputError(
            f"Last-Event-ID: {last_event_id[:40]!r} is not an event id of this stream",
            [Problem(source="request", field="last-event-id", pointer="header.last-event-id",
                     reason=f"{last_event_id[:40]!r} must be a change number")],
        )
    return int(text)


def _events(store: Store, principal: Principal, since: int) -> tuple[list[str], int,
                                                                       list[Message]]:
    """Events after change `since` that the caller may see, the new cursor, and the messages
    announced (for delivery)."""
    events: list[str] = []
    announced: list[Message] = []
    cursor = since
    for _ in range(PAGES_PER_POLL):
        page = store.changes(cursor, PAGE)
        for stored in page.items:
            cursor = max(cursor, stored.change)
            if not stored.current:
                continue
            if stored.ref.kind is RecordKind.MESSAGE:
                value = stored.value()
                assert isinstance(value, Message)
                message, kind = value, "message"
            elif stored.ref.kind is RecordKind.TRANSITION:
                step = stored.value()
                assert isinstance(step, Transition)
                if step.subject.kind is not RecordKind.MESSAGE:
                    continue
                try:
                    message = get_message(store, step.subject.id)
                except NotFoundError:
                    continue
                kind = "state"
            else:
                continue
            if not sees_message(principal, message):
                continue
            if kind == "message":
                announced.append(message)
            data = _view(rows(store, [message])[0]).model_dump_json()
            events.append(f"id: {stored.change}\nevent: {kind}\ndata: {data}\n\n")
        if len(page.items) < PAGE:
            break
    return events, cursor, announced


@router.get(
    "/v1/hotline/stream",
    name="hotline.stream",
    response_class=EventStream,
    responses={200: {"description": "Server-Sent Events: `message` when a message the caller"
                     " may see is sent, `state` when one changes; `id` is the change number",
                     "content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def stream(
    request: Request,
    principal: Annotated[Principal, Depends(HOTLINE)],
    last_event_id: Annotated[str | None, Header(max_length=100)] = None,
) -> EventStream:
    """New messages and state changes the caller may see, as Server-Sent Events, from the
    event after `Last-Event-ID` (from the beginning without one)."""
    services = _services(request)
    since = _cursor(last_event_id)
    await anyio.to_thread.run_sync(
        services.auditor.record, principal, "hotline.stream", "hotline", AuditOutcome.ALLOWED)

    def poll(cursor: int) -> tuple[list[str], int]:
        _escalate(services)
        events, cursor, announced = _events(services.store, principal, cursor)
        _deliver(services, principal, announced)
        return events, cursor

    async def generate() -> AsyncIterator[str]:
        cursor = since
        loop = asyncio.get_running_loop()
        started = last_beat = loop.time()
        yield f"retry: {int(POLL_SECONDS * 2000)}\n\n"
        while loop.time() - started < STREAM_SECONDS:
            if await request.is_disconnected():
                return
            events, cursor = await anyio.to_thread.run_sync(poll, cursor)
            for event in events:
                yield event
            if not events and loop.time() - last_beat >= HEARTBEAT_SECONDS:
                last_beat = loop.time()
                yield ": keep-alive\n\n"
            await asyncio.sleep(POLL_SECONDS)

    return EventStream(generate(), headers={"Cache-Control": "no-store"})



