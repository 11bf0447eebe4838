"""Audit entries for the service's requests, appended to the store (and so to its ledger).

Why before answering: an access that was served but not recorded would make the record of who
saw what unreliable, so a read of restricted data is written to the ledger first and served
only once that append succeeded; when the store refuses the append, the request fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from ceasefire.api.roles import Principal
from ceasefire.domain import AuditEntry, AuditOutcome
from ceasefire.domain.errors import CeasefireError, ForbiddenError
from ceasefire.store import Store


def entry(
    principal: Principal, action: str, target: str, outcome: AuditOutcome, at: datetime,
    detail: str = "",
) -> AuditEntry:
    """One audit record; the id is random, so two identical requests are two entries."""
    who = f"org={principal.organisation} role={principal.role} token={principal.token_id}"
    return AuditEntry(
        id=f"aud-{uuid.uuid4().hex}",
        at=at,
        actor=principal.user,
        action=action,
        target=target,
        outcome=outcome,
        detail=f"{who}; {detail}" if detail else who,
    )


class Auditor:
    """Appends entries for one app; `now` is injected so tests can fix the time."""

    def __init__(self, store: Store, now: Callable[[], datetime]) -> None:
        self.store = store
        self.now = now

    def record(
        self, principal: Principal, action: str, target: str, outcome: AuditOutcome,
        detail: str = "",
    ) -> None:
        self.store.add_records([entry(principal, action, target, outcome, self.now(), detail)])

    def refused(
        self, principal: Principal, action: str, target: str, error: CeasefireError
    ) -> None:
        """A request refused after it was authorised: `denied` when the refusal is about who
        asks (403), `failed` otherwise (not found, conflict, invalid), with the reason."""
        outcome = AuditOutcome.DENIED if isinstance(error, ForbiddenError) else (
            AuditOutcome.FAILED)
        self.record(principal, action, target, outcome, f"{error.code}: {error.detail}"[:500])
