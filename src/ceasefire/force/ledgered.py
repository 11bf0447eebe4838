"""Commitments into the evidence ledger: each status a pledge reached is one record.

`changes_of` is pure; `record_commitments` is the store edge. Recording is idempotent: the
same file recorded again adds nothing, and a step whose day or source was corrected in the
file supersedes the stored step (kept in history and ledger, with a transition naming who
corrected it), as a re-read source does for observations.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ceasefire.domain.commitment import CommitmentChange
from ceasefire.force.commitments import Commitment, CommitmentError
from ceasefire.store import AddResult, Store

#: Why a stored step was replaced by the file's.
CORRECTED = "commitment step re-recorded with a changed day, source or value"


def changes_of(commitments: Iterable[Commitment]) -> list[CommitmentChange]:
    """One record per step of each commitment's history, by commitment then status order.
    A value that is not whole euros is refused: the record keeps whole euros."""
    out: list[CommitmentChange] = []
    for c in commitments:
        if c.value_eur != int(c.value_eur):
            raise CommitmentError(
                f"commitment {c.id}: value_eur {c.value_eur} is not a whole number of euros"
            )
        for step in c.history:
            out.append(CommitmentChange(
                id=f"{c.id}:{step.status}", commitment_id=c.id, nation=c.nation,
                category=c.category, item=c.item, value_eur=int(c.value_eur),
                status=step.status, day=step.on, source=step.source,
            ))
    return out


def record_commitments(
    store: Store, commitments: Iterable[Commitment], *, actor: str, at: datetime
) -> AddResult:
    """Store and ledger every step not stored yet; corrected steps supersede."""
    return store.add_or_correct(changes_of(commitments), actor=actor, reason=CORRECTED, at=at)
