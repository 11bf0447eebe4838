"""Published reports: the mission publishes a document, everyone may list, fetch and prove it.

Why the record is made here from the bytes rather than sent by the client: a report is known
by its digest (`domain.report.Report`), so the service computes it from what it received and
keeps the document under that digest; a client cannot publish a record whose digest names
bytes nobody holds. The report's id follows from the digest, so posting the same document
again is answered with the record already published and adds nothing (the safe retry of a
lost answer, without an Idempotency-Key). Reports are public once published: every role,
the public's included, reads them, and their ledger entries may be proven to anyone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ceasefire.api.auth import allow
from ceasefire.api.filters import After, PageLimit, time_window
from ceasefire.api.models import ReportPage, ReportView
from ceasefire.api.paging import list_page
from ceasefire.api.report_documents import ReportDocuments
from ceasefire.api.roles import Principal, Role
from ceasefire.api.services import Services
from ceasefire.domain import AuditOutcome, RecordKind, RecordRef, Report, TimeInterval
from ceasefire.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from ceasefire.domain.timeinterval import TimePrecision

router = APIRouter(tags=["reports"])
PUBLISHERS = allow(Role.ADMIN, Role.ANALYST)
READERS = allow(*Role)

#: A title has a visible character and no control characters (it is printed in lists).
TITLE_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
#: What may be published, by media type (parameters such as ``charset`` are ignored).
MEDIA_TYPES = ("text/html", "application/pdf", "text/markdown")
#: Length of the digest prefix in a report id: 96 bits, no collision among any number of
#: reports a mission will publish.
ID_DIGEST_CHARS = 24

BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/html": {"schema": {"type": "string", "minLength": 1}},
            "text/markdown": {"schema": {"type": "string", "minLength": 1}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    },
}


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def report_id(sha256: str) -> str:
    return f"rep-{sha256[:ID_DIGEST_CHARS]}"


def media_type_of(content_type: str) -> str:
    """The published media type, or a refusal naming the header and what is accepted."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base not in MEDIA_TYPES:
        raise InvalidInputError(
            "the report's Content-Type is not one that may be published",
            [Problem(source="request", pointer="header.content-type", field="content-type",
                     reason=f"{content_type[:80]!r}; accepted: {', '.join(MEDIA_TYPES)}")],
        )
    return base


def _view(services: Services, report: Report) -> ReportView:
    stored = services.store.get(RecordRef(RecordKind.REPORT, report.id))
    assert stored is not None, "a listed report has a stored version"
    return ReportView(
        id=report.id,
        title=report.title,
        period_start=report.period.start,
        period_end=report.period.end,
        issued_at=report.issued_at,
        media_type=report.media_type,
        sha256=report.sha256,
        agreement_ids=list(report.agreement_ids),
        ledger_id=stored.ledger_id,
        document=f"/v1/reports/{report.id}/document",
    )


def _same_publication(a: Report, b: Report) -> bool:
    return (a.title, a.period, a.media_type, a.agreement_ids) == (
        b.title, b.period, b.media_type, b.agreement_ids)


@router.post("/v1/reports", status_code=201, name="reports.publish",
             openapi_extra=BODY_DOC, response_model=ReportView,
             responses={200: {"model": ReportView,
                              "description": "Published before: the record as it stands."}})
async def publish_report(
    request: Request,
    principal: Annotated[Principal, Depends(PUBLISHERS)],
    title: Annotated[str, Query(min_length=1, max_length=200, pattern=TITLE_PATTERN)],
    start: Annotated[datetime, Query(description="Start of the period covered (with offset).")],
    end: Annotated[datetime, Query(description="End of the period covered (with offset).")],
    agreement: Annotated[list[str] | None, Query(
        max_length=20, description="Ids of the agreements the report assesses against.")] = None,
) -> Response:
    """Publish a report document (HTML, PDF or Markdown) for a period: kept by its SHA-256,
    recorded and ledgered; the same document again returns the published record (200)."""
    services = _services(request)
    media_type = media_type_of(request.headers.get("content-type", ""))
    window = time_window(start, end)
    assert window is not None  # both ends are required
    known = {a.id for a in services.agreements}
    unknown = [a for a in agreement or () if a not in known]
    if unknown:
        raise InvalidInputError(
            "the report names an agreement this service does not hold",
            [Problem(source="request", pointer="query.agreement", field="agreement",
                     reason=f"{unknown[0][:80]!r}; known: {', '.join(sorted(known))}")],
        )
    document = await request.body()
    if not document:
        raise InvalidInputError(
            "the report document is empty",
            [Problem(source="request", pointer="body", reason="a published report has bytes")],
        )
    status, view = await run_in_threadpool(
        _publish, services, principal, document, title.strip(), window, media_type,
        tuple(sorted(set(agreement or ()))),
    )
    return Response(view.model_dump_json(), status_code=status, media_type="application/json")


def _publish(
    services: Services, principal: Principal, document: bytes, title: str,
    window: tuple[datetime, datetime], media_type: str, agreement_ids: tuple[str, ...],
) -> tuple[int, ReportView]:
    sha256 = ReportDocuments(services.config.reports_path).put(document)
    start, end = (moment.astimezone(UTC) for moment in window)
    report = Report(
        id=report_id(sha256),
        title=title,
        period=TimeInterval(start, end, TimePrecision.MINUTE),
        issued_at=services.now(),
        media_type=media_type,
        sha256=sha256,
        agreement_ids=agreement_ids,
    )
    stored = services.store.get(RecordRef(RecordKind.REPORT, report.id))
    if stored is not None:
        published = stored.value()
        assert isinstance(published, Report)
        if not _same_publication(published, report):
            raise ConflictError(
                f"this document is already published as {published.id} ({published.title!r},"
                f" {published.period.start.isoformat()} to {published.period.end.isoformat()});"
                " nothing changed"
            )
        return 200, _view(services, published)
    with services.store.unit_of_work():
        services.store.add_records([report])
        services.auditor.record(principal, "reports.publish", f"report/{report.id}",
                                AuditOutcome.ALLOWED, f"sha256={sha256}")
    return 201, _view(services, report)


@router.get("/v1/reports", name="reports.list")
def list_reports(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    start: Annotated[datetime | None, Query(description="Periods ending after this.")] = None,
    end: Annotated[datetime | None, Query(description="Periods starting before this.")] = None,
    after: After = None,
    limit: PageLimit = 100,
) -> ReportPage:
    """Published reports whose period meets [start, end), by id."""
    services = _services(request)
    reports = services.store.reports(time_window(start, end))
    page, next_cursor = list_page(reports, lambda r: r.id, after, limit)
    return ReportPage(items=[_view(services, r) for r in page], next=next_cursor)


def _published(services: Services, identifier: str) -> Report:
    stored = services.store.get(RecordRef(RecordKind.REPORT, identifier))
    if stored is None:
        raise NotFoundError(f"no published report {identifier[:200]!r}")
    report = stored.value()
    assert isinstance(report, Report)
    return report


@router.get("/v1/reports/{report_id}", name="reports.show")
def show_report(
    request: Request, principal: Annotated[Principal, Depends(READERS)], report_id: str
) -> ReportView:
    """One published report's record."""
    services = _services(request)
    return _view(services, _published(services, report_id))


@router.get("/v1/reports/{report_id}/document", name="reports.document",
            responses={200: {"content": {t: {} for t in MEDIA_TYPES}}})
def report_document(
    request: Request, principal: Annotated[Principal, Depends(READERS)], report_id: str
) -> Response:
    """The published document's bytes, checked against the ledgered digest before sending."""
    services = _services(request)
    report = _published(services, report_id)
    document = ReportDocuments(services.config.reports_path).get(report.sha256)
    if document is None:
        raise NotFoundError(
            f"report {report.id} is recorded, but this service does not hold its document"
            f" (sha256 {report.sha256}); any copy can be checked against that digest"
        )
    return Response(document, media_type=report.media_type,
                    headers={"ETag": f'"{report.sha256}"'})
