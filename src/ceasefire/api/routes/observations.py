"""Observations: upload (JSON or CSV, idempotent with a client-supplied key) and the list.

Why the route reads its body itself: one operation takes a JSON batch or a CSV file in one of
the formats ``ceasefire ingest`` reads, told apart by ``Content-Type``; both are refused
whole, naming each bad row and field, before anything is stored. Who submitted comes from
the token (``reported_by`` = the caller's organisation), never from the body.

A 422 or 409 is not remembered under the key: nothing was stored, so the client may fix the
body and send it again, under a new key (the old key stays free only until it succeeds).
The body is validated before its key is looked up (by the group committer's writer,
`ceasefire.api.intake`), so a malformed body is 422 even under a key used before.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from ceasefire.api.auth import allow
from ceasefire.api.filters import parse_bbox, time_window
from ceasefire.api.models import ObservationPage, Submission
from ceasefire.api.openapi import REF_TEMPLATE
from ceasefire.api.paging import filtered_page
from ceasefire.api.problems import validation_problems
from ceasefire.api.roles import MISSION_ROLES, Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.submissions import (
    MAX_BATCH,
    ObservationIn,
    first_reporters,
    request_digest,
    to_observations,
)
from ceasefire.domain import AuditOutcome, Category, Observation
from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.ingest.detect import UnreadableSourceError, stream_source
from ceasefire.monitoring.views import observation_view
from ceasefire.paths import data_dir
from ceasefire.safe_files import InputFileError
from ceasefire.store import ObservationQuery

router = APIRouter(tags=["observations"])
SUBMITTERS = allow(Role.MONITOR, Role.ADMIN)
READERS = allow(*MISSION_ROLES, Role.PARTY_LIAISON)

#: Why a stored observation was replaced by a submitted one with the same id.
RESUBMITTED = "re-submitted with changed content"
_BATCH = TypeAdapter(list[ObservationIn])

BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {
                "type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                "items": {"$ref": REF_TEMPLATE.format(model="ObservationIn")},
            }},
            "text/csv": {"schema": {"type": "string", "minLength": 1}},
        },
    },
}

IdempotencyKey = Annotated[str, Header(
    alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
    description="Chosen by the client per logical request; a retry with the same key and"
                " body returns the first answer and stores nothing; another body is 409.",
)]


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


@router.post("/v1/observations", status_code=201, name="observations.submit",
             openapi_extra=BODY_DOC, response_model=Submission)
async def submit_observations(
    request: Request,
    principal: Annotated[Principal, Depends(SUBMITTERS)],
    idempotency_key: IdempotencyKey,
) -> Response:
    """Store a batch of observations (JSON array, or CSV in a format `ceasefire ingest`
    reads), all or nothing, in store and ledger, submitted by the caller's organisation."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    services = _services(request)
    if _media(content_type) == "application/json":  # validated here: no thread hop
        observations = _parse(content_type, body, principal.organisation)
    else:  # a CSV goes through a temporary file: not on the event loop
        observations = await run_in_threadpool(
            _parse, content_type, body, principal.organisation
        )
    answer = await asyncio.wrap_future(services.intake.submit(
        principal.user, idempotency_key, request_digest(content_type, body),
        lambda: _store(services, principal, observations).model_dump_json(),
    ))
    return Response(answer.body, status_code=answer.status, media_type="application/json")


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _parse(content_type: str, body: bytes, organisation: str) -> list[Observation]:
    media = _media(content_type)
    if media == "application/json":
        try:
            items = _BATCH.validate_json(body)
        except ValidationError as exc:
            errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            problems = validation_problems(errors)
            named = ", ".join(p.pointer or "body" for p in problems[:5])
            raise InvalidInputError(f"observations refused, nothing stored: {named}",
                                    problems) from None
        if not 1 <= len(items) <= MAX_BATCH:
            raise _body_refused(f"a batch holds 1 to {MAX_BATCH} observations, got {len(items)}")
        return to_observations(items, organisation)
    if media == "text/csv":
        return _read_csv(body, organisation)
    raise InvalidInputError(
        f"Content-Type {media or 'missing'!r} is not accepted; send application/json or text/csv",
        [Problem(source="request", pointer="header.content-type", field="content-type",
                 reason=f"got {media or 'nothing'!r}; expected application/json or text/csv")],
    )


def _body_refused(reason: str) -> InvalidInputError:
    return InvalidInputError(f"observations refused, nothing stored: {reason}",
                             [Problem(source="request", pointer="body", reason=reason)])


def _read_csv(body: bytes, organisation: str) -> list[Observation]:
    """The rows of an uploaded CSV, through the same readers as ``ceasefire ingest`` (the
    format is detected from the header). Any row error refuses the whole file, named by its
    line and field, so nothing of a bad file is stored."""
    if not body.strip():
        raise _body_refused("the CSV body is empty")
    with tempfile.TemporaryDirectory(prefix="ceasefire-upload-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(body)
        try:
            report, stream = stream_source(path, data_dir() / "missile_attacks")
            observations = list(stream)
        except UnreadableSourceError as exc:
            raise _body_refused(f"the CSV cannot be read: {exc.problem.reason}") from None
        except InputFileError as exc:
            raise _body_refused(f"the CSV cannot be read: {exc.reason}") from None
    errors = [_as_body(p, str(path)) for p in report.errors]
    if errors:
        named = ", ".join(f"line {p.line}" if p.line else p.reason[:80] for p in errors[:5])
        raise InvalidInputError(f"CSV refused, nothing stored: {named}", errors)
    if not observations:
        raise _body_refused("the CSV holds no observations")
    return [replace(o, reported_by=organisation) for o in observations]


def _as_body(problem: Problem, path: str) -> Problem:
    """A reader's problem about the temporary file, restated about the request body."""
    return replace(problem, source="body", reason=problem.reason.replace(path, "body"))


def _store(
    services: Services, principal: Principal, observations: list[Observation]
) -> Submission:
    """Store and ledger the batch and its audit entry in one unit of work (in the group
    committer's writer: a savepoint of its group's transaction)."""
    store = services.store
    with store.unit_of_work():
        reporters = {o.id: s.reported_by for o in observations
                     if (s := store.get_observation(o.id)) is not None}
        kept = first_reporters(observations, reporters)
        added = store.add_or_correct(kept, actor=principal.organisation, reason=RESUBMITTED,
                                     at=services.now())
        services.auditor.record(
            principal, "observations.submit", f"observations/{len(kept)}",
            AuditOutcome.ALLOWED,
            f"added={added.added} present={added.already_present} corrected={added.corrected}",
        )
    return Submission(received=len(kept), added=added.added,
                      already_present=added.already_present, corrected=added.corrected,
                      ids=[o.id for o in kept])


@router.get("/v1/observations", name="observations.list")
def list_observations(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    after: Annotated[str | None, Query(max_length=400, description="Cursor: last id seen.")]
    = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    start: Annotated[datetime | None, Query(description="Overlapping [start, end).")] = None,
    end: Annotated[datetime | None, Query()] = None,
    source: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    category: Annotated[Category | None, Query()] = None,
    bbox: Annotated[str | None, Query(max_length=200, description="west,south,east,north in"
                                      " degrees; observations known only by region match"
                                      " no box.")] = None,
) -> ObservationPage:
    """Observations by id; a party's liaison sees only those its organisation submitted."""
    services = _services(request)
    query = ObservationQuery.of(None if source is None else [source], time_window(start, end))
    own = None if principal.in_mission else principal.organisation
    box = parse_bbox(bbox)

    def keep(o: Observation) -> Observation | None:
        if own is not None and o.reported_by != own:
            return None
        if category is not None and o.category is not category:
            return None
        if box is not None and not box.contains(o.location.lat, o.location.lon):
            return None
        return o

    items, next_cursor = filtered_page(
        lambda cursor, size: services.store.observation_page(query, after=cursor, limit=size),
        keep, lambda o: o.id, after, limit,
    )
    services.auditor.record(principal, "observations.list",
                            str(request.url.query)[:200] or "all", AuditOutcome.ALLOWED)
    return ObservationPage.model_validate(
        {"items": [observation_view(o) for o in items], "next": next_cursor}
    )
