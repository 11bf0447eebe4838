"""Keep each agreement's incident findings in step with the observation findings and the
incidents they come from (the store edge of `assess.incidents`).

Why re-derived whole each time: an incident's finding depends on two things that change
apart, the assessment of its reports (`ceasefire assess`) and the reports it fuses
(`ceasefire fuse`); deriving all of them after either keeps them consistent, and the store
only writes the findings that changed (`Store.replace_findings`), so a re-run that changes
nothing adds nothing to the ledger.
"""

from __future__ import annotations

from ceasefire.assess.incidents import incident_findings
from ceasefire.domain import RecordKind
from ceasefire.store import AddResult, Store


def assess_incidents(store: Store, agreement_id: str) -> AddResult:
    """Derive and store the agreement's findings about every current incident."""
    with store.unit_of_work():
        found = incident_findings(store.incidents(), store.findings(agreement_id), agreement_id)
        return store.replace_findings(agreement_id, found, RecordKind.INCIDENT)


def assess_all_incidents(store: Store) -> dict[str, AddResult]:
    """`assess_incidents` for every agreement the store holds findings of."""
    return {a: assess_incidents(store, a) for a in store.assessed_agreements()}
