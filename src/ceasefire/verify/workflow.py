"""The verification workflow: who may move an incident from which state to which, and why.

An incident's record holds the evidence; what people decided about it is a chain of
transitions, each naming the actor, the organisation, the time, the reason and the evidence
relied on, so a party can replay every decision from the ledger alone. `decide` is the one
gate: it checks a request against the rules below and the replayed history and returns the
transition to record, or raises an error that names the incident and the rule.

The rules (docs/verification.md has the diagram):

- ``reported -> corroborated``: the pipeline (role ``system``) or an analyst, when a second
  independent source reports the incident. Corroboration is a fact about sources, not a
  judgement, so it needs no reviewer.
- ``reported | corroborated -> unverifiable | dismissed``: a reviewer. A single-source report
  can be found false or undecidable without waiting for a second source.
- ``corroborated -> verified``: a reviewer. "Verified" promises two independent sources and an
  independent reviewer; a mission's own patrol report enters as an observation first.
- ``unverifiable | dismissed -> reported | corroborated`` (reopening): a reviewer, with a reason
  and at least one piece of new evidence. A mission must be able to take up a closed case
  when new evidence arrives; the reopened incident waits in the queue again and must be
  decided anew, by a reviewer independent of its reporters.
- ``verified`` is final here: verifying a violation notifies the parties and starts their
  response clocks, and withdrawing that is a correction of the record with its own process,
  not a move in this workflow.

Reviewer independence: nobody decides (verifies, finds unverifiable, dismisses) an incident
that their own organisation or their own party reported. All three decisions close the
question and take the incident out of the queue, so all three are barred, not only
"verified": a reporter closing its own report in any direction is not independent review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from ceasefire.domain import IncidentState, RecordKind, RecordRef, Side, Transition
from ceasefire.domain.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
)
from ceasefire.domain.incident import DECIDED_STATES
from ceasefire.verify.moments import as_utc, refused

#: Evidence entries starting with this name the agreement clause a verified incident
#: violates; `clocks.start_clocks` starts response clocks only for such a verification.
CLAUSE_PREFIX = "clause:"


class Role(StrEnum):
    """What an actor does in the workflow; each move names the roles that may make it."""

    SYSTEM = "system"
    """The pipeline itself (fusion corroborating an incident)."""
    ANALYST = "analyst"
    """A mission analyst: prepares incidents, may record corroboration."""
    REVIEWER = "reviewer"
    """Decides incidents; must be independent of every reporter."""


_R, _C = IncidentState.REPORTED, IncidentState.CORROBORATED
_V, _U, _D = IncidentState.VERIFIED, IncidentState.UNVERIFIABLE, IncidentState.DISMISSED
_REVIEWER = frozenset({Role.REVIEWER})

#: Every legal move and the roles that may make it; any other move is a conflict.
MOVES: Mapping[tuple[IncidentState, IncidentState], frozenset[Role]] = MappingProxyType(
    {
        (_R, _C): frozenset({Role.SYSTEM, Role.ANALYST}),
        (_R, _U): _REVIEWER,
        (_R, _D): _REVIEWER,
        (_C, _V): _REVIEWER,
        (_C, _U): _REVIEWER,
        (_C, _D): _REVIEWER,
        (_U, _R): _REVIEWER,
        (_U, _C): _REVIEWER,
        (_D, _R): _REVIEWER,
        (_D, _C): _REVIEWER,
    }
)

#: Moves out of a decided state: they need new evidence, not only a reason.
REOPENING: frozenset[tuple[IncidentState, IncidentState]] = frozenset(
    move for move in MOVES if move[0] in DECIDED_STATES
)


@dataclass(frozen=True, slots=True)
class TransitionRequest:
    """Someone asks to move an incident to `to_state`; `decide` says whether they may."""

    incident_id: str
    to_state: IncidentState
    actor: str
    organisation: str
    role: str
    """A `Role` value: ``system``, ``analyst`` or ``reviewer``."""
    reason: str
    evidence: tuple[str, ...]
    at: datetime
    """When the decision was made; any time zone, converted to UTC."""
    violation_clause: str | None = None
    """Set when a reviewer verifies the incident *as a violation* of this agreement clause;
    it is recorded as the evidence entry ``clause:<id>`` and starts the response clocks."""
    party: Side | None = None
    """The party the actor belongs to, when it belongs to one (a party's liaison office);
    independence is checked against it as well as against the organisation."""


def incident_ref(incident_id: str) -> RecordRef:
    return RecordRef(RecordKind.INCIDENT, incident_id)


def transition_id(incident_id: str, sequence: int, to_state: IncidentState) -> str:
    """Deterministic: the same decision at the same place in the history has the same id, so
    recording it twice adds nothing and two different decisions cannot share an id."""
    return f"{incident_id}:{sequence}:{to_state}"


def _history_error(subject: str, transition: Transition, reason: str) -> InvalidInputError:
    return refused(f"history of {subject}", reason, pointer=f"transition {transition.id}")


def state_of(history: Sequence[Transition]) -> IncidentState:
    """The incident's state after replaying its transitions in order (none: reported).

    The history must be one chain about one incident: each transition starts where the one
    before ended and makes a legal move. A broken chain is refused naming the transition,
    because a state computed from it would be a guess.
    """
    state = IncidentState.REPORTED
    if not history:
        return state
    subject = history[0].subject
    for transition in history:
        if transition.subject != subject or subject.kind is not RecordKind.INCIDENT:
            raise _history_error(
                str(subject), transition, f"is about {transition.subject}, not {subject}"
            )
        if transition.from_state != state:
            raise _history_error(
                str(subject),
                transition,
                f"starts from {transition.from_state!r} but the incident was {state}",
            )
        try:
            target = IncidentState(transition.to_state)
        except ValueError:
            raise _history_error(
                str(subject), transition, f"unknown state {transition.to_state!r}"
            ) from None
        if (state, target) not in MOVES:
            raise _history_error(str(subject), transition, f"illegal move {state} -> {target}")
        state = target
    return state


def _invalid(request: TransitionRequest, field: str, reason: str) -> InvalidInputError:
    source = f"transition request for incident/{request.incident_id}"
    return refused(source, reason, field=field)


def _role(request: TransitionRequest) -> Role:
    try:
        return Role(request.role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise _invalid(request, "role", f"unknown role {request.role!r} (one of {known})") from None


def _evidence(
    request: TransitionRequest, to_state: IncidentState, reopening: bool
) -> tuple[str, ...]:
    """The evidence to record: the request's, checked, plus ``clause:<id>`` for a violation."""
    for item in request.evidence:
        if not item.strip():
            raise _invalid(request, "evidence", "an evidence entry is empty")
        if item.startswith(CLAUSE_PREFIX):
            raise _invalid(
                request,
                "evidence",
                f"{item!r}: entries starting with {CLAUSE_PREFIX!r} are made from "
                "violation_clause, never given directly",
            )
    if reopening and not request.evidence:
        raise _invalid(request, "evidence", "reopening a decided incident needs new evidence")
    clause = request.violation_clause
    if clause is None:
        return tuple(request.evidence)
    if to_state is not IncidentState.VERIFIED:
        raise _invalid(
            request,
            "violation_clause",
            f"a violation is named only when verifying, not when moving to {to_state}",
        )
    if not clause.strip():
        raise _invalid(request, "violation_clause", "the clause id is empty")
    return (*request.evidence, f"{CLAUSE_PREFIX}{clause.strip()}")


def _check_independence(
    request: TransitionRequest, to_state: IncidentState, reporters: frozenset[str]
) -> None:
    if not request.organisation.strip():
        raise _invalid(
            request,
            "organisation",
            "a reviewer must name their organisation: independence is checked against it",
        )
    ref = incident_ref(request.incident_id)
    if request.organisation in reporters:
        raise ForbiddenError(
            f"{ref}: reviewer {request.actor} may not decide it ({to_state}): "
            f"their organisation {request.organisation} reported it"
        )
    party = request.party
    if party in (Side.RU, Side.UA) and str(party) in reporters:
        raise ForbiddenError(
            f"{ref}: reviewer {request.actor} may not decide it ({to_state}): "
            f"their party {party} reported it"
        )


def decide(
    request: TransitionRequest, history: Sequence[Transition], reporters: frozenset[str]
) -> Transition:
    """The transition that records `request`, or an error saying which rule refuses it.

    `history` is the incident's transitions so far, in order; `reporters` are the
    organisations and parties that reported its observations (`Observation.reported_by`,
    and a party's side where the party itself reported). Errors: `InvalidInputError` for a
    malformed request or history, `ConflictError` for a move the current state does not
    allow, `ForbiddenError` when this actor may not make the move.
    """
    if not request.incident_id:
        raise _invalid(request, "incident_id", "the incident id is empty")
    ref = incident_ref(request.incident_id)
    try:
        to_state = IncidentState(request.to_state)
    except ValueError:
        known = ", ".join(s.value for s in IncidentState)
        reason = f"unknown state {request.to_state!r} (one of {known})"
        raise _invalid(request, "to_state", reason) from None
    if not request.actor.strip():
        raise _invalid(request, "actor", "who makes the change must be named")
    role = _role(request)
    if not request.reason.strip():
        raise _invalid(request, "reason", "the reason is empty; say why")
    at = as_utc(request.at, f"transition request for {ref}", "at")
    current = state_of(history)
    if history and history[0].subject != ref:
        raise _history_error(str(ref), history[0], f"is about {history[0].subject}, not {ref}")
    move = (current, to_state)
    allowed = MOVES.get(move)
    if allowed is None:
        final = " (verified is final)" if current is IncidentState.VERIFIED else ""
        raise ConflictError(
            f"{ref}: cannot move from {current} to {to_state}{final}"
        )
    if role not in allowed:
        who = " or ".join(sorted(r.value for r in allowed))
        raise ForbiddenError(
            f"{ref}: {to_state} from {current} is for {who}, "
            f"not {request.actor} acting as {role}"
        )
    if role is not Role.SYSTEM and not request.organisation.strip():
        raise _invalid(request, "organisation", f"the {role} must name their organisation")
    if to_state in DECIDED_STATES:
        _check_independence(request, to_state, reporters)
    evidence = _evidence(request, to_state, move in REOPENING)
    if history and at < history[-1].at:
        raise ConflictError(
            f"{ref}: the request is dated {at.isoformat()}, before the last transition "
            f"{history[-1].id} at {history[-1].at.isoformat()}"
        )
    return Transition(
        id=transition_id(request.incident_id, len(history) + 1, to_state),
        subject=ref,
        from_state=str(current),
        to_state=str(to_state),
        at=at,
        actor=request.actor,
        reason=request.reason.strip(),
        organisation=request.organisation,
        evidence=evidence,
    )
