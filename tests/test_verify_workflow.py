"""The verification workflow: every legal move by its roles, every illegal move refused, reviewer
independence, reasons, reopening, and the history a decision is replayed from."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ceasefire.domain import IncidentState, RecordKind, RecordRef, Side, Transition
from ceasefire.domain.errors import ConflictError, ForbiddenError, InvalidInputError
from ceasefire.verify.workflow import (
    MOVES,
    REOPENING,
    Role,
    TransitionRequest,
    decide,
    state_of,
)

S = IncidentState
T0 = datetime(2025, 5, 9, 8, 0, tzinfo=UTC)
REPORTERS = frozenset({"ua-liaison", "UA"})


def request(
    to_state: IncidentState,
    role: Role = Role.REVIEWER,
    organisation: str = "mission-hq",
    at: datetime = T0,
    **changes: object,
) -> TransitionRequest:
    base = TransitionRequest(
        incident_id="inc-1",
        to_state=to_state,
        actor=f"{role}-1",
        organisation=organisation,
        role=role,
        reason="two independent sources and a site photo agree",
        evidence=("observation/bellingcat:1", "observation/cir:2"),
        at=at,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def history_to(state: IncidentState) -> list[Transition]:
    """A legal history ending in `state`, made by `decide` itself, an hour per step."""
    paths: dict[IncidentState, list[tuple[IncidentState, Role]]] = {
        S.REPORTED: [],
        S.CORROBORATED: [(S.CORROBORATED, Role.SYSTEM)],
        S.VERIFIED: [(S.CORROBORATED, Role.SYSTEM), (S.VERIFIED, Role.REVIEWER)],
        S.UNVERIFIABLE: [(S.UNVERIFIABLE, Role.REVIEWER)],
        S.DISMISSED: [(S.DISMISSED, Role.REVIEWER)],
    }
    history: list[Transition] = []
    for step, (target, role) in enumerate(paths[state]):
        org = "" if role is Role.SYSTEM else "mission-hq"
        at = T0 + timedelta(hours=step)
        history.append(decide(request(target, role, org, at), history, REPORTERS))
    return history


def later(history: list[Transition]) -> datetime:
    return T0 + timedelta(hours=len(history) + 1)


# -- state replay --------------------------------------------------------------------------


def test_no_history_is_reported() -> None:
    assert state_of([]) is S.REPORTED


@pytest.mark.parametrize("state", list(S))
def test_replay_ends_where_the_history_ends(state: IncidentState) -> None:
    assert state_of(history_to(state)) is state


# -- every legal move, by each role that may make it -----------------------------------------


LEGAL = [(move, role) for move, roles in sorted(MOVES.items()) for role in sorted(roles)]


@pytest.mark.parametrize(("move", "role"), LEGAL)
def test_legal_move_is_recorded_with_who_when_why_and_evidence(
    move: tuple[IncidentState, IncidentState], role: Role
) -> None:
    before, after = move
    history = history_to(before)
    org = "" if role is Role.SYSTEM else "osce-team-3"
    t = decide(request(after, role, org, later(history)), history, REPORTERS)
    assert (t.from_state, t.to_state) == (before.value, after.value)
    assert t.subject == RecordRef(RecordKind.INCIDENT, "inc-1")
    assert t.actor == f"{role}-1"
    assert t.organisation == org
    assert t.reason == "two independent sources and a site photo agree"
    assert t.evidence == ("observation/bellingcat:1", "observation/cir:2")
    assert t.id == f"inc-1:{len(history) + 1}:{after}"
    assert state_of([*history, t]) is after


ILLEGAL = [m for m in itertools.product(S, S) if m not in MOVES]


@pytest.mark.parametrize("move", ILLEGAL)
def test_illegal_move_is_a_conflict_naming_from_and_to(
    move: tuple[IncidentState, IncidentState],
) -> None:
    before, after = move
    history = history_to(before)
    with pytest.raises(ConflictError, match=f"from {before} to {after}"):
        decide(request(after, at=later(history)), history, REPORTERS)


def test_verified_is_final_and_says_so() -> None:
    history = history_to(S.VERIFIED)
    with pytest.raises(ConflictError, match="verified is final"):
        decide(request(S.REPORTED, at=later(history)), history, REPORTERS)


def test_there_are_illegal_moves_from_every_state() -> None:
    assert {before for before, _ in ILLEGAL} == set(S)
    assert (S.VERIFIED, S.CORROBORATED) in ILLEGAL
    assert (S.REPORTED, S.VERIFIED) in ILLEGAL  # verification needs corroboration first


# -- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "role"),
    [
        (S.CORROBORATED, S.VERIFIED, Role.ANALYST),
        (S.CORROBORATED, S.VERIFIED, Role.SYSTEM),
        (S.REPORTED, S.DISMISSED, Role.ANALYST),
        (S.CORROBORATED, S.UNVERIFIABLE, Role.SYSTEM),
        (S.REPORTED, S.CORROBORATED, Role.REVIEWER),
        (S.DISMISSED, S.REPORTED, Role.ANALYST),
    ],
)
def test_a_role_not_allowed_the_move_is_forbidden(
    before: IncidentState, after: IncidentState, role: Role
) -> None:
    history = history_to(before)
    with pytest.raises(ForbiddenError, match=f"not {role}-1 acting as {role}"):
        decide(request(after, role, at=later(history)), history, REPORTERS)


def test_unknown_role_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInputError, match="role: unknown role 'boss'") as caught:
        decide(request(S.DISMISSED, role="boss"), [], REPORTERS)  # type: ignore[arg-type]
    assert caught.value.problems[0].field == "role"
    assert caught.value.problems[0].source == "transition request for incident/inc-1"


def test_role_and_state_may_be_given_as_text() -> None:
    history = history_to(S.CORROBORATED)
    t = decide(
        request("verified", "reviewer", at=later(history)),  # type: ignore[arg-type]
        history,
        REPORTERS,
    )
    assert t.to_state == "verified"


# -- reviewer independence -------------------------------------------------------------------


DECISIONS = [(S.CORROBORATED, S.VERIFIED), (S.CORROBORATED, S.DISMISSED),
             (S.CORROBORATED, S.UNVERIFIABLE), (S.REPORTED, S.DISMISSED)]


@pytest.mark.parametrize(("before", "after"), DECISIONS)
def test_reviewer_of_a_reporting_organisation_may_not_decide(
    before: IncidentState, after: IncidentState
) -> None:
    history = history_to(before)
    with pytest.raises(ForbiddenError, match="their organisation ua-liaison reported it"):
        decide(request(after, organisation="ua-liaison", at=later(history)), history, REPORTERS)


@pytest.mark.parametrize(("before", "after"), DECISIONS)
def test_reviewer_of_a_reporting_party_may_not_decide(
    before: IncidentState, after: IncidentState
) -> None:
    history = history_to(before)
    mine = request(after, organisation="ua-mod-office", at=later(history), party=Side.UA)
    with pytest.raises(ForbiddenError, match="their party UA reported it"):
        decide(mine, history, REPORTERS)


def test_reviewer_of_the_other_party_or_the_mission_may_decide() -> None:
    history = history_to(S.CORROBORATED)
    for party in (Side.RU, Side.MISSION, None):
        r = request(S.VERIFIED, organisation="ru-liaison", at=later(history), party=party)
        assert decide(r, history, REPORTERS).to_state == "verified"


def test_forbidden_error_has_its_own_code_exit_and_http_status() -> None:
    history = history_to(S.CORROBORATED)
    with pytest.raises(ForbiddenError) as caught:
        decide(request(S.VERIFIED, organisation="ua-liaison", at=later(history)), history,
               REPORTERS)
    assert (str(caught.value.code), caught.value.exit_code, caught.value.http_status) == (
        "forbidden", 8, 403
    )


def test_reviewer_without_organisation_cannot_be_checked_and_is_refused() -> None:
    history = history_to(S.CORROBORATED)
    with pytest.raises(InvalidInputError, match="organisation"):
        decide(request(S.VERIFIED, organisation=" ", at=later(history)), history, REPORTERS)


def test_reopening_is_not_a_decision_so_a_reporter_may_reopen() -> None:
    history = history_to(S.DISMISSED)
    r = request(S.REPORTED, organisation="ua-liaison", at=later(history),
                evidence=("observation/cir:9",), reason="new video of the impact")
    assert decide(r, history, REPORTERS).to_state == "reported"


# -- reasons and evidence -----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_empty_reason_is_refused(reason: str) -> None:
    with pytest.raises(InvalidInputError, match="reason: the reason is empty") as caught:
        decide(request(S.DISMISSED, reason=reason), [], REPORTERS)
    assert caught.value.problems[0].field == "reason"


def test_empty_actor_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="actor"):
        decide(request(S.DISMISSED, actor=""), [], REPORTERS)


@pytest.mark.parametrize("decided", [S.UNVERIFIABLE, S.DISMISSED])
@pytest.mark.parametrize("target", [S.REPORTED, S.CORROBORATED])
def test_reopening_needs_new_evidence_and_then_waits_for_a_new_decision(
    decided: IncidentState, target: IncidentState
) -> None:
    history = history_to(decided)
    bare = request(target, at=later(history), evidence=())
    with pytest.raises(InvalidInputError, match="reopening a decided incident needs new evidence"):
        decide(bare, history, REPORTERS)
    reopened = decide(replace(bare, evidence=("observation/cir:9",)), history, REPORTERS)
    history.append(reopened)
    assert state_of(history) is target
    assert (decided, target) in REOPENING
    # decided again, by an independent reviewer
    if target is S.REPORTED:
        step = request(S.CORROBORATED, Role.SYSTEM, "", at=later(history))
        history.append(decide(step, history, REPORTERS))
    final = decide(request(S.VERIFIED, at=later(history)), history, REPORTERS)
    assert final.from_state == "corroborated"


def test_violation_clause_is_recorded_as_clause_evidence() -> None:
    history = history_to(S.CORROBORATED)
    r = request(S.VERIFIED, at=later(history), violation_clause=" art-1.2 ")
    t = decide(r, history, REPORTERS)
    assert t.evidence[-1] == "clause:art-1.2"


def test_violation_clause_only_when_verifying() -> None:
    with pytest.raises(InvalidInputError, match="only when verifying, not when moving to dism"):
        decide(request(S.DISMISSED, violation_clause="art-1"), [], REPORTERS)


def test_clause_evidence_cannot_be_smuggled_in_directly() -> None:
    history = history_to(S.CORROBORATED)
    r = request(S.VERIFIED, at=later(history), evidence=("clause:art-1",))
    with pytest.raises(InvalidInputError, match="made from violation_clause"):
        decide(r, history, REPORTERS)


def test_empty_evidence_entry_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="evidence entry is empty"):
        decide(request(S.DISMISSED, evidence=("observation/x", " ")), [], REPORTERS)


# -- time -----------------------------------------------------------------------------------


def test_time_is_converted_to_utc_from_any_zone() -> None:
    kyiv = datetime(2025, 5, 9, 11, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
    t = decide(request(S.DISMISSED, at=kyiv), [], REPORTERS)
    assert t.at == datetime(2025, 5, 9, 8, 0, tzinfo=UTC)
    assert t.at.utcoffset() == timedelta(0)
    moscow = datetime(2025, 5, 9, 11, 0, tzinfo=timezone(timedelta(hours=3)))
    assert decide(request(S.DISMISSED, at=moscow), [], REPORTERS).at == t.at


def test_naive_time_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="has no time zone"):
        decide(request(S.DISMISSED, at=datetime(2025, 5, 9, 8, 0)), [], REPORTERS)


def test_a_decision_dated_before_the_last_transition_is_a_conflict() -> None:
    history = history_to(S.CORROBORATED)
    with pytest.raises(ConflictError, match="before the last transition"):
        decide(request(S.VERIFIED, at=T0 - timedelta(minutes=1)), history, REPORTERS)


# -- the history --------------------------------------------------------------------------


def test_the_same_decision_has_the_same_id_and_another_does_not() -> None:
    history = history_to(S.CORROBORATED)
    a = decide(request(S.VERIFIED, at=later(history)), history, REPORTERS)
    b = decide(request(S.VERIFIED, at=later(history)), history, REPORTERS)
    c = decide(request(S.DISMISSED, at=later(history)), history, REPORTERS)
    assert a == b
    assert a.id != c.id


def test_a_broken_chain_is_refused_naming_the_transition() -> None:
    history = history_to(S.VERIFIED)
    forged = replace(history[1], from_state="reported")
    with pytest.raises(InvalidInputError, match=f"transition {forged.id}: starts from 'reported'"):
        state_of([history[0], forged])


def test_an_illegal_move_in_the_history_is_refused() -> None:
    jump = replace(history_to(S.CORROBORATED)[0], to_state="verified")
    with pytest.raises(InvalidInputError, match="illegal move reported -> verified"):
        state_of([jump])


def test_a_history_of_another_incident_is_refused() -> None:
    history = history_to(S.CORROBORATED)
    with pytest.raises(InvalidInputError, match="is about incident/inc-1, not incident/inc-2"):
        decide(request(S.VERIFIED, at=later(history), incident_id="inc-2"), history, REPORTERS)
