"""Audit entries for the service's requests, appended to the store (and so to its ledger).

Why before answering: an access that was served but not recorded would make the record of who
saw what unreliable, so a read of restricted data is written to the ledger first and served
only once that append succeeded; when the store refuses the append, the request fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from ceasefire.api.group_commit import GroupCommitter
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
    """Appends entries for one app; `now` is injected so tests can fix the time.

    With a `GroupCommitter`, an entry recorded outside any unit of work (a read's) is written
    by its writer, in its next group, and `record` returns once that group has committed:
    under load a read then waits its turn in the writer's queue, in order, instead of racing
    the writer for the store's lock (which is not fair, so a read could lose many times in a
    row). Inside a unit of work (the writer's own, or a route's) the entry joins it directly:
    waiting for the writer there would wait for a lock this thread holds."""

    def __init__(
        self, store: Store, now: Callable[[], datetime], committer: GroupCommitter | None = None
    ) -> None:
        self.store = store
        self.now = now
        self.committer = committer

    def record(
        self, principal: Principal, action: str, target: str, outcome: AuditOutcome,
        detail: str = "",
    ) -> None:
        entries = [entry(principal, action, target, outcome, self.now(), detail)]
        committer = self.committer
        if committer is None or committer.closed or self.store.in_unit_of_work():
            self.store.add_records(entries)
            return
        committer.submit(lambda: self.store.add_records(entries)).result()

    def refused(
        self, principal: Principal, action: str, target: str, error: CeasefireError
    ) -> None:
        """A request refused after it was authorised: `denied` when the refusal is about who
        asks (403), `failed` otherwise (not found, conflict, invalid), with the reason."""
        outcome = AuditOutcome.DENIED if isinstance(error, ForbiddenError) else (
            AuditOutcome.FAILED)
        self.record(principal, action, target, outcome, f"{error.code}: {error.detail}"[:500])
