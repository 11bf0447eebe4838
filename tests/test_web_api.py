"""The dashboard's routes over real HTTP (issue 12): the page and its assets without a token
and under a same-origin policy, the map layers, the incidents on the map per role and filter
(checked against the store), the findings of one incident, the ledger id in the detail."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from shapely.geometry import Point, shape

from api_helpers import Service, running_service
from ceasefire.api.roles import Role
from ceasefire.domain import AuditEntry, Incident, IncidentState, RecordKind, RecordRef
from ceasefire.monitoring.setup import bundled_oblasts
from ceasefire.verify.territory import map_day


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("web")) as running:
        yield running


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    return body


def test_the_page_and_its_assets_need_no_token_and_allow_only_this_origin(
        service: Service) -> None:
    with service.client() as anonymous:
        page = anonymous.get("/")
        script = anonymous.get("/ui/js/app.js")
        leaflet = anonymous.get("/ui/vendor/leaflet/leaflet.js")
        api = anonymous.get("/v1/map/basemap")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    for directive in ("default-src 'self'", "connect-src 'self'", "script-src 'self'"):
        assert directive in policy
    assert 'href="/ui/vendor/leaflet/leaflet.css"' in page.text
    assert "http://" not in page.text
    assert "https://" not in page.text
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert leaflet.status_code == 200
    assert "Leaflet" in leaflet.text[:300]
    assert api.status_code == 401  # the data behind the page still needs a token


def test_no_path_reaches_a_file_outside_the_assets(service: Service) -> None:
    with service.client() as anonymous, service.as_user("admin") as admin:
        missing = anonymous.get("/ui/nothing.js")
        for client in (anonymous, admin):
            for path in ("/ui/%2e%2e/api/app.py", "/ui/..%2fapi%2fapp.py",
                         "/ui/vendor/../../api/app.py"):
                assert client.get(path).status_code in (401, 404), path
    assert "nothing.js" in str(_problem(missing, 404)["detail"])


def test_basemap_has_crimea_in_ukraine_and_the_oblasts(service: Service) -> None:
    with service.as_user("public") as client:
        basemap = client.get("/v1/map/basemap").json()
    ukraine = next(f for f in basemap["countries"]["features"]
                   if f["properties"]["iso"] == "UKR")
    assert shape(ukraine["geometry"]).contains(Point(34.1, 44.95))  # Simferopol
    russia = next(f for f in basemap["countries"]["features"]
                  if f["properties"]["iso"] == "RUS")
    assert not shape(russia["geometry"]).contains(Point(34.1, 44.95))
    assert len(basemap["oblasts"]["features"]) == 27


def test_lines_of_contact_by_day(service: Service) -> None:
    with service.as_user("operations_planner") as client:
        days = client.get("/v1/map/days").json()["maps"]
        line = client.get("/v1/map/lines/2025-12-15")
        missing = client.get("/v1/map/lines/2019-01-01")
        malformed = client.get("/v1/map/lines/2025-13-40")
    assert "2025-12-15" in days
    assert days == sorted(days)
    kinds = [f["properties"]["kind"] for f in line.json()["features"]]
    assert kinds == ["occupied", "line_of_contact"]
    assert all(f["properties"]["day"] == "2025-12-15" for f in line.json()["features"])
    assert "2019-01-01" in str(_problem(missing, 404)["detail"])
    problems = _problem(malformed, 422)["problems"]
    assert isinstance(problems, list)
    assert problems[0]["field"] == "day"


def test_an_agreements_geography(service: Service) -> None:
    with service.as_user("party_liaison") as client:
        zones = client.get("/v1/map/agreements/settlement-2025-12-15").json()
        unknown = client.get("/v1/map/agreements/no-such-agreement")
    kinds = {f["properties"]["kind"] for f in zones["features"]}
    assert {"line_of_contact", "buffer", "withdrawal", "no_fly", "maritime_corridor"} <= kinds
    assert "no-such-agreement" in str(_problem(unknown, 404)["detail"])


def _placed(service: Service) -> dict[str, IncidentState]:
    """Incident id -> state for the incidents that have a point."""
    states = service.states()
    return {i.id: states[i.id] for i in service.store.incidents() if i.location.lat is not None}


def _ids(answer: dict[str, object]) -> set[str]:
    points = answer["points"]
    assert isinstance(points, list)
    return {p["id"] for p in points}


def test_map_incidents_follow_each_roles_visibility(service: Service) -> None:
    placed = _placed(service)
    verified = {i for i, s in placed.items() if s is IncidentState.VERIFIED}
    seen = {}
    for role in ("reviewer", "party_liaison", "public"):
        with service.as_user(role) as client:
            seen[role] = client.get("/v1/map/incidents").json()
    assert _ids(seen["reviewer"]) == set(placed)
    assert seen["reviewer"]["total"] == len(placed)
    assert _ids(seen["party_liaison"]) == _ids(seen["public"]) == verified
    exact = {p["id"]: p for p in seen["party_liaison"]["points"]}
    precision = service.config.public_precision_deg
    for p in seen["public"]["points"]:
        for axis in ("lat", "lon"):
            steps = p[axis] / precision
            assert math.isclose(steps, round(steps), abs_tol=1e-6)  # on the public grid
            assert abs(p[axis] - exact[p["id"]][axis]) <= precision / 2 + 1e-9


def test_map_filters_agree_with_the_store(service: Service) -> None:
    incidents = {i.id: i for i in service.store.incidents() if i.location.lat is not None}
    states = service.states()
    oblasts = bundled_oblasts()
    oblast_of = {i: oblasts.unit_of(x.location.lat or 0, x.location.lon or 0)
                 for i, x in incidents.items()}
    one = next(iter(incidents.values()))
    day = map_day(one.interval).isoformat()
    cases = {
        "state=reported": {i for i in incidents if states[i] is IncidentState.REPORTED},
        f"category={one.category}": {i for i, x in incidents.items()
                                     if x.category is one.category},
        "source=cir": set(incidents),
        "source=bellingcat": set(),
        f"oblast={oblast_of[one.id]}": {i for i in incidents
                                        if oblast_of[i] == oblast_of[one.id]},
        f"day={day}": {i for i, x in incidents.items() if map_day(x.interval).isoformat() == day},
        "bbox=0,0,1,1": set(),
    }
    with service.as_user("analyst") as client:
        for query, expected in cases.items():
            answer = client.get(f"/v1/map/incidents?{query}").json()
            assert _ids(answer) == expected, query
            assert answer["total"] == len(expected), query
        by_day = client.get(f"/v1/map/incidents?day={day}").json()["days"]
    every_day = Counter(map_day(x.interval).isoformat() for x in incidents.values())
    assert by_day == dict(sorted(every_day.items()))  # the timeline ignores the selected day


def test_bad_map_queries_are_named_and_change_nothing(service: Service) -> None:
    before = service.store.count_observations(), len(service.store.incidents())
    with service.as_user("admin") as client:
        for query, field in (("zoom=99", "zoom"), ("bbox=1,2,3", "bbox"),
                             ("state=lost", "state"), ("day=yesterday", "day")):
            problems = _problem(client.get(f"/v1/map/incidents?{query}"), 422)["problems"]
            assert isinstance(problems, list)
            assert problems[0]["field"] == field, query
        unknown = client.get("/v1/map/incidents?agreement=nothing")
    assert "nothing" in str(_problem(unknown, 404)["detail"])
    assert (service.store.count_observations(), len(service.store.incidents())) == before


def test_a_mission_read_of_the_map_is_audited(service: Service) -> None:
    def audits() -> list[AuditEntry]:
        return [r.value() for r in service.store.stored_records()  # type: ignore[misc]
                if r.ref.kind is RecordKind.AUDIT]

    before = len(audits())
    with service.as_user("monitor") as monitor, service.as_user("public") as public:
        monitor.get("/v1/map/incidents?state=verified")
        public.get("/v1/map/incidents")
    added = audits()[before:]
    assert [(a.action, a.actor, a.target) for a in added] == [
        ("map.incidents", "monitor", "state=verified")]


def test_a_decision_shows_on_the_map(service: Service) -> None:
    placed = _placed(service)
    corroborated = sorted(i for i, s in placed.items() if s is IncidentState.CORROBORATED)
    with service.as_user("reviewer") as reviewer:
        before = _ids(reviewer.get("/v1/map/incidents?state=dismissed").json())
        moved = reviewer.post(f"/v1/incidents/{corroborated[-1]}/transitions",
                              json={"to": "dismissed", "reason": "map refresh probe"})
        after = _ids(reviewer.get("/v1/map/incidents?state=dismissed").json())
    assert moved.status_code == 201, moved.text
    assert after == before | {corroborated[-1]}


def test_an_incidents_findings_and_its_ledger_id(service: Service) -> None:
    verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
    incident = service.store.get(RecordRef(RecordKind.INCIDENT, verified))
    assert incident is not None
    value = incident.value()
    assert isinstance(value, Incident)
    agreement = "christmas-truce-2025"
    subjects = {f"incident/{verified}",
                *(f"observation/{o}" for o in value.observation_ids)}
    expected = sorted(f.id for f in service.store.findings(agreement)
                      if str(f.subject) in subjects)
    with service.as_user("reviewer") as reviewer:
        detail = reviewer.get(f"/v1/incidents/{verified}").json()
        findings = reviewer.get(f"/v1/incidents/{verified}/findings",
                                params={"agreement": agreement})
        unknown = reviewer.get(f"/v1/incidents/{verified}/findings",
                               params={"agreement": "nothing"})
        proof = reviewer.get("/v1/ledger/proofs/inclusion",
                             params={"record": detail["ledger_id"]})
    assert detail["ledger_id"] == incident.ledger_id
    assert proof.status_code == 200
    assert proof.json()["record_id"] == incident.ledger_id
    assert sorted(f["id"] for f in findings.json()) == expected
    assert all(f["subject"] in subjects for f in findings.json())
    assert "nothing" in str(_problem(unknown, 404)["detail"])
    with service.as_user("public") as public:
        assert public.get(f"/v1/incidents/{verified}/findings",
                          params={"agreement": agreement}).status_code == 403


def test_roles_are_what_the_demo_makes() -> None:
    """`serve --demo` makes one user of every role (the browser tests sign in as each)."""
    from ceasefire.cli.serve_demo import DEMO_USERS

    assert {role for _, _, role in DEMO_USERS} == set(Role)
