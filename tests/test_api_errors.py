"""Every error the service answers is an RFC 9457 problem: validation naming the field,
unknown paths, wrong methods, oversized bodies (413), rate limits (429 with Retry-After);
configuration refuses bad settings naming them (issue 11)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Depends

from api_helpers import Service, running_service, serving
from ceasefire.api.accounts import Accounts
from ceasefire.api.app import create_app
from ceasefire.api.auth import allow
from ceasefire.api.config import ServiceConfig, load_config
from ceasefire.api.limits import Bucket, RateLimiter
from ceasefire.api.roles import OrgKind, Role
from ceasefire.domain import IncidentState
from ceasefire.domain.errors import InvalidInputError
from ceasefire.store import open_store

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("errors"), max_body_bytes=2_000) as running:
        yield running


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/problems/{code}"
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    return body


def test_validation_errors_name_the_field(service: Service) -> None:
    with service.as_user("reviewer") as client:
        body = _problem(client.get("/v1/incidents", params={"limit": "many", "state": "won"}),
                        422, "invalid-input")
        incident = next(iter(service.states()))
        extra = _problem(client.post(f"/v1/incidents/{incident}/transitions",
                                     json={"to": "verified", "reason": "x",
                                           "organisation": "UA liaison"}),
                         422, "invalid-input")
        empty = _problem(client.get("/v1/incidents", params={
            "start": "2022-05-01T00:00:00Z", "end": "2022-04-01T00:00:00Z"}),
            422, "invalid-input")
        naive = _problem(client.get("/v1/incidents", params={"start": "2022-05-01T00:00"}),
                         422, "invalid-input")
        broken = _problem(client.post(f"/v1/incidents/{incident}/transitions",
                                      content=b"{not json",
                                      headers={"Content-Type": "application/json"}),
                          422, "invalid-input")
    problems = body["problems"]
    assert isinstance(problems, list)
    assert {p["field"] for p in problems} == {"limit", "state"}
    assert any("'many'" in p["reason"] for p in problems)
    assert [p["field"] for p in extra["problems"]] == ["organisation"]
    assert [p["field"] for p in empty["problems"]] == ["end"]
    assert [p["field"] for p in naive["problems"]] == ["start"]
    assert broken["problems"]


def test_unknown_paths_methods_and_ids(service: Service) -> None:
    with service.as_user("admin") as client:
        _problem(client.get("/v1/nothing-here"), 404, "not-found")
        _problem(client.get("/v1/incidents/inc-doesnotexist"), 404, "not-found")
        _problem(client.post("/v1/clocks/nope:UA:military/acknowledge"), 403, "forbidden")
        wrong = client.put("/v1/incidents")
    _problem(wrong, 405, "method-not-allowed")
    assert wrong.headers["allow"] == "GET"
    with service.as_user("party_liaison") as liaison:
        _problem(liaison.post("/v1/clocks/nope:UA:military/acknowledge"), 404, "not-found")


def test_a_refused_decision_is_a_conflict_naming_the_incident(service: Service) -> None:
    verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
    with service.as_user("reviewer") as client:
        body = _problem(client.post(f"/v1/incidents/{verified}/transitions",
                                    json={"to": "dismissed", "reason": "second thoughts"}),
                        409, "conflict")
    assert verified in json.dumps(body)


def test_oversized_bodies_are_refused_before_reading(service: Service) -> None:
    incident = next(iter(service.states()))
    big = {"to": "dismissed", "reason": "x" * 1_999}
    with service.as_user("reviewer") as client:
        declared = client.post(f"/v1/incidents/{incident}/transitions", json=big)
        body = _problem(declared, 413, "too-large")

        def chunks() -> Iterator[bytes]:
            yield b'{"to": "dismissed", "reason": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        chunked = client.post(f"/v1/incidents/{incident}/transitions", content=chunks(),
                              headers={"Content-Type": "application/json"})
    assert "2000" in str(body["detail"])
    assert "content-length" not in chunked.request.headers
    _problem(chunked, 413, "too-large")
    assert service.states()[incident] is not IncidentState.DISMISSED


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    with running_service(tmp_path, rate_per_minute=5) as service:
        with service.as_user("monitor") as client:
            codes = [client.get("/v1/me").status_code for _ in range(5)]
            limited = client.get("/v1/me")
        with service.as_user("analyst") as other:  # another token has its own budget
            assert other.get("/v1/me").status_code == 200
        with service.client() as anonymous:
            anonymous_codes = [anonymous.get("/healthz").status_code for _ in range(6)]
    assert codes == [200] * 5
    _problem(limited, 429, "rate-limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert anonymous_codes == [200] * 5 + [429]


def test_bucket_refills_at_the_rate() -> None:
    bucket = Bucket(tokens=2.0, updated=0.0)
    assert [bucket.take(0.0, 2.0, 1.0) for _ in range(3)] == [0.0, 0.0, 1.0]
    assert bucket.take(0.5, 2.0, 1.0) == pytest.approx(0.5)
    assert bucket.take(1.0, 2.0, 1.0) == 0.0
    assert bucket.take(100.0, 2.0, 1.0) == 0.0
    assert bucket.tokens == 1.0
    clock = [0.0]
    limiter = RateLimiter(60, clock=lambda: clock[0])
    assert sum(limiter.take("k") == 0.0 for _ in range(61)) == 60
    clock[0] = 1.0
    assert limiter.take("k") == 0.0
    assert limiter.take("k") > 0.0


def test_configuration_from_file_environment_and_overrides(tmp_path: Path) -> None:
    toml = tmp_path / "service.toml"
    toml.write_text('[service]\ndata_dir = "/srv/cf"\nrate_per_minute = 30\n'
                    "public_precision_deg = 0.5\n", encoding="utf-8")
    config = load_config({"CEASEFIRE_RATE_PER_MINUTE": "90"}, toml, {"max_body_bytes": 10})
    assert config == ServiceConfig(data_dir=Path("/srv/cf"), rate_per_minute=90,
                                   public_precision_deg=0.5, max_body_bytes=10)
    assert config.store_url == "sqlite:////srv/cf/ceasefire.db"
    assert load_config({"CEASEFIRE_STORE": "memory://"}).store_url == "memory://"
    bad = [({"CEASEFIRE_RATE_PER_MINUTE": "0"}, "rate_per_minute"),
           ({"CEASEFIRE_PUBLIC_PRECISION_DEG": "nan"}, "public_precision_deg"),
           ({"CEASEFIRE_MAX_BODY_BYTES": "1e9"}, "max_body_bytes")]
    for environ, name in bad:
        with pytest.raises(InvalidInputError) as caught:
            load_config(environ)
        assert caught.value.problems[0].field == name
        assert caught.value.problems[0].source == "environment"
    toml.write_text("rate_limit = 5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="rate_limit") as caught:
        load_config({}, toml)
    assert caught.value.problems[0].source == str(toml)
    toml.write_text("rate_per_minute = \n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid TOML"):
        load_config({}, toml)


def test_a_bug_is_a_500_problem_and_is_counted(tmp_path: Path) -> None:
    """The catch-all: an exception no handler knows becomes a logged, counted 500 problem
    (which `running_service` refuses to see in any other test)."""
    store = open_store("memory://")
    accounts = Accounts(tmp_path / "accounts.db")
    app = create_app(ServiceConfig(data_dir=tmp_path), store, accounts, agreements=())

    accounts.add_organisation("Mission", OrgKind.MISSION)
    _, token = accounts.add_user("Mission", Role.ADMIN, "admin", now=datetime.now(UTC), days=1)

    @app.get("/v1/broken", dependencies=[Depends(allow(Role.ADMIN))])
    def broken() -> dict[str, str]:
        raise RuntimeError("a bug")

    try:
        with serving(app) as url:
            response = httpx.get(f"{url}/v1/broken",
                                 headers={"Authorization": f"Bearer {token.secret}"})
            body = _problem(response, 500, "internal")
    finally:
        accounts.close()
        store.close()
    assert "a bug" not in str(body)  # the traceback is logged, never sent
    assert app.state.internal_errors == 1
