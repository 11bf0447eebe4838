"""The per-record proof rule and the submission mapping, as pure functions (issue 11)."""

from __future__ import annotations

from datetime import datetime

import pytest

from ceasefire.api.ledger_access import EntryFacts, may_prove, split_ledger_id
from ceasefire.api.roles import ROLE_ORG_KIND, Principal, Role
from ceasefire.api.submissions import (
    ObservationIn,
    first_reporters,
    request_digest,
    to_observations,
)
from ceasefire.domain import Category, IncidentState, RecordKind
from ceasefire.domain.errors import InvalidInputError


def _who(role: Role, organisation: str = "Org") -> Principal:
    return Principal("u", organisation, ROLE_ORG_KIND[role], None, role, "tok-1")


def test_ledger_ids_split_into_kind_and_record() -> None:
    assert split_ledger_id("observation/cir:UW1/abc") == (RecordKind.OBSERVATION, "cir:UW1")
    assert split_ledger_id("incident/inc-1/ff") == (RecordKind.INCIDENT, "inc-1")
    assert split_ledger_id("nonsense/x/y") == (None, "")
    assert split_ledger_id("incident/") == (None, "")


@pytest.mark.parametrize("state", list(IncidentState))
def test_only_verified_incidents_leave_the_mission(state: IncidentState) -> None:
    facts = EntryFacts(RecordKind.INCIDENT, incident_state=state)
    verified = state is IncidentState.VERIFIED
    assert may_prove(_who(Role.REVIEWER), facts, bundle=True)
    assert may_prove(_who(Role.PARTY_LIAISON), facts, bundle=True) is verified
    assert may_prove(_who(Role.OPERATIONS_PLANNER), facts, bundle=True) is verified
    assert may_prove(_who(Role.PUBLIC), facts, bundle=False) is verified
    assert not may_prove(_who(Role.PUBLIC), facts, bundle=True)


def test_a_party_proves_its_own_observations_only() -> None:
    own = EntryFacts(RecordKind.OBSERVATION, reporter="UA liaison")
    assert may_prove(_who(Role.PARTY_LIAISON, "UA liaison"), own, bundle=True)
    assert not may_prove(_who(Role.PARTY_LIAISON, "RU liaison"), own, bundle=False)
    assert not may_prove(_who(Role.OPERATIONS_PLANNER, "UA liaison"), own, bundle=False)
    assert not may_prove(_who(Role.PARTY_LIAISON), EntryFacts(RecordKind.AUDIT), bundle=False)


def _item(record: str, **changes: object) -> ObservationIn:
    fields: dict[str, object] = {
        "source": "s", "source_record_id": record, "category": Category.OTHER,
        "start": datetime.fromisoformat("2025-01-01T00:00:00+01:00"),
        "end": datetime.fromisoformat("2025-01-01T01:00:00+01:00"), "region": "south"}
    fields.update(changes)
    return ObservationIn.model_validate(fields)


def test_a_batch_maps_to_observations_in_utc_with_the_given_reporter() -> None:
    [observation] = to_observations([_item("1")], "Mission")
    assert observation.id == "s:1"
    assert observation.reported_by == "Mission"
    assert observation.interval.start.isoformat() == "2024-12-31T23:00:00+00:00"
    kept = first_reporters([observation], {"s:1": "UA liaison"})
    assert kept[0].reported_by == "UA liaison"


def test_a_repeated_row_in_one_batch_is_named() -> None:
    with pytest.raises(InvalidInputError) as refused:
        to_observations([_item("1"), _item("2"), _item("1")], "Mission")
    assert [p.pointer for p in refused.value.problems] == ["body.2.source_record_id"]


def test_the_digest_binds_media_type_and_body() -> None:
    assert request_digest("text/csv; charset=utf-8", b"a") == request_digest("Text/CSV", b"a")
    assert request_digest("text/csv", b"a") != request_digest("application/json", b"a")
    assert request_digest("text/csv", b"a") != request_digest("text/csv", b"a ")
