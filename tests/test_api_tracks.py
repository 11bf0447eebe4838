"""Tracks over real HTTP: reports into the live picture (each implausible report named,
nothing of a bad batch taken), the picture, its conflicts now and its zone incursions, the
bound on its size and the expiry of stale tracks (issue 11)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api_helpers import Clock, Service, running_service
from ceasefire.api.live_picture import LivePicture
from ceasefire.domain import AuditEntry, RecordKind
from ceasefire.domain.track import TrackState


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("tracks"), now=clock) as running:
        yield running


def report(track_id: str, clock: Clock, lat: float, lon: float, *, trk: float = 90.0,
           gs: float = 200.0, alt: float = 9000.0, ago_s: float = 0.0) -> dict[str, Any]:
    moment = clock.at - timedelta(seconds=ago_s)
    return {"id": track_id, "t": moment.isoformat(), "lat": lat, "lon": lon, "alt_m": alt,
            "trk_deg": trk, "gs_mps": gs, "vs_mps": 0.0, "source": "adsb"}


def post(service: Service, states: list[dict[str, Any]], user: str = "monitor") -> Any:
    with service.as_user(user) as client:
        return client.post("/v1/tracks", json={"states": states})


def held_ids(service: Service, **params: str) -> list[str]:
    with service.as_user("analyst") as client:
        response = client.get("/v1/tracks", params=params)
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


def test_head_on_pair_is_a_conflict_and_the_picture_lists_both(
        service: Service, clock: Clock) -> None:
    # 20 km apart on one parallel, closing at 400 m/s: they meet in about 50 s
    answer = post(service, [report("HEAD1", clock, 49.0, 24.0, trk=90.0),
                            report("HEAD2", clock, 49.0, 24.2733, trk=270.0)],
                  "operations_planner")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["taken"], answer.json()["refused"]) == (2, [])
    assert {"HEAD1", "HEAD2"} <= set(held_ids(service))
    with service.as_user("operations_planner") as client:
        found = client.get("/v1/tracks/conflicts").json()
        boxed = client.get("/v1/tracks/conflicts", params={"bbox": "30,40,31,41"}).json()
    pair = next(p for p in found["items"] if (p["id1"], p["id2"]) == ("HEAD1", "HEAD2"))
    assert 40 < pair["tcpa_s"] < 60
    assert pair["dcpa_m"] < 1.0
    assert boxed["items"] == []
    with service.as_user("reviewer") as client:
        listed = client.get("/v1/tracks", params={"bbox": "23.9,48.9,24.1,49.1"}).json()
    assert [t["id"] for t in listed["items"]] == ["HEAD1"]
    assert listed["items"][0]["reported_by"] == "Nation A"


def test_an_implausible_report_refuses_the_batch(service: Service, clock: Clock) -> None:
    before = held_ids(service)
    answer = post(service, [report("OK1", clock, 48.0, 23.0),
                            report("FAST", clock, 48.0, 23.5, gs=5000.0),
                            report("OLD", clock, 48.0, 23.6, ago_s=3600),
                            {**report("NORTH", clock, 95.0, 23.7)}])
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problems = answer.json()["problems"]
    assert [(p["pointer"], p["field"]) for p in problems] == [
        ("body.states.1", "gs_mps"), ("body.states.2", "t"), ("body.states.3", "lat")]
    assert held_ids(service) == before  # nothing of the batch was taken
    audits = [r.value() for r in service.store.stored_records() if r.ref.kind is RecordKind.AUDIT]
    assert any(isinstance(a, AuditEntry) and a.action == "tracks.submit"
               and str(a.outcome) == "failed" for a in audits)


def test_non_finite_numbers_are_refused(service: Service) -> None:
    with service.as_user("monitor") as client:
        response = client.post("/v1/tracks", content=b'{"states": [{"id": "N", "t":'
                               b' "2026-06-01T12:00:00Z", "lat": NaN, "lon": 1, "alt_m": 1,'
                               b' "trk_deg": 1, "gs_mps": 1}]}',
                               headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["problems"][0]["pointer"] == "body.states.0.lat"


def test_a_jump_is_listed_and_the_rest_taken(service: Service, clock: Clock) -> None:
    assert post(service, [report("JUMP", clock, 47.0, 25.0, ago_s=10)]).status_code == 200
    answer = post(service, [report("JUMP", clock, 47.5, 25.0),  # 55 km in 10 s
                            report("CALM", clock, 47.0, 26.0)]).json()
    assert answer["taken"] == 1
    (refused,) = answer["refused"]
    assert (refused["index"], refused["id"]) == (0, "JUMP")
    assert "impossible speed" in refused["reason"]
    with service.as_user("monitor") as client:
        jump = next(t for t in client.get("/v1/tracks").json()["items"] if t["id"] == "JUMP")
    assert jump["lat"] == 47.0


def test_incursion_into_an_agreement_zone(service: Service, clock: Clock) -> None:
    # heading east at 1,000 m towards the line of contact near Zaporizhzhia (no-fly zone)
    assert post(service, [report("INTO", clock, 47.55, 35.3, trk=90.0, gs=250.0,
                                 alt=1000.0)]).status_code == 200
    with service.as_user("analyst") as client:
        found = client.get("/v1/tracks/incursions", params={"lookahead_s": 600}).json()
    hits = [i for i in found["items"] if i["track_id"] == "INTO"]
    assert "settlement-2025-12-15/nfz-line" in {i["constraint_id"] for i in hits}


def test_stale_tracks_expire(service: Service, clock: Clock) -> None:
    assert post(service, [report("BRIEF", clock, 46.0, 30.0)]).status_code == 200
    assert "BRIEF" in held_ids(service)
    clock.at += timedelta(seconds=301)
    try:
        assert held_ids(service) == []  # every track of this module is older now
    finally:
        clock.at -= timedelta(seconds=301)


def test_a_full_picture_refuses_new_tracks_but_takes_known_ones(
        service: Service, clock: Clock) -> None:
    services = service.app.state.services
    small = dataclasses.replace(services, tracks=LivePicture(max_tracks=2))
    service.app.state.services = small
    try:
        assert post(service, [report("F1", clock, 45.0, 30.0),
                              report("F2", clock, 45.0, 30.1)]).status_code == 200
        full = post(service, [report("F1", clock, 45.0, 30.0), report("F3", clock, 45, 30.2)])
        assert full.status_code == 409
        assert "at most 2" in full.json()["detail"]
        assert held_ids(service) == ["F1", "F2"]
        assert post(service, [report("F2", clock, 45.0, 30.1)]).status_code == 200
    finally:
        service.app.state.services = services


def test_paging_over_the_picture(service: Service, clock: Clock) -> None:
    post(service, [report(f"PAGE{k}", clock, 44.0, 31.0 + k) for k in range(3)])
    with service.as_user("admin") as client:
        first = client.get("/v1/tracks", params={"limit": 2}).json()
        rest = client.get("/v1/tracks", params={"limit": 1000, "after": first["next"]}).json()
    ids = [t["id"] for t in first["items"] + rest["items"]]
    assert ids == sorted(ids)
    assert {"PAGE0", "PAGE1", "PAGE2"} <= set(ids)
    assert rest["next"] is None


def test_parties_and_the_public_see_no_tracks(service: Service, clock: Clock) -> None:
    for user in ("party_liaison", "public"):
        with service.as_user(user) as client:
            assert client.get("/v1/tracks").status_code == 403
            assert client.get("/v1/tracks/conflicts").status_code == 403
        assert post(service, [report("X", clock, 44.0, 31.0)], user).status_code == 403


def test_the_picture_bounds_itself_without_a_service() -> None:
    picture = LivePicture(max_tracks=1, stale_s=60.0)
    state = TrackState("A", 1000.0, 48.0, 30.0, 1000.0, 0.0, 100.0, 0.0)
    assert picture.take([state], "Mission", now=1000.0).held == 1
    later = TrackState("B", 1100.0, 48.0, 30.0, 1000.0, 0.0, 100.0, 0.0)
    taken = picture.take([later], "Mission", now=1100.0)  # A is stale by now: room for B
    assert (taken.expired, taken.held) == (1, 1)
    assert [h.track.state.id for h in picture.held(1100.0)] == ["B"]
