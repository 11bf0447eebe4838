"""Observation upload and listing over real HTTP (issue 11): JSON and CSV, idempotency keys
(a retry adds nothing to store or ledger; another body under a used key is 409), bad rows
refused whole with 422 naming row and field, and who sees which submissions."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from api_helpers import CIR_ROWS, UA, Service, cir_subset, running_service
from ceasefire.domain import AuditEntry, RecordKind
from ceasefire.ledger.log import Ledger
from ceasefire.paths import data_dir


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The seed rows count as submitted by the UA liaison office, so a party has its own."""
    with running_service(tmp_path_factory.mktemp("observations"), reported_by=UA) as running:
        yield running


def _ledger(service: Service) -> Ledger:
    ledger = service.store.ledger()
    assert ledger is not None
    return ledger


def _counts(service: Service) -> tuple[int, int]:
    return service.store.count_observations(), _ledger(service).size


def _item(record: str, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "source": "mission-patrol", "source_record_id": record, "category": "small_arms",
        "start": "2025-06-03T10:00:00+02:00", "end": "2025-06-03T10:20:00+02:00",
        "lat": 47.61, "lon": 35.93, "radius_m": 300, "side": "unknown",
        "description": "bursts of small-arms fire heard from the east",
    }
    item.update(changes)
    return item


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def test_json_upload_stores_with_the_callers_organisation(service: Service) -> None:
    before = _counts(service)
    with service.as_user("monitor") as monitor:
        answer = monitor.post("/v1/observations", headers=_key(),
                              json=[_item("json-1"), _item("json-2", lat=None, lon=None,
                                                           region="Zaporizhzhia oblast")])
    assert answer.status_code == 201, answer.text
    assert answer.json()["added"] == 2
    assert answer.json()["ids"] == ["mission-patrol:json-1", "mission-patrol:json-2"]
    stored = service.store.get_observation("mission-patrol:json-1")
    assert stored is not None
    assert stored.reported_by == "Mission"
    assert stored.interval.start.isoformat() == "2025-06-03T08:00:00+00:00"
    after = _counts(service)
    assert after[0] == before[0] + 2
    assert after[1] >= before[1] + 3  # two observations and the audit entry of the write


def test_the_body_cannot_name_the_submitter(service: Service) -> None:
    with service.as_user("admin") as admin:
        answer = admin.post("/v1/observations", headers=_key(),
                            json=[_item("smuggle", reported_by="RU liaison")])
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [p["pointer"] for p in answer.json()["problems"]] == ["body.0.reported_by"]
    assert service.store.get_observation("mission-patrol:smuggle") is None


def test_a_retry_under_the_same_key_adds_nothing(service: Service) -> None:
    headers = _key()
    body = [_item("retry-1"), _item("retry-2")]
    with service.as_user("monitor") as monitor:
        first = monitor.post("/v1/observations", headers=headers, json=body)
        counted = _counts(service)
        audits = _audits(service)
        again = [monitor.post("/v1/observations", headers=headers, json=body) for _ in range(3)]
    assert first.status_code == 201
    assert first.json()["added"] == 2
    for answer in again:
        assert answer.status_code == 201
        assert answer.json() == first.json()
    assert _counts(service) == counted
    assert _audits(service) == audits


def test_a_key_used_for_another_body_is_a_conflict(service: Service) -> None:
    headers = _key()
    with service.as_user("monitor") as monitor:
        first = monitor.post("/v1/observations", headers=headers, json=[_item("conflict-1")])
        counted = _counts(service)
        other = monitor.post("/v1/observations", headers=headers, json=[_item("conflict-2")])
    assert first.status_code == 201
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "conflict"
    assert "Idempotency-Key" in other.json()["detail"]
    assert _counts(service) == counted
    assert service.store.get_observation("mission-patrol:conflict-2") is None


def test_keys_belong_to_their_user(service: Service) -> None:
    """Another user choosing the same key gets its own answer, not the first user's."""
    headers = _key()
    with service.as_user("monitor") as monitor, service.as_user("admin") as admin:
        mine = monitor.post("/v1/observations", headers=headers, json=[_item("own-1")])
        theirs = admin.post("/v1/observations", headers=headers, json=[_item("own-2")])
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()["ids"] == ["mission-patrol:own-2"]


def test_bad_rows_are_named_and_nothing_is_stored(service: Service) -> None:
    counted = _counts(service)
    body = [
        _item("bad-0"),
        _item("bad-1", end="2025-06-03T09:00:00+02:00"),
        _item("bad-2", category="teleportation"),
        _item("bad-3", lat=None),
        _item("bad-4", start="2025-06-03T10:00:00"),
    ]
    with service.as_user("monitor") as monitor:
        pydantic_refused = monitor.post("/v1/observations", headers=_key(), json=body)
        rule_refused = monitor.post("/v1/observations", headers=_key(), json=[
            body[0], body[1], body[3], body[4]])
        missing_key = monitor.post("/v1/observations", json=[body[0]])
        not_a_list = monitor.post("/v1/observations", headers=_key(), json={"a": 1})
        empty = monitor.post("/v1/observations", headers=_key(), json=[])
    assert pydantic_refused.status_code == 422
    assert [p["pointer"] for p in pydantic_refused.json()["problems"]] == [
        "body.2.category"]
    assert rule_refused.status_code == 422
    pointers = [p["pointer"] for p in rule_refused.json()["problems"]]
    assert pointers == ["body.1.end", "body.2.lat", "body.3.start"]
    assert "before start" in rule_refused.json()["problems"][0]["reason"]
    assert missing_key.status_code == 422
    assert missing_key.json()["problems"][0]["pointer"] == "header.Idempotency-Key"
    assert not_a_list.status_code == 422
    assert empty.status_code == 422
    assert _counts(service) == counted
    assert service.store.get_observation("mission-patrol:bad-0") is None


def _fresh_cir_rows(directory: Path, count: int) -> Path:
    """`count` real CIR rows the seed data does not hold, as an upload file."""
    entries: list[str] = []
    with (data_dir() / "events" / "mauforonda_cir_events.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["entry"] not in CIR_ROWS and row["lat"] and row["date"]:
                entries.append(row["entry"])
            if len(entries) == count:
                break
    return cir_subset(directory, tuple(entries))


def test_csv_upload_reads_like_ingest(service: Service, tmp_path: Path) -> None:
    text = _fresh_cir_rows(tmp_path, 3).read_bytes()
    before = _counts(service)
    with service.as_user("admin") as admin:
        answer = admin.post("/v1/observations", content=text,
                            headers={**_key(), "Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["added"] == 3
    assert _counts(service)[0] == before[0] + 3
    for oid in answer.json()["ids"]:
        stored = service.store.get_observation(oid)
        assert stored is not None
        assert stored.reported_by == "Mission"
        assert stored.source_record_id


def test_a_bad_csv_row_refuses_the_file(service: Service, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(_fresh_cir_rows(tmp_path, 6).read_text("utf-8"))))
    rows[5][rows[0].index("date")] = "the day after"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    before = _counts(service)
    with service.as_user("monitor") as monitor:
        answer = monitor.post("/v1/observations", content=out.getvalue().encode(),
                              headers={**_key(), "Content-Type": "text/csv"})
        unknown = monitor.post("/v1/observations", content=b"a,b\n1,2\n",
                               headers={**_key(), "Content-Type": "text/csv"})
        wrong_type = monitor.post("/v1/observations", content=b"<x/>",
                                  headers={**_key(), "Content-Type": "application/xml"})
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert [p["line"] for p in problems] == [6]
    assert "the day after" in problems[0]["reason"]
    assert unknown.status_code == 422
    assert wrong_type.status_code == 422
    assert wrong_type.json()["problems"][0]["field"] == "content-type"
    assert _counts(service) == before


def _audits(service: Service) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, str(e.outcome)) for r in service.store.stored_records()
            if r.ref.kind is RecordKind.AUDIT and isinstance(e := r.value(), AuditEntry)]


def test_a_party_sees_only_its_own_submissions(service: Service) -> None:
    with service.as_user("party_liaison") as ua, service.as_user("ru_liaison") as ru, \
            service.as_user("analyst") as analyst:
        ours = ua.get("/v1/observations", params={"limit": 1000}).json()
        theirs = ru.get("/v1/observations").json()
        everything = analyst.get("/v1/observations", params={"limit": 1000}).json()
        refused = [service.as_user(u).get("/v1/observations").status_code
                   for u in ("operations_planner", "public")]
    assert {o["reported_by"] for o in ours["items"]} == {UA}
    assert len(ours["items"]) == len(CIR_ROWS)
    assert theirs == {"items": [], "next": None}
    assert len(everything["items"]) == service.store.count_observations()
    assert {o["reported_by"] for o in everything["items"]} >= {UA, "Mission"}
    assert refused == [403, 403]


def test_paging_and_filters_match_the_store(service: Service) -> None:
    expected = [o.id for o in service.store.observations()]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 4}
    with service.as_user("reviewer") as reviewer:
        while True:
            page = reviewer.get("/v1/observations", params=params).json()
            seen.extend(o["id"] for o in page["items"])
            if page["next"] is None:
                break
            params["after"] = page["next"]
        patrol = reviewer.get("/v1/observations",
                              params={"source": "mission-patrol", "limit": 1000}).json()
        june = reviewer.get("/v1/observations", params={
            "start": "2025-06-03T07:00:00Z", "end": "2025-06-03T09:00:00Z"}).json()
        empty = reviewer.get("/v1/observations", params={
            "start": "2025-06-03T09:00:00Z", "end": "2025-06-03T07:00:00Z"})
    assert seen == expected
    assert {o["source"] for o in patrol["items"]} == {"mission-patrol"}
    assert len(patrol["items"]) == len(service.store.observations(sources=["mission-patrol"]))
    assert june["items"]
    assert all(o["start"].startswith("2025-06-03") for o in june["items"])
    assert empty.status_code == 422


def test_category_and_box_filters_match_the_store(service: Service) -> None:
    stored = service.store.observations()
    category = str(stored[0].category)
    west, south, east, north = 30.0, 46.0, 36.0, 50.0
    with service.as_user("analyst") as analyst:
        by_category = analyst.get("/v1/observations",
                                  params={"category": category, "limit": 1000}).json()
        boxed = analyst.get("/v1/observations", params={
            "bbox": f"{west},{south},{east},{north}", "limit": 1000}).json()
        bad = analyst.get("/v1/observations", params={"bbox": "1,2,3"})
    assert [o["id"] for o in by_category["items"]] == [
        o.id for o in stored if str(o.category) == category]
    inside = [o.id for o in stored if o.location.lat is not None and o.location.lon is not None
              and south <= o.location.lat <= north and west <= o.location.lon <= east]
    assert inside
    assert len(inside) < len(stored)  # the box leaves something out: the filter is exercised
    assert [o["id"] for o in boxed["items"]] == inside
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["pointer"] == "query.bbox"


def test_writes_and_reads_are_audited(service: Service) -> None:
    with service.as_user("monitor") as monitor:
        monitor.post("/v1/observations", headers=_key(), json=[_item("audited")])
        monitor.get("/v1/observations")
        service.as_user("public").post("/v1/observations", headers=_key(),
                                       json=[_item("audited-2")])
    recorded = _audits(service)
    assert ("monitor", "observations.submit", "allowed") in recorded
    assert ("monitor", "observations.list", "allowed") in recorded
    assert ("public", "observations.submit", "denied") in recorded


def test_racing_copies_of_one_request_run_once(service: Service) -> None:
    """A client that timed out and retried: copies arriving together store the batch once
    and all get the same answer."""
    headers = _key()
    body = [_item(f"race-{i}") for i in range(50)]
    counted = _counts(service)

    def send(_: int) -> tuple[int, Any]:
        with service.as_user("monitor") as monitor:
            answer = monitor.post("/v1/observations", headers=headers, json=body)
        return answer.status_code, answer.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert {status for status, _ in answers} == {201}
    assert all(payload == answers[0][1] for _, payload in answers)
    assert answers[0][1]["added"] == 50
    observations, entries = _counts(service)
    assert observations == counted[0] + 50
    assert entries == counted[1] + 51  # fifty observations and one audit entry
