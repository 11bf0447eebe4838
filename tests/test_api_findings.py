"""Findings over real HTTP (issue 11): the mission sees every finding of an agreement, a
party's liaison only those about its own submissions (or verified incidents), other roles
none; paging walks the store's findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api_helpers import UA, Service, running_service
from ceasefire.domain import Finding, IncidentState, RecordKind, RecordRef, Verdict
from ceasefire.paths import shipped_agreements
from ceasefire.pipeline import assess_stored


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Seed rows submitted by the UA liaison, assessed against the first shipped agreement."""
    with running_service(tmp_path_factory.mktemp("findings"), reported_by=UA) as running:
        assess_stored(running.store, shipped_agreements()[0])
        yield running


def _agreement(service: Service) -> str:
    return service.app.state.services.agreements[0].id  # type: ignore[no-any-return]


def _all(service: Service, user: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    query: dict[str, Any] = {"agreement": _agreement(service), **params}
    with service.as_user(user) as client:
        while True:
            answer = client.get("/v1/findings", params=query)
            assert answer.status_code == 200, answer.text
            found.extend(answer.json()["items"])
            if answer.json()["next"] is None:
                return found
            query["after"] = answer.json()["next"]


def test_the_mission_sees_every_finding_page_by_page(service: Service) -> None:
    stored = service.store.findings(_agreement(service))
    assert stored
    for user in ("admin", "analyst"):
        seen = _all(service, user, limit=2)
        assert [f["id"] for f in seen] == [f.id for f in stored]
    assert {f["subject"].split("/")[0] for f in seen} == {"observation"}


def test_a_party_sees_findings_about_its_own_submissions(service: Service) -> None:
    ours = _all(service, "party_liaison")
    theirs = _all(service, "ru_liaison")
    assert len(ours) == len(service.store.findings(_agreement(service)))
    assert theirs == []
    for user in ("operations_planner", "public"):
        with service.as_user(user) as client:
            answer = client.get("/v1/findings", params={"agreement": _agreement(service)})
        assert answer.status_code == 403


def test_an_unknown_agreement_is_not_found(service: Service) -> None:
    with service.as_user("reviewer") as reviewer:
        answer = reviewer.get("/v1/findings", params={"agreement": "no-such-truce"})
        missing = reviewer.get("/v1/findings")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["field"] == "agreement"


def test_a_party_sees_findings_about_verified_incidents_only(service: Service) -> None:
    agreement = _agreement(service)
    states = service.states()
    verified = next(i for i, s in states.items() if s is IncidentState.VERIFIED)
    reported = next(i for i, s in states.items() if s is IncidentState.REPORTED)
    made = [Finding(f"{agreement}:{i}", agreement, RecordRef(RecordKind.INCIDENT, i),
                    Verdict.POSSIBLE, ("scope",), "probe", 0.5) for i in (verified, reported)]
    service.store.replace_findings(agreement, made, RecordKind.INCIDENT)
    try:
        seen = _all(service, "ru_liaison")  # submitted nothing: sees the verified incident's
        assert [f["subject"] for f in seen] == [f"incident/{verified}"]
        mission = {f["subject"] for f in _all(service, "analyst", verdict="possible")}
        assert {f"incident/{verified}", f"incident/{reported}"} <= mission
    finally:
        service.store.replace_findings(agreement, [], RecordKind.INCIDENT)
