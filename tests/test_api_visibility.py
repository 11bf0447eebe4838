"""Visibility over real HTTP: the mission sees everything, a party and a nation's planners
see verified incidents without the raw observations, the public sees them with generalised
places; clocks only to the mission and the notified party (issue 11)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api_helpers import Service, running_service
from ceasefire.api.filters import Box, parse_bbox
from ceasefire.api.visibility import METRES_PER_DEGREE, generalise
from ceasefire.domain import IncidentState, RecordKind, RecordRef
from ceasefire.domain.errors import InvalidInputError


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("visibility"),
                         public_precision_deg=0.25) as running:
        yield running


def _ids(service: Service, user: str, query: str = "") -> list[str]:
    with service.as_user(user) as client:
        response = client.get(f"/v1/incidents{query}")
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["items"]]


def test_the_mission_sees_every_incident_and_the_others_only_verified(service: Service) -> None:
    states = service.states()
    verified = sorted(i for i, s in states.items() if s is IncidentState.VERIFIED)
    assert len(states) > len(verified) == 1
    for role in ("admin", "monitor", "analyst", "reviewer"):
        assert _ids(service, role) == sorted(states)
    for user in ("party_liaison", "ru_liaison", "operations_planner", "public"):
        assert _ids(service, user) == verified


def test_hidden_incidents_are_not_found_and_visible_ones_lose_the_evidence(
    service: Service,
) -> None:
    states = service.states()
    hidden = next(i for i, s in states.items() if s is not IncidentState.VERIFIED)
    verified = next(i for i, s in states.items() if s is IncidentState.VERIFIED)
    with service.as_user("party_liaison") as liaison:
        assert liaison.get(f"/v1/incidents/{hidden}").status_code == 404
        party_view = liaison.get(f"/v1/incidents/{verified}").json()
    with service.as_user("reviewer") as reviewer:
        mission_view = reviewer.get(f"/v1/incidents/{verified}").json()
        assert reviewer.get(f"/v1/incidents/{hidden}").status_code == 200
    assert [o["id"] for o in mission_view["observations"]] == ["cir:UW1247", "cir:UW1262"]
    assert mission_view["sources"]
    assert mission_view["history"]
    assert {c["notified_party"] for c in mission_view["clocks"]} == {"RU", "UA"}
    for withheld in ("observations", "fusion", "sources", "supporting"):
        assert party_view[withheld] is None
    assert party_view["history"] == mission_view["history"]
    assert (party_view["lat"], party_view["lon"]) == (mission_view["lat"], mission_view["lon"])
    assert {c["notified_party"] for c in party_view["clocks"]} == {"UA"}


def test_the_public_sees_generalised_places_and_no_names(service: Service) -> None:
    verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
    with service.as_user("public") as public:
        row = public.get("/v1/incidents").json()["items"][0]
        detail = public.get(f"/v1/incidents/{verified}").json()
    with service.as_user("admin") as admin:
        exact = admin.get(f"/v1/incidents/{verified}").json()
    for view in (row, detail):
        assert (view["lat"] / 0.25).is_integer()
        assert (view["lon"] / 0.25).is_integer()
        assert (view["lat"], view["lon"]) != (exact["lat"], exact["lon"])
        moved = math.hypot(view["lat"] - exact["lat"], view["lon"] - exact["lon"])
        assert view["radius_m"] - exact["radius_m"] >= moved * METRES_PER_DEGREE
    assert detail["clocks"] == []
    assert detail["observations"] is None
    assert detail["attribution"]["reasons"] == []
    assert {(t["actor"], t["organisation"]) for t in detail["history"]} == {("", "")}
    assert any(t["actor"] == "seed-reviewer" for t in exact["history"])


def test_clocks_only_for_the_mission_and_the_notified_party(service: Service) -> None:
    with service.as_user("monitor") as monitor:
        every = {c["notified_party"] for c in monitor.get("/v1/clocks").json()["items"]}
    with service.as_user("party_liaison") as ua:
        own = {c["notified_party"] for c in ua.get("/v1/clocks").json()["items"]}
    assert (every, own) == ({"RU", "UA"}, {"UA"})
    for user in ("operations_planner", "public"):
        with service.as_user(user) as client:
            assert client.get("/v1/clocks").status_code == 403


def test_filters_and_pages(service: Service) -> None:
    states = service.states()
    everything = _ids(service, "analyst")
    pages: list[str] = []
    after = ""
    with service.as_user("analyst") as client:
        while True:
            body = client.get("/v1/incidents", params={"limit": 2, **(
                {"after": after} if after else {})}).json()
            pages += [row["id"] for row in body["items"]]
            if body["next"] is None:
                break
            after = body["next"]
        reported = client.get("/v1/incidents", params={"state": "reported"}).json()["items"]
        in_2022_march = client.get("/v1/incidents", params={
            "start": "2022-03-01T00:00:00Z", "end": "2022-04-01T00:00:00Z"}).json()["items"]
        shelling = client.get("/v1/incidents",
                              params={"category": "artillery_shelling"}).json()["items"]
    assert pages == everything
    assert {r["id"] for r in reported} == {i for i, s in states.items()
                                           if s is IncidentState.REPORTED}
    incidents = {i.id: i for i in service.store.incidents()}
    assert {r["id"] for r in in_2022_march} == {
        i for i, inc in incidents.items()
        if inc.interval.start < _t("2022-04-01") and inc.interval.end > _t("2022-03-01")}
    assert in_2022_march
    assert len(in_2022_march) < len(incidents)
    assert {r["id"] for r in shelling} == {
        i for i, inc in incidents.items() if str(inc.category) == "artillery_shelling"}
    assert service.store.get(RecordRef(RecordKind.INCIDENT, everything[0])) is not None


def _t(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@given(
    st.floats(-89.9, 89.9), st.floats(-179.9, 179.9), st.floats(0, 50_000),
    st.sampled_from([0.01, 0.1, 0.25, 1.0]),
)
def test_generalised_disc_contains_the_original_point(
    lat: float, lon: float, radius: float, precision: float
) -> None:
    g_lat, g_lon, g_radius = generalise(lat, lon, radius, precision)
    assert g_lat is not None
    assert g_lon is not None
    assert abs(g_lat - lat) <= precision / 2 + 1e-6
    assert abs(g_lon - lon) <= precision / 2 + 1e-6
    # metres on the ground between the points, longitude shrunk by latitude
    north = (g_lat - lat) * METRES_PER_DEGREE
    east = (g_lon - lon) * METRES_PER_DEGREE * math.cos(math.radians(lat))
    assert g_radius >= radius + math.hypot(north, east)
    assert generalise(None, None, radius, precision) == (None, None, radius)


def test_area_filter_uses_the_place_the_caller_sees(service: Service) -> None:
    """A box around the exact point but off the public grid point finds the incident for the
    mission and not for the public: narrowing boxes cannot recover the exact place."""
    verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
    with service.as_user("admin") as admin:
        exact = admin.get(f"/v1/incidents/{verified}").json()
        everything = admin.get("/v1/incidents").json()["items"]
    with service.as_user("public") as public:
        shown = public.get(f"/v1/incidents/{verified}").json()
    lat, lon = exact["lat"], exact["lon"]
    assert (lat, lon) != (shown["lat"], shown["lon"])
    tight = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    around_grid = (f"{shown['lon'] - 0.001},{shown['lat'] - 0.001},"
                   f"{shown['lon'] + 0.001},{shown['lat'] + 0.001}")
    with service.as_user("admin") as admin:
        assert verified in [r["id"] for r in admin.get(
            "/v1/incidents", params={"bbox": tight}).json()["items"]]
        ukraine = admin.get("/v1/incidents", params={"bbox": "22,44,41,53"}).json()["items"]
    with service.as_user("public") as public:
        assert public.get("/v1/incidents", params={"bbox": tight}).json()["items"] == []
        assert [r["id"] for r in public.get(
            "/v1/incidents", params={"bbox": around_grid}).json()["items"]] == [verified]
        refused = public.get("/v1/incidents", params={"bbox": "30,50,20,40"})
    assert {r["id"] for r in ukraine} == {
        r["id"] for r in everything
        if r["lat"] is not None and 44 <= r["lat"] <= 53 and 22 <= r["lon"] <= 41}
    assert len(ukraine) < len(everything)  # the Belarus and Russia rows stay out
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "bbox"


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "nan,0,1,1", "0,0,200,1", "5,0,1,1"])
def test_malformed_boxes_are_refused_naming_bbox(text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_bbox(text)
    assert caught.value.problems[0].field == "bbox"
    assert parse_bbox("-180,-90,180,90") == Box(-180, -90, 180, 90)
