"""Paging and filters of the short lists (clocks, hotline messages, findings) over real
HTTP: every filter is checked against what the store holds, every page boundary against the
whole list, and fetching a page of the hotline delivers that page only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api_helpers import UA, Service, running_service
from ceasefire.domain import IncidentState


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("lists")) as running:
        yield running


def _get(service: Service, user: str, path: str, **params: Any) -> dict[str, Any]:
    with service.as_user(user) as client:
        response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _walk(service: Service, user: str, path: str, limit: int, **params: Any) -> list[str]:
    """Every id, page by page."""
    ids: list[str] = []
    cursor = None
    while True:
        page = _get(service, user, path, limit=limit,
                    **params, **({} if cursor is None else {"after": cursor}))
        ids += [item["id"] for item in page["items"]]
        assert len(page["items"]) <= limit
        cursor = page["next"]
        if cursor is None:
            return ids


def test_clocks_are_paged_and_filtered(service: Service) -> None:
    every = _get(service, "reviewer", "/v1/clocks")["items"]
    ids = [c["id"] for c in every]
    assert len(ids) == 4
    assert ids == sorted(ids)
    assert _walk(service, "reviewer", "/v1/clocks", limit=1) == ids
    assert _walk(service, "reviewer", "/v1/clocks", limit=3) == ids
    military = _get(service, "reviewer", "/v1/clocks", track="military")["items"]
    assert [c["id"] for c in military] == [c["id"] for c in every if c["track"] == "military"]
    assert len(military) == 2
    incident = every[0]["incident_id"]
    assert len(_get(service, "reviewer", "/v1/clocks", incident=incident)["items"]) == 4
    assert _get(service, "reviewer", "/v1/clocks", incident="inc-none")["items"] == []
    states = {c["state"] for c in every}
    for state in states:
        chosen = _get(service, "reviewer", "/v1/clocks", state=state)["items"]
        assert [c["id"] for c in chosen] == [c["id"] for c in every if c["state"] == state]
    first_start = min(c["started_at"] for c in every)
    before = _get(service, "reviewer", "/v1/clocks", end=first_start)["items"]
    assert before == []  # the window ends where the clocks start: half-open, none meets it
    assert len(_get(service, "reviewer", "/v1/clocks", start=first_start)["items"]) == 4
    assert [c["notified_party"] for c in _get(service, "party_liaison", "/v1/clocks",
                                              limit=10)["items"]] == ["UA", "UA"]
    with service.as_user("reviewer") as client:
        bad = client.get("/v1/clocks", params={"state": "asleep"})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["pointer"] == "query.state"


def _send(client: httpx.Client, **body: Any) -> str:
    response = client.post("/v1/hotline/messages", json={"to": UA, **body})
    assert response.status_code == 201, response.text
    message_id: str = response.json()["id"]
    return message_id


def test_hotline_pages_deliver_only_what_was_fetched(service: Service) -> None:
    verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
    with service.as_user("reviewer") as reviewer:
        notes = [_send(reviewer, kind="message", text=f"note {n}") for n in range(3)]
        notice = _send(reviewer, kind="violation_notice", text="violation", incident_id=verified)
    mission = _get(service, "reviewer", "/v1/hotline/messages", limit=1000)["items"]
    assert {m["state"] for m in mission} == {"sent"}  # the mission's reads deliver nothing to UA
    ids = sorted([*notes, notice])
    first = _get(service, "party_liaison", "/v1/hotline/messages", limit=2)
    assert [m["id"] for m in first["items"]] == ids[:2]
    undelivered = _get(service, "reviewer", "/v1/hotline/messages", state="sent")["items"]
    assert [m["id"] for m in undelivered] == ids[2:]  # the rest is not delivered yet
    assert _walk(service, "party_liaison", "/v1/hotline/messages", limit=2) == ids
    notices = _get(service, "party_liaison", "/v1/hotline/messages", kind="violation_notice")
    assert [m["id"] for m in notices["items"]] == [notice]
    about = _get(service, "reviewer", "/v1/hotline/messages", incident=verified)["items"]
    assert [m["id"] for m in about] == [notice]
    sent_at = min(m["sent_at"] for m in mission)
    assert _get(service, "reviewer", "/v1/hotline/messages", end=sent_at)["items"] == []
    assert len(_get(service, "reviewer", "/v1/hotline/messages", start=sent_at)["items"]) == 4


def test_findings_are_filtered_by_verdict(service: Service) -> None:
    agreement = service.app.state.services.agreements[0].id
    for agreement_id in (a.id for a in service.app.state.services.agreements):
        if service.store.findings(agreement_id):
            agreement = agreement_id
            break
    stored = service.store.findings(agreement)
    verdicts = {str(f.verdict) for f in stored}
    for verdict in verdicts:
        shown = _walk(service, "analyst", "/v1/findings", limit=2, agreement=agreement,
                      verdict=verdict)
        assert shown == [f.id for f in stored if str(f.verdict) == verdict]
