"""Pledges to the force and to Ukraine's armed forces: their statuses, and one status change
as the record the evidence ledger keeps.

Why each change is its own record rather than the commitment with its history: a pledge is
public when it is made, its contract and its delivery become public later and from other
sources; logging each step as it is learnt lets anyone prove *when* the ledger first held a
claimed delivery, and a correction of one step (another day, another source) supersedes that
step alone, in history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CommitmentStatus(StrEnum):
    """Progress of a pledge; the order of the members is the only allowed direction."""

    PLEDGED = "pledged"
    CONTRACTED = "contracted"
    DELIVERED = "delivered"


class CommitmentCategory(StrEnum):
    """What is pledged: a force contribution, or support for Ukraine's armed forces."""

    FORCE_CONTRIBUTION = "force_contribution"
    MILITARY = "military"
    FINANCIAL = "financial"


@dataclass(frozen=True, slots=True)
class CommitmentChange:
    """One commitment reaching one status on one day, as a ledger record."""

    id: str
    """``<commitment id>:<status>``: a commitment reaches each status once."""
    commitment_id: str
    nation: str
    category: CommitmentCategory
    item: str
    value_eur: int
    """Whole euros (the tracker's unit; a force contribution of troops is 0, counted as an
    item). Whole numbers keep the canonical bytes free of float spelling."""
    status: CommitmentStatus
    day: date
    source: str = ""
    """The public statement or document that reported this step, if given."""
