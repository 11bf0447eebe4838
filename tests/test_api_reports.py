"""Published reports over real HTTP: the mission publishes, everyone reads and proves them,
bad uploads are refused with the field named, and an altered file is never served."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api_helpers import Service, running_service
from ceasefire.domain import AuditEntry

HTML = b"<!doctype html><title>Daily report</title><p>3 incidents.</p>"
DAY = {"title": "Daily report 2025-12-26", "start": "2025-12-25T22:00:00Z",
       "end": "2025-12-26T22:00:00Z"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("reports"),
                         max_body_bytes=4096, max_report_bytes=65_536) as running:
        yield running


def _publish(service: Service, body: bytes = HTML, content_type: str = "text/html",
             user: str = "analyst", **params: str) -> httpx.Response:
    with service.as_user(user) as client:
        return client.post("/v1/reports", params={**DAY, **params}, content=body,
                           headers={"Content-Type": content_type})


def test_a_published_report_is_read_fetched_and_proven_by_the_public(service: Service) -> None:
    response = _publish(service)
    assert response.status_code == 201, response.text
    view = response.json()
    digest = hashlib.sha256(HTML).hexdigest()
    assert view["sha256"] == digest
    assert view["id"] == f"rep-{digest[:24]}"
    assert (view["period_start"], view["period_end"]) == ("2025-12-25T22:00:00Z",
                                                          "2025-12-26T22:00:00Z")
    with service.as_user("public") as public:
        listed = public.get("/v1/reports").json()["items"]
        document = public.get(view["document"])
        proof = public.get("/v1/ledger/proofs/inclusion", params={"record": view["ledger_id"]})
        bundle = public.get(f"/v1/ledger/bundles/{view['ledger_id']}")
    assert [r["id"] for r in listed] == [view["id"]]
    assert document.status_code == 200
    assert document.content == HTML
    assert document.headers["content-type"].startswith("text/html")
    assert proof.status_code == 200, proof.text
    assert bundle.status_code == 200, bundle.text
    audited = [r.value() for r in service.store.stored_records()]
    assert any(isinstance(a, AuditEntry) and a.action == "reports.publish"
               and a.target == f"report/{view['id']}" for a in audited)


def test_the_same_document_again_adds_nothing_and_a_new_title_for_it_is_refused(
    service: Service,
) -> None:
    body = b"# Weekly summary\n"
    first = _publish(service, body, "text/markdown; charset=utf-8")
    assert first.status_code == 201
    size = sum(1 for _ in service.store.stored_records())
    again = _publish(service, body, "text/markdown")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert sum(1 for _ in service.store.stored_records()) == size
    renamed = _publish(service, body, "text/markdown", title="Another title")
    assert renamed.status_code == 409
    assert "already published" in renamed.json()["detail"]


def test_a_report_larger_than_a_record_batch_may_be_published(service: Service) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40  # 10 kB: over max_body_bytes (4 kB)
    assert _publish(service, pdf, "application/pdf").status_code == 201
    with service.as_user("monitor") as monitor:
        batch = monitor.post("/v1/observations", content=b"[" + b" " * 5000 + b"]",
                             headers={"Content-Type": "application/json",
                                      "Idempotency-Key": "too-big"})
    assert batch.status_code == 413
    too_big = _publish(service, b"%PDF" + b"x" * 70_000, "application/pdf")
    assert too_big.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type", "params", "pointer"),
    [
        (HTML, "image/png", {}, "header.content-type"),
        (b"", "text/html", {}, "body"),
        (HTML, "text/html", {"end": "2025-12-25T00:00:00Z"}, "query.end"),
        (HTML, "text/html", {"start": "2025-12-25T22:00:00"}, "query.start"),
        (HTML, "text/html", {"agreement": "no-such-agreement"}, "query.agreement"),
        (HTML, "text/html", {"title": " "}, "query.title"),
    ],
)
def test_bad_uploads_are_refused_naming_the_field(
    service: Service, body: bytes, content_type: str, params: dict[str, str], pointer: str
) -> None:
    before = sum(1 for _ in service.store.stored_records())
    response = _publish(service, body + b"<!-- %s -->" % pointer.encode() if body else body,
                        content_type, **params)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "invalid-input"
    assert pointer in [p.get("pointer") for p in problem["problems"]]
    assert sum(1 for _ in service.store.stored_records()) == before


def test_only_the_mission_publishes(service: Service) -> None:
    for user in ("public", "party_liaison", "operations_planner", "monitor", "reviewer"):
        assert _publish(service, user=user).status_code == 403


def test_an_altered_document_is_not_served(service: Service, tmp_path: Path) -> None:
    body = b"<p>to be altered</p>"
    view = _publish(service, body).json()
    stored = service.config.reports_path / view["sha256"]
    stored.write_bytes(b"<p>altered</p>")
    with service.as_user("public") as public:
        altered = public.get(view["document"])
        stored.unlink()
        missing = public.get(view["document"])
        unknown = public.get("/v1/reports/rep-nothing")
    assert altered.status_code == 422
    assert "altered" in altered.json()["detail"]
    assert missing.status_code == 404
    assert "does not hold its document" in missing.json()["detail"]
    assert unknown.status_code == 404


def test_reports_are_filtered_by_period(service: Service) -> None:
    _publish(service, b"<p>the 24th</p>", start="2025-12-23T22:00:00Z",
             end="2025-12-24T22:00:00Z", title="Daily report 2025-12-24")
    with service.as_user("party_liaison") as liaison:
        day = liaison.get("/v1/reports", params={"start": "2025-12-24T00:00:00Z",
                                                 "end": "2025-12-24T12:00:00Z"}).json()
        first = liaison.get("/v1/reports", params={"limit": 1}).json()
    assert [r["title"] for r in day["items"]] == ["Daily report 2025-12-24"]
    assert len(first["items"]) == 1
    assert first["next"] == first["items"][0]["id"]
