"""Which ledger entries a caller may have proven to it (pure).

The ledger's checkpoints and consistency proofs are hashes of the whole log: they reveal no
record, so every authenticated role gets them (that is how parties that distrust the mission
check it never rewrote history). Proofs about one record are different: asking for the
inclusion proof of a record id confirms that the record exists, and a bundle carries the
record's full bytes. The rule, by role:

- mission roles (admin, monitor, analyst, reviewer): every entry;
- every role: published reports (their records, inclusion proofs and bundles), since a report
  is public once it is published and its record holds only its title, period and digest;
- ``party_liaison``: versions of incidents that are verified now, and observations its own
  organisation submitted first;
- ``operations_planner``: versions of incidents that are verified now;
- ``public``: inclusion proofs (hashes only) of versions of incidents that are verified now,
  and no bundle at all, because a bundle's record holds the exact place and the reasoning the
  public is shown only generalised.

Everything else answers 404, exactly like an id the ledger does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from ceasefire.api.roles import Principal, Role
from ceasefire.domain import IncidentState, RecordKind
from ceasefire.domain.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What the rule needs to know about one ledger entry, looked up by the route."""

    kind: RecordKind | None
    incident_state: IncidentState | None = None
    """The incident's current state, for an incident entry."""
    reporter: str | None = None
    """The organisation that first submitted it, for an observation entry."""


def split_ledger_id(ledger_id: str) -> tuple[RecordKind | None, str]:
    """``kind/id/digest`` -> (kind, id); (None, "") for anything else (the audit log's own
    entries and records of unknown shape are visible to the mission only)."""
    head, _, rest = ledger_id.partition("/")
    record_id, _, digest = rest.rpartition("/")
    try:
        kind = RecordKind(head)
    except ValueError:
        return None, ""
    if not record_id or not digest:
        return None, ""
    return kind, record_id


def may_prove(principal: Principal, facts: EntryFacts, *, bundle: bool) -> bool:
    """True when `principal` may have this entry proven (an inclusion proof, or with `bundle`
    the evidence bundle holding its bytes)."""
    if principal.in_mission or facts.kind is RecordKind.REPORT:
        return True
    verified_incident = (facts.kind is RecordKind.INCIDENT
                         and facts.incident_state is IncidentState.VERIFIED)
    if principal.role is Role.PUBLIC:
        return verified_incident and not bundle
    if verified_incident:
        return True
    return (principal.role is Role.PARTY_LIAISON and facts.kind is RecordKind.OBSERVATION
            and facts.reporter == principal.organisation)


def hidden(ledger_id: str) -> NotFoundError:
    return NotFoundError(f"no ledger entry {ledger_id[:200]!r} visible to the caller")
