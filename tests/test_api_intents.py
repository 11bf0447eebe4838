"""Operational intents over real HTTP: submit, update with the version last seen (409 when
stale, naming what was missed), end, conflicts and priorities as the engine decides them,
agreement zones, ownership by nation, visibility, every accepted version stored and ledgered,
refusals changing nothing, and the engine rebuilt from the store on restart (issue 11)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from api_helpers import NATION, Service, running_service, serving, shipped
from ceasefire.api.app import create_app
from ceasefire.api.roles import OrgKind, Role
from ceasefire.domain import RecordKind
from ceasefire.domain.intent_record import IntentRecord

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
OTHER = "Nation B"
#: Lviv, far from every zone of the shipped agreements.
LVIV = (24.03, 49.84)
#: On the line of contact near Zaporizhzhia: inside the settlement's no-fly zone in 2026.
FRONT = (35.9, 47.55)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("intents"), now=lambda: NOW) as running:
        running.accounts.add_organisation(OTHER, OrgKind.NATION)
        _, token = running.accounts.add_user(OTHER, Role.OPERATIONS_PLANNER, "planner_b",
                                             now=NOW, days=30)
        running.tokens["planner_b"] = token.secret
        yield running


def volume(centre: tuple[float, float] = LVIV, radius_m: float = 2000.0,
           start: str = "2026-07-01T10:00:00Z", end: str = "2026-07-01T11:00:00Z",
           lower_m: float = 0.0, upper_m: float = 1000.0) -> dict[str, Any]:
    return {"circle": {"lon": centre[0], "lat": centre[1], "radius_m": radius_m},
            "lower_m": lower_m, "upper_m": upper_m, "start": start, "end": end}


def plan(intent_id: str, *, priority: int = 0, seen: dict[str, int] | None = None,
         **where: Any) -> dict[str, Any]:
    return {"id": intent_id, "command": "1st Air Wing", "mandate": "force-protection",
            "priority": priority, "volumes": [volume(**where)], "seen": seen or {}}


def planner(service: Service, user: str = "operations_planner") -> httpx.Client:
    return service.as_user(user)


def submit(service: Service, body: dict[str, Any], user: str = "operations_planner"
           ) -> httpx.Response:
    with planner(service, user) as client:
        return client.post("/v1/intents", json=body)


def area_seen(service: Service, body: dict[str, Any]) -> dict[str, int]:
    with planner(service) as client:
        response = client.post("/v1/intents/area", json={"volumes": body["volumes"]})
    assert response.status_code == 200, response.text
    seen: dict[str, int] = response.json()["seen"]
    return seen


def stored_versions(service: Service, intent_id: str) -> list[IntentRecord]:
    out = []
    for r in service.store.stored_records():
        value = r.value()
        if r.ref.kind is RecordKind.INTENT and isinstance(value, IntentRecord) and (
                value.id == intent_id):
            out.append(value)
    return out


def intent_count(service: Service) -> int:
    return sum(1 for r in service.store.stored_records() if r.ref.kind is RecordKind.INTENT)


def test_submit_stores_and_ledgers_the_intent_of_the_callers_nation(service: Service) -> None:
    response = submit(service, plan("sub-1", centre=(24.5, 49.0)))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["decision"]["accepted"] is True
    assert (answer["intent"]["version"], answer["intent"]["nation"]) == (1, NATION)
    assert answer["intent"]["recorded_by"] == "operations_planner"
    (record,) = stored_versions(service, "sub-1")
    assert record.intent.version == 1
    assert record.nation == NATION
    ledger = service.store.ledger()
    assert ledger is not None
    (stored,) = [r for r in service.store.stored_records() if r.ref.id == "sub-1"]
    assert ledger.entry(stored.ledger_id).data == stored.data  # the very bytes stored


def test_a_body_naming_a_nation_is_refused(service: Service) -> None:
    body = {**plan("sub-nation", centre=(24.6, 49.0)), "nation": OTHER}
    response = submit(service, body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert any(p["pointer"] == "body.nation" for p in response.json()["problems"])


def test_update_with_the_version_seen_and_409_when_stale(service: Service) -> None:
    first = plan("upd-1", centre=(24.0, 48.6))
    assert submit(service, first).status_code == 201
    change = {k: v for k, v in first.items() if k != "id"} | {"version": 1, "priority": 5}
    with planner(service) as client:
        updated = client.put("/v1/intents/upd-1", json=change)
        assert updated.status_code == 200, updated.text
        assert updated.json()["intent"]["version"] == 2
        before = intent_count(service)
        stale = client.put("/v1/intents/upd-1", json=change)  # still says version 1
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    problem = stale.json()
    assert problem["code"] == "conflict"
    (missed,) = problem["problems"]
    assert missed["pointer"] == "body.seen.upd-1"
    assert "version 2" in missed["reason"]
    assert "seen at version 1" in missed["reason"]
    assert intent_count(service) == before  # a refusal stores no intent
    versions = [r.intent.version for r in stored_versions(service, "upd-1")]
    assert sorted(versions) == [1, 2]


def test_history_keeps_every_version(service: Service) -> None:
    body = plan("hist-1", centre=(23.5, 48.3))
    assert submit(service, body).status_code == 201
    change = {k: v for k, v in body.items() if k != "id"} | {"version": 1, "mandate": "b"}
    with planner(service) as client:
        assert client.put("/v1/intents/hist-1", json=change).status_code == 200
        detail = client.get("/v1/intents/hist-1").json()
    assert detail["intent"]["version"] == 2
    assert [(v["version"], v["current"]) for v in detail["history"]] == [(1, False), (2, True)]
    assert detail["history"][0]["mandate"] == "force-protection"


def test_equal_priority_conflict_is_refused_and_changes_nothing(service: Service) -> None:
    assert submit(service, plan("conf-a", centre=(25.0, 49.5))).status_code == 201
    other = plan("conf-b", centre=(25.01, 49.5))
    other["seen"] = area_seen(service, other)
    before = intent_count(service)
    response = submit(service, other, "planner_b")
    assert response.status_code == 409, response.text
    problems = response.json()["problems"]
    assert [p["pointer"] for p in problems] == ["intent/conf-a"]
    assert "m2" in problems[0]["reason"]
    assert intent_count(service) == before
    with planner(service) as client:
        assert client.get("/v1/intents/conf-b").status_code == 404


def test_higher_priority_is_accepted_and_names_the_notified_owner(service: Service) -> None:
    assert submit(service, plan("prio-a", centre=(25.5, 49.5))).status_code == 201
    urgent = plan("prio-b", centre=(25.51, 49.5), priority=10)
    stale = submit(service, urgent, "planner_b")  # has not looked at the area
    assert stale.status_code == 409
    assert [p["pointer"] for p in stale.json()["problems"]] == ["body.seen.prio-a"]
    urgent["seen"] = area_seen(service, urgent)
    assert urgent["seen"] == {"prio-a": 1}
    response = submit(service, urgent, "planner_b")
    assert response.status_code == 201, response.text
    (note,) = response.json()["decision"]["notifications"]
    assert (note["intent_id"], note["recipient_nation"], note["by_intent_id"]) == (
        "prio-a", NATION, "prio-b")
    assert response.json()["intent"]["nation"] == OTHER


def test_an_agreement_zone_refuses_whatever_the_priority(service: Service) -> None:
    body = plan("zone-1", centre=FRONT, priority=1000)
    response = submit(service, body)
    assert response.status_code == 409, response.text
    pointers = [p["pointer"] for p in response.json()["problems"]]
    assert "constraint/settlement-2025-12-15/nfz-line" in pointers
    assert stored_versions(service, "zone-1") == []


def test_another_nations_intent_may_not_be_changed(service: Service) -> None:
    body = plan("own-1", centre=(26.0, 50.0))
    assert submit(service, body).status_code == 201
    change = {k: v for k, v in body.items() if k != "id"} | {"version": 1}
    with planner(service, "planner_b") as client:
        update = client.put("/v1/intents/own-1", json=change)
        end = client.post("/v1/intents/own-1/end", json={"version": 1})
        seen = client.get("/v1/intents/own-1")
    assert update.status_code == 403
    assert end.status_code == 403
    assert update.json()["code"] == "forbidden"
    assert "belongs to Nation A" in update.json()["detail"]
    assert seen.status_code == 200  # a live intent: other planners must plan around it
    assert seen.json()["history"] is None
    assert [r.intent.version for r in stored_versions(service, "own-1")] == [1]


def test_end_keeps_the_intent_as_history(service: Service) -> None:
    body = plan("end-1", centre=(26.5, 50.2))
    assert submit(service, body).status_code == 201
    with planner(service) as client:
        ended = client.post("/v1/intents/end-1/end", json={"version": 1})
        assert ended.status_code == 200, ended.text
        assert (ended.json()["intent"]["state"], ended.json()["intent"]["version"]) == (
            "ended", 2)
        again = client.put("/v1/intents/end-1", json={
            **{k: v for k, v in body.items() if k != "id"}, "version": 2})
        reused = client.post("/v1/intents", json=body)
        mine = client.get("/v1/intents/end-1").json()
    assert again.status_code == 409
    assert "ended" in again.json()["detail"]
    assert reused.status_code == 409
    assert "taken" in reused.json()["detail"]
    assert [v["state"] for v in mine["history"]] == ["accepted", "ended"]
    with planner(service, "planner_b") as other:
        assert other.get("/v1/intents/end-1").status_code == 404  # ended: not its to see
    with service.as_user("analyst") as analyst:
        assert analyst.get("/v1/intents/end-1").json()["intent"]["state"] == "ended"
    # the ended intent no longer occupies its airspace
    assert submit(service, plan("end-2", centre=(26.5, 50.2)), "planner_b").status_code == 201


def test_bad_volumes_are_named_and_store_nothing(service: Service) -> None:
    before = intent_count(service)
    body = plan("bad-1")
    body["volumes"].append(volume(start="2026-07-01T11:00:00Z", end="2026-07-01T10:00:00Z"))
    body["volumes"].append({"polygon": [[24.0, 49.0], [24.1, 49.0]], "lower_m": 0,
                            "upper_m": 10, "start": "2026-07-01T10:00:00Z",
                            "end": "2026-07-01T11:00:00Z"})
    response = submit(service, body)
    assert response.status_code == 422
    pointers = {p["pointer"] for p in response.json()["problems"]}
    assert "body.volumes.2.polygon" in pointers  # pydantic: fewer than 3 vertices
    body["volumes"].pop()
    response = submit(service, body)
    assert response.status_code == 422
    assert [p["pointer"] for p in response.json()["problems"]] == ["body.volumes.1"]
    assert "before start" in response.json()["problems"][0]["reason"]
    assert intent_count(service) == before


def test_lists_page_and_filter(service: Service) -> None:
    for k in range(3):
        assert submit(service, plan(f"list-{k}", centre=(22.5 + 0.2 * k, 48.0),
                                    start="2027-01-01T00:00:00Z",
                                    end="2027-01-01T01:00:00Z")).status_code == 201
    window = {"start": "2027-01-01T00:30:00Z", "end": "2027-01-02T00:00:00Z"}
    with service.as_user("reviewer") as client:
        first = client.get("/v1/intents", params={**window, "limit": 2}).json()
        second = client.get("/v1/intents", params={**window, "limit": 2,
                                                   "after": first["next"]}).json()
        boxed = client.get("/v1/intents", params={**window, "bbox": "22.6,47.9,23.0,48.1"})
        other = client.get("/v1/intents", params={**window, "nation": OTHER}).json()
        ended = client.get("/v1/intents", params={"state": "ended"}).json()
    assert [i["id"] for i in first["items"] + second["items"]] == ["list-0", "list-1", "list-2"]
    assert second["next"] is None
    assert [i["id"] for i in boxed.json()["items"]] == ["list-1", "list-2"]
    assert other["items"] == []
    assert all(i["state"] == "ended" for i in ended["items"])


def test_parties_and_the_public_see_no_plans(service: Service) -> None:
    for user in ("party_liaison", "ru_liaison", "public"):
        with service.as_user(user) as client:
            assert client.get("/v1/intents").status_code == 403
            assert client.post("/v1/intents", json=plan("nope")).status_code == 403


def test_a_restarted_service_rebuilds_the_engine_from_the_store(service: Service) -> None:
    assert submit(service, plan("restart-a", centre=(27.0, 49.0))).status_code == 201
    app = create_app(service.config, service.store, service.accounts, now=lambda: NOW,
                     agreements=shipped())
    with serving(app) as url:
        restarted = Service(url, app, service.store, service.accounts, service.config,
                            service.tokens)
        clash = plan("restart-b", centre=(27.0, 49.0))
        assert submit(restarted, clash, "planner_b").status_code == 409  # stale: not seen
        clash["seen"] = area_seen(restarted, clash)
        assert clash["seen"]["restart-a"] == 1
        refused = submit(restarted, clash, "planner_b")
        assert refused.status_code == 409
        assert [p["pointer"] for p in refused.json()["problems"]] == ["intent/restart-a"]
        change = {k: v for k, v in plan("restart-a", centre=(27.0, 49.0)).items()
                  if k != "id"} | {"version": 1}
        with planner(restarted) as client:
            assert client.put("/v1/intents/restart-a", json=change).status_code == 200
    assert app.state.internal_errors == 0
