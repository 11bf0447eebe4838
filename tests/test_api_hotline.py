"""The hotline over real HTTP: who may write to whom, who sees what, delivered / read /
acknowledged state, acknowledgment stopping a response clock, escalation at an injected time,
and the Server-Sent Events stream (issue 11, point 4)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api_helpers import RU, UA, Clock, Service, running_service
from ceasefire.domain import AuditEntry, IncidentState

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
AFTER_MIN = 30


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(START)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("hotline"), now=clock,
                         escalate_after_minutes=AFTER_MIN) as running:
        yield running


def _verified(service: Service) -> str:
    return next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)


def _send(service: Service, user: str, **body: Any) -> httpx.Response:
    with service.as_user(user) as client:
        return client.post("/v1/hotline/messages", json=body)


def _list(service: Service, user: str) -> dict[str, dict[str, Any]]:
    with service.as_user(user) as client:
        response = client.get("/v1/hotline/messages")
    assert response.status_code == 200, response.text
    return {m["id"]: m for m in response.json()["items"]}


def test_each_side_sees_only_what_it_sent_or_received(service: Service, clock: Clock) -> None:
    to_ua = _send(service, "reviewer", kind="message", to=UA, text="liaison meeting at 10")
    assert to_ua.status_code == 201, to_ua.text
    sent = to_ua.json()
    assert (sent["sender_org"], sent["recipient_org"], sent["recipient_party"]) == (
        "Mission", UA, "UA")
    assert sent["state"] == "sent"
    from_ru = _send(service, "ru_liaison", kind="message", to="Mission", text="received")
    assert from_ru.status_code == 201, from_ru.text
    ua_sees, ru_sees = _list(service, "party_liaison"), _list(service, "ru_liaison")
    mission_sees = _list(service, "analyst")
    assert sent["id"] in ua_sees
    assert sent["id"] not in ru_sees
    assert from_ru.json()["id"] in ru_sees
    assert from_ru.json()["id"] not in ua_sees
    assert {sent["id"], from_ru.json()["id"]} <= set(mission_sees)
    # delivered when the recipient's side first fetched it, not when the sender did
    assert ua_sees[sent["id"]]["state"] == "delivered"
    assert ua_sees[sent["id"]]["delivered_at"] == clock.at.isoformat().replace("+00:00", "Z")
    assert mission_sees[from_ru.json()["id"]]["state"] == "delivered"


def test_who_may_write_to_whom(service: Service) -> None:
    party_to_party = _send(service, "party_liaison", kind="message", to=RU, text="hello")
    assert party_to_party.status_code == 422
    assert party_to_party.json()["problems"][0]["field"] == "to"
    mission_to_mission = _send(service, "reviewer", kind="message", to="Mission", text="x")
    assert mission_to_mission.status_code == 422
    nobody = _send(service, "reviewer", kind="message", to="No such org", text="x")
    assert nobody.status_code == 422
    assert "No such org" in nobody.json()["detail"]
    planner = _send(service, "operations_planner", kind="message", to="Mission", text="x")
    assert planner.status_code == 403
    notice_without_incident = _send(service, "reviewer", kind="violation_notice", to=UA,
                                    text="x")
    assert notice_without_incident.status_code == 422
    assert "incident_id" in notice_without_incident.json()["detail"]
    party_notice = _send(service, "party_liaison", kind="violation_notice", to="Mission",
                         text="x", incident_id=_verified(service))
    assert party_notice.status_code == 422
    assert "only the mission sends violation notices" in party_notice.json()["detail"]


def test_read_and_acknowledge_by_the_recipient_only(service: Service) -> None:
    notice = _send(service, "reviewer", kind="deconfliction_notice", to=UA,
                   text="convoy on route M-14 tomorrow").json()
    path = f"/v1/hotline/messages/{notice['id']}"
    with service.as_user("ru_liaison") as ru:
        assert ru.post(f"{path}/acknowledge").status_code == 404  # not its message at all
    with service.as_user("reviewer") as reviewer:
        refused = reviewer.post(f"{path}/acknowledge")
        assert refused.status_code == 403
        assert "only its recipient" in refused.json()["detail"]
    with service.as_user("party_liaison") as ua:
        read = ua.post(f"{path}/read")
        assert read.status_code == 200, read.text
        assert read.json()["state"] == "read"
        assert read.json()["delivered_at"] is not None
        acked = ua.post(f"{path}/acknowledge")
        assert acked.status_code == 200, acked.text
        assert acked.json()["state"] == "acknowledged"
        again = ua.post(f"{path}/acknowledge")
        assert again.status_code == 409
    chat = _send(service, "reviewer", kind="message", to=UA, text="fyi").json()
    with service.as_user("party_liaison") as ua:
        assert ua.post(f"/v1/hotline/messages/{chat['id']}/acknowledge").status_code == 409
    denied = [r.value() for r in service.store.stored_records()
              if isinstance(r.value(), AuditEntry)]
    outcomes = {(e.action, str(e.outcome)) for e in denied if isinstance(e, AuditEntry)}
    assert {("hotline.acknowledge", "denied"), ("hotline.acknowledge", "allowed"),
            ("hotline.acknowledge", "failed"), ("hotline.send", "allowed"),
            ("hotline.list", "allowed"), ("hotline.read", "allowed")} <= outcomes


def test_acknowledging_a_violation_notice_stops_the_partys_clocks(service: Service) -> None:
    incident = _verified(service)
    with service.as_user("party_liaison") as ua:
        before = {c["id"]: c["state"] for c in ua.get("/v1/clocks").json()["items"]}
    assert before
    assert all(state != "acknowledged" for state in before.values())
    notice = _send(service, "reviewer", kind="violation_notice", to=UA, text="violation",
                   incident_id=incident).json()
    with service.as_user("party_liaison") as ua:
        acked = ua.post(f"/v1/hotline/messages/{notice['id']}/acknowledge")
        assert acked.status_code == 200, acked.text
        after = {c["id"]: c for c in ua.get("/v1/clocks").json()["items"]}
    assert set(after) == set(before)
    assert {c["state"] for c in after.values()} == {"acknowledged"}
    with service.as_user("reviewer") as reviewer:
        everyone = reviewer.get("/v1/clocks").json()["items"]
    ru_clocks = [c for c in everyone if c["notified_party"] == "RU"]
    assert ru_clocks
    assert all(c["state"] != "acknowledged" for c in ru_clocks)


def test_an_unacknowledged_notice_escalates_once_at_its_deadline(
    service: Service, clock: Clock
) -> None:
    sent_at = clock.at
    notice = _send(service, "reviewer", kind="deconfliction_notice", to=UA,
                   text="strike package rerouted").json()
    clock.at = sent_at + timedelta(minutes=AFTER_MIN - 1)
    assert _list(service, "reviewer")[notice["id"]]["escalated_at"] is None
    clock.at = sent_at + timedelta(minutes=AFTER_MIN + 45)
    seen = _list(service, "reviewer")[notice["id"]]
    deadline = sent_at + timedelta(minutes=AFTER_MIN)
    assert seen["escalated_at"] == deadline.isoformat().replace("+00:00", "Z")
    clock.at += timedelta(hours=3)
    assert _list(service, "party_liaison")[notice["id"]]["escalated_at"] == seen["escalated_at"]
    escalations = [r for r in service.store.stored_records()
                   if r.ref.id == f"{notice['id']}:escalated"]
    assert len(escalations) == 1


def _events(response: httpx.Response, wanted: int) -> Iterator[dict[str, Any]]:
    """Up to `wanted` events of a stream, as they arrive (each read bounded by the client's
    timeout, so a stream that sends nothing fails the test instead of hanging it)."""
    sent = 0
    event: dict[str, Any] = {}
    for line in response.iter_lines():
        if line == "":
            if "data" in event:
                yield event
                sent += 1
                if sent == wanted:
                    return
            event = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            event[name] = json.loads(value) if name == "data" else value


def test_the_stream_sends_what_the_caller_may_see_and_resumes(service: Service) -> None:
    first = _send(service, "reviewer", kind="message", to=RU, text="for RU only").json()
    with service.as_user("ru_liaison") as ru, ru.stream(
        "GET", "/v1/hotline/stream", timeout=10.0
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        seen: list[dict[str, Any]] = []
        for event in _events(response, 50):
            seen.append(event)
            if event["event"] == "message" and event["data"]["id"] == first["id"]:
                break
    assert seen[-1]["data"]["id"] == first["id"]
    assert all(e["data"]["recipient_party"] == "RU" or e["data"]["sender_party"] == "RU"
               for e in seen)  # nothing of UA's reaches RU
    # the stream delivered it: RU's side fetched it
    assert _list(service, "reviewer")[first["id"]]["delivered_at"] is not None
    second = _send(service, "reviewer", kind="message", to=RU, text="second").json()
    resume = {"Last-Event-ID": seen[-1]["id"]}
    with service.as_user("ru_liaison") as ru, ru.stream(
        "GET", "/v1/hotline/stream", headers=resume, timeout=10.0
    ) as response:
        later: list[dict[str, Any]] = []
        for event in _events(response, 50):
            later.append(event)
            if event["event"] == "message" and event["data"]["id"] == second["id"]:
                break
    assert all(int(e["id"]) > int(seen[-1]["id"]) for e in later)
    assert later[-1]["data"]["id"] == second["id"]
    assert all(not (e["event"] == "message" and e["data"]["id"] == first["id"]) for e in later)


def test_a_bad_last_event_id_is_a_problem(service: Service) -> None:
    with service.as_user("reviewer") as reviewer:
        response = reviewer.get("/v1/hotline/stream", headers={"Last-Event-ID": "yesterday"})
    assert response.status_code == 422
    assert "Last-Event-ID" in response.json()["detail"]
