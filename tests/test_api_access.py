"""Who may call what, over real HTTP: the role x route matrix, default deny, 401 for the
anonymous on every non-public operation, token expiry and revocation (issue 11)."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import Depends

from api_helpers import Service, running_service
from ceasefire.api.accounts import Accounts
from ceasefire.api.app import create_app
from ceasefire.api.auth import allow, api_routes, declared_rule, undeclared_routes
from ceasefire.api.config import ServiceConfig
from ceasefire.api.roles import Role
from ceasefire.domain import AuditEntry, AuditOutcome, IncidentState, RecordKind, RecordRef
from ceasefire.store import open_store

MISSION = {Role.ADMIN, Role.MONITOR, Role.ANALYST, Role.REVIEWER}
EVERYONE = set(Role)

#: The rule of every operation; the test below fails when a route is added without a row.
RULES: dict[tuple[str, str], set[Role] | None] = {
    ("GET", "/healthz"): None,
    ("GET", "/v1/me"): EVERYONE,
    ("GET", "/v1/agreements"): EVERYONE,
    ("GET", "/v1/incidents"): EVERYONE,
    ("GET", "/v1/incidents/{incident_id}"): EVERYONE,
    ("POST", "/v1/incidents/{incident_id}/transitions"): {Role.REVIEWER, Role.ANALYST},
    ("GET", "/v1/clocks"): MISSION | {Role.PARTY_LIAISON},
    ("POST", "/v1/clocks/{clock_id}/acknowledge"): {Role.PARTY_LIAISON},
    ("POST", "/v1/observations"): {Role.MONITOR, Role.ADMIN},
    ("GET", "/v1/observations"): MISSION | {Role.PARTY_LIAISON},
    ("GET", "/v1/findings"): MISSION | {Role.PARTY_LIAISON},
    ("GET", "/v1/ledger/checkpoint"): EVERYONE,
    ("GET", "/v1/ledger/proofs/inclusion"): EVERYONE,
    ("GET", "/v1/ledger/proofs/consistency"): EVERYONE,
    ("GET", "/v1/ledger/bundles/{ledger_id}"): EVERYONE,
    ("POST", "/v1/hotline/messages"): MISSION | {Role.PARTY_LIAISON},
    ("GET", "/v1/hotline/messages"): MISSION | {Role.PARTY_LIAISON},
    ("POST", "/v1/hotline/messages/{message_id}/read"): MISSION | {Role.PARTY_LIAISON},
    ("POST", "/v1/hotline/messages/{message_id}/acknowledge"): MISSION | {Role.PARTY_LIAISON},
    ("GET", "/v1/hotline/stream"): MISSION | {Role.PARTY_LIAISON},
    ("POST", "/v1/reports"): {Role.ADMIN, Role.ANALYST},
    ("GET", "/v1/reports"): EVERYONE,
    ("GET", "/v1/reports/{report_id}"): EVERYONE,
    ("GET", "/v1/reports/{report_id}/document"): EVERYONE,
    ("POST", "/v1/intents"): {Role.OPERATIONS_PLANNER},
    ("PUT", "/v1/intents/{intent_id}"): {Role.OPERATIONS_PLANNER},
    ("POST", "/v1/intents/{intent_id}/end"): {Role.OPERATIONS_PLANNER},
    ("POST", "/v1/intents/area"): MISSION | {Role.OPERATIONS_PLANNER},
    ("GET", "/v1/intents"): MISSION | {Role.OPERATIONS_PLANNER},
    ("GET", "/v1/intents/{intent_id}"): MISSION | {Role.OPERATIONS_PLANNER},
    ("POST", "/v1/tracks"): {Role.MONITOR, Role.OPERATIONS_PLANNER},
    ("GET", "/v1/tracks"): MISSION | {Role.OPERATIONS_PLANNER},
    ("GET", "/v1/tracks/conflicts"): MISSION | {Role.OPERATIONS_PLANNER},
    ("GET", "/v1/tracks/incursions"): MISSION | {Role.OPERATIONS_PLANNER},
    ("GET", "/v1/incidents/{incident_id}/findings"): MISSION | {Role.PARTY_LIAISON},
    ("GET", "/v1/map/basemap"): EVERYONE,
    ("GET", "/v1/map/days"): EVERYONE,
    ("GET", "/v1/map/lines/{day}"): EVERYONE,
    ("GET", "/v1/map/agreements/{agreement_id}"): EVERYONE,
    ("GET", "/v1/map/incidents"): EVERYONE,
    ("GET", "/"): None,
    ("GET", "/ui/{asset}"): None,
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("access")) as running:
        yield running


def _verified(service: Service) -> str:
    return next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)


def _reported(service: Service) -> list[str]:
    return sorted(i for i, s in service.states().items() if s is IncidentState.REPORTED)


def _templated(path: str) -> str:
    """A route's path as OpenAPI writes it: ``{ledger_id:path}`` is ``{ledger_id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def test_every_route_declares_who_may_call_it(service: Service) -> None:
    routes = api_routes(service.app.routes)
    operations = {(m.upper(), p) for p, item in service.app.openapi()["paths"].items()
                  for m in item}
    assert {(m, _templated(r.path)) for r in routes for m in r.methods or ()} == operations
    assert undeclared_routes(service.app) == []
    declared = {(m, _templated(r.path)): declared_rule(r) for r in routes
                for m in r.methods or ()}
    assert declared == {k: None if v is None else frozenset(v) for k, v in RULES.items()}


def test_a_route_without_a_declaration_is_found(tmp_path: Path) -> None:
    store = open_store("memory://")
    accounts = Accounts(tmp_path / "accounts.db")
    app = create_app(ServiceConfig(data_dir=tmp_path), store, accounts, agreements=())

    @app.get("/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    @app.get("/v1/misdeclared")  # the rule given as a plain default, not as a dependency
    def misdeclared(who: object = allow(Role.ADMIN)) -> dict[str, str]:
        return {}

    @app.get("/v1/declared")
    def declared(who: Annotated[object, Depends(allow(Role.ADMIN))]) -> dict[str, str]:
        return {}

    assert sorted(undeclared_routes(app)) == ["GET /v1/forgotten", "GET /v1/misdeclared"]
    accounts.close()
    store.close()


def _call(client: httpx.Client, method: str, path: str, service: Service) -> httpx.Response:
    """A valid request to the operation, so that only the caller's role can refuse it."""
    verified = _verified(service)
    concrete = path.replace("{incident_id}", verified).replace(
        "{clock_id}", f"{verified}:UA:military"
    ).replace("{message_id}", "msg-none").replace("{asset}", "app.css").replace(
        "{day}", "2025-12-15"
    ).replace("{agreement_id}", service.app.state.services.agreements[0].id)
    if path.endswith("/stream"):  # only the status: the stream itself never ends
        with client.stream(method, concrete) as response:
            if response.status_code != 200:
                response.read()
            return response
    if path.endswith("/transitions"):
        # a move nobody may make from verified: allowed roles reach the workflow (409)
        return client.post(concrete, json={"to": "dismissed", "reason": "matrix probe"})
    if path.endswith("/acknowledge"):
        return client.post(concrete, json={"reason": "received"})
    if (method, path) == ("POST", "/v1/reports"):
        return client.post(path, content=b"<p>matrix probe</p>",
                           headers={"Content-Type": "text/html"},
                           params={"title": "probe", "start": "2025-06-01T00:00:00Z",
                                   "end": "2025-06-02T00:00:00Z"})
    if "{report_id}" in path:
        return client.request(method, path.replace("{report_id}", "rep-none"))
    if (method, path) == ("POST", "/v1/observations"):
        return client.post(path, json=[_observation()],
                           headers={"Idempotency-Key": uuid.uuid4().hex})
    if "/v1/intents" in path and method != "GET":
        return _intent_call(client, method, path)
    if (method, path) == ("POST", "/v1/tracks"):
        state = {"id": "MATRIX", "t": datetime.now(UTC).isoformat(), "lat": 48.0, "lon": 30.0,
                 "alt_m": 1000.0, "trk_deg": 0.0, "gs_mps": 100.0}
        return client.post(path, json={"states": [state]})
    if path in ("/v1/findings", "/v1/incidents/{incident_id}/findings"):
        return client.get(concrete,
                          params={"agreement": service.app.state.services.agreements[0].id})
    if path.endswith("/inclusion"):
        return client.get(path, params={"index": 0})
    if path.endswith("/consistency"):
        return client.get(path, params={"from": 0, "to": 1})
    if "{ledger_id}" in path:
        stored = service.store.get(RecordRef(RecordKind.INCIDENT, verified))
        assert stored is not None
        return client.get(path.replace("{ledger_id}", stored.ledger_id))
    return client.request(method, concrete)


def _intent_call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    """A valid intent request: a new plan (a fresh id each time, far from every zone and
    from each other in time), or a change of an intent that does not exist (404)."""
    hour = uuid.uuid4().int % 8000
    start = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=2 * hour)
    volume = {"circle": {"lon": 24.0, "lat": 49.8, "radius_m": 500.0}, "lower_m": 0.0,
              "upper_m": 100.0, "start": start.isoformat(),
              "end": (start + timedelta(minutes=30)).isoformat()}
    plan = {"command": "matrix", "volumes": [volume]}
    if path == "/v1/intents/area":
        return client.post(path, json={"volumes": [volume]})
    if path == "/v1/intents":
        return client.post(path, json={**plan, "id": f"matrix-{uuid.uuid4().hex}"})
    concrete = path.replace("{intent_id}", "matrix-none")
    if method == "PUT":
        return client.put(concrete, json={**plan, "version": 1})
    return client.post(concrete, json={"version": 1})


def _observation() -> dict[str, object]:
    return {"source": "matrix", "source_record_id": "probe-1", "category": "small_arms",
            "start": "2025-06-01T10:00:00Z", "end": "2025-06-01T10:05:00Z",
            "lat": 47.8, "lon": 35.2, "radius_m": 500}


@pytest.mark.parametrize("operation", sorted(RULES), ids=lambda o: f"{o[0]} {o[1]}")
def test_role_matrix(service: Service, operation: tuple[str, str]) -> None:
    method, path = operation
    allowed = RULES[operation]
    with service.client() as anonymous:
        response = _call(anonymous, method, path, service)
        if allowed is None:
            assert response.status_code == 200
        else:
            assert response.status_code == 401, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
    for role in Role:
        with service.as_user(str(role)) as client:
            response = _call(client, method, path, service)
        if allowed is not None and role not in allowed:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["code"] == "forbidden"
        else:
            assert response.status_code not in (401, 403), (role, response.text)
            assert response.status_code < 500


def test_allowed_roles_do_what_they_may(service: Service) -> None:
    """Each write succeeds for the role made for it: an analyst corroborates, a reviewer
    dismisses, the notified party's liaison acknowledges its clock."""
    first, second = _reported(service)[:2]
    with service.as_user("analyst") as analyst:
        moved = analyst.post(f"/v1/incidents/{first}/transitions",
                             json={"to": "corroborated", "reason": "second report found",
                                   "evidence": ["cir:UW0067"]})
    assert moved.status_code == 201, moved.text
    assert moved.json()["transition"]["to"] == "corroborated"
    assert moved.json()["transition"]["organisation"] == "Mission"
    with service.as_user("reviewer") as reviewer:
        dismissed = reviewer.post(f"/v1/incidents/{second}/transitions",
                                  json={"to": "dismissed", "reason": "not as reported"})
    assert dismissed.status_code == 201, dismissed.text
    assert service.states()[second] is IncidentState.DISMISSED
    clock = f"{_verified(service)}:UA:diplomatic"
    with service.as_user("party_liaison") as liaison:
        acknowledged = liaison.post(f"/v1/clocks/{clock}/acknowledge",
                                    json={"reason": "notice received"})
        listed = {c["id"]: c for c in liaison.get("/v1/clocks").json()["items"]}
    assert acknowledged.status_code == 201, acknowledged.text
    assert listed[clock]["state"] == "acknowledged"


def test_an_analyst_may_not_decide(service: Service) -> None:
    """Verification needs a reviewer: the analyst's token is refused by the workflow rule."""
    corroborated = next(i for i, s in service.states().items()
                        if s is IncidentState.CORROBORATED)
    with service.as_user("analyst") as analyst:
        response = analyst.post(f"/v1/incidents/{corroborated}/transitions",
                                json={"to": "verified", "reason": "looks right"})
    assert response.status_code == 403
    assert "reviewer" in response.json()["detail"]


def test_the_other_party_cannot_acknowledge(service: Service) -> None:
    clock = f"{_verified(service)}:UA:military"
    with service.as_user("ru_liaison") as ru:
        response = ru.post(f"/v1/clocks/{clock}/acknowledge", json={})
        mine = ru.get("/v1/clocks").json()["items"]
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert mine
    assert {c["notified_party"] for c in mine} == {"RU"}


def test_me_names_the_token_holder(service: Service) -> None:
    with service.as_user("ru_liaison") as client:
        me = client.get("/v1/me").json()
    assert me["user"] == "ru_liaison"
    assert (me["organisation"], me["org_kind"], me["party"], me["role"]) == (
        "RU liaison", "party", "RU", "party_liaison")
    assert me["scopes"] == ["role:party_liaison"]


def test_garbage_and_other_schemes_are_anonymous(service: Service) -> None:
    for value in ("Bearer nonsense", f"Basic {service.tokens['admin']}", "Bearer",
                  "Bearer " + "x" * 5000, service.tokens["admin"]):
        response = httpx.get(f"{service.url}/v1/me", headers={"Authorization": value})
        assert response.status_code == 401, value[:20]


def test_revoked_and_expired_tokens_are_refused(tmp_path: Path) -> None:
    moment = [datetime(2026, 1, 1, tzinfo=UTC)]
    with running_service(tmp_path, now=lambda: moment[0]) as service:
        accounts = service.accounts
        _, short = accounts.add_user("Mission", Role.MONITOR, "short", now=moment[0], days=1)
        with service.client(short.secret) as client:
            assert client.get("/v1/me").status_code == 200
            moment[0] += timedelta(days=1)  # the instant it expires, it is refused
            assert client.get("/v1/me").status_code == 401
            moment[0] -= timedelta(seconds=1)
            assert client.get("/v1/me").status_code == 200
        with service.as_user("reviewer") as client:
            assert client.get("/v1/me").status_code == 200
            assert accounts.revoke("reviewer", now=moment[0]) != []
            response = client.get("/v1/me")
            assert response.status_code == 401
            assert response.json()["detail"] == "a valid bearer token is required"
        _, fresh = accounts.add_user("Mission", Role.REVIEWER, "reviewer-2", now=moment[0],
                                     days=5)
        assert accounts.revoke(fresh.info.id, now=moment[0]) == [fresh.info.id]
        with service.client(fresh.secret) as client:
            assert client.get("/v1/me").status_code == 401


def test_a_reviewer_may_not_decide_what_their_organisation_reported(tmp_path: Path) -> None:
    """Independence over HTTP: the organisation is the token's, so a Mission reviewer cannot
    close a report the Mission submitted, whatever the body says; the refusal is audited."""
    with running_service(tmp_path, reported_by="Mission") as service:
        corroborated = next(i for i, s in service.states().items()
                            if s is IncidentState.CORROBORATED)
        with service.as_user("reviewer") as reviewer:
            response = reviewer.post(f"/v1/incidents/{corroborated}/transitions",
                                     json={"to": "verified", "reason": "confirmed"})
        assert response.status_code == 403
        assert "Mission" in response.json()["detail"]
        assert service.states()[corroborated] is IncidentState.CORROBORATED
        (audited,) = [r.value() for r in service.store.stored_records()
                      if r.ref.kind is RecordKind.AUDIT]
    assert isinstance(audited, AuditEntry)
    assert (audited.actor, audited.action, audited.outcome) == (
        "reviewer", "incident.transition", AuditOutcome.DENIED)


def test_a_token_stops_working_when_its_user_changes_role(tmp_path: Path) -> None:
    """Scopes are fixed when the token is made: giving the user another role (here by hand in
    the accounts file, as no command does it) does not widen what an old token may do."""
    with running_service(tmp_path) as service, service.as_user("monitor") as client:
        assert client.get("/v1/me").json()["scopes"] == ["role:monitor"]
        with sqlite3.connect(service.config.accounts_path) as db:
            db.execute("UPDATE users SET role = 'reviewer' WHERE name = 'monitor'")
        assert client.get("/v1/me").status_code == 401
