"""Schema version 1 of the commitment change (a pledge reaching a status).

Frozen like the other versions: released bodies never change. The day is an ISO date (a
status is public on a day, not at an instant); the value is whole euros.
"""

from __future__ import annotations

from datetime import date

from ceasefire.domain.commitment import CommitmentCategory, CommitmentChange, CommitmentStatus
from ceasefire.records.v1 import Body


def dump_commitment(c: CommitmentChange) -> Body:
    return {
        "id": c.id,
        "commitment_id": c.commitment_id,
        "nation": c.nation,
        "category": str(c.category),
        "item": c.item,
        "value_eur": c.value_eur,
        "status": str(c.status),
        "day": c.day.isoformat(),
        "source": c.source,
    }


def load_commitment(data: Body) -> CommitmentChange:
    return CommitmentChange(
        id=data["id"],
        commitment_id=data["commitment_id"],
        nation=data["nation"],
        category=CommitmentCategory(data["category"]),
        item=data["item"],
        value_eur=int(data["value_eur"]),
        status=CommitmentStatus(data["status"]),
        day=date.fromisoformat(data["day"]),
        source=data["source"],
    )
