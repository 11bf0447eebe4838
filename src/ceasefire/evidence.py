"""Put what the pipeline keeps into the evidence ledger: observations and findings.

The store holds the working copy; the ledger commits to every version of every record, so a
party can later prove that an observation or a finding was recorded and never altered. A
record's ledger id names its kind and, for findings, a digest of the content: re-assessing with
the same result appends nothing (the ledger is idempotent), a changed result is a new record
beside the old one, never a rewrite.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ceasefire.domain import Finding, Observation
from ceasefire.ledger.canonical import canonical_json
from ceasefire.ledger.log import LeafReceipt, Ledger
from ceasefire.store.codec import finding_to_dict, observation_to_dict
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage

#: Records per ledger transaction: bounds memory on big imports without slowing hashing.
BATCH = 20_000


def observation_record(observation: Observation) -> dict[str, Any]:
    return {
        "id": f"observation/{observation.id}",
        "kind": "observation",
        "observation": observation_to_dict(observation),
    }


def finding_record(finding: Finding, agreement_sha256: str) -> dict[str, Any]:
    """A finding together with the digest of the agreement file that produced it."""
    body = {"finding": finding_to_dict(finding), "agreement_sha256": agreement_sha256}
    digest = hashlib.sha256(canonical_json(body)).hexdigest()[:16]
    return {"id": f"finding/{finding.id}/{digest}", "kind": "finding", **body}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class EvidenceLog:
    """The ledger of one deployment, opened on the same SQLite file as the store."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    @classmethod
    def open_if_initialised(cls, db: Path) -> EvidenceLog | None:
        """The ledger in `db`, or None when `ceasefire ledger init` was never run on it."""
        if not db.exists():
            return None
        ledger = Ledger(SqliteLedgerStorage(db))
        if ledger.storage.get_meta("origin") is None:
            return None
        return cls(ledger)

    def _append(self, records: Sequence[dict[str, Any]]) -> list[LeafReceipt]:
        """Commit the records not yet logged; returns receipts of the new ones only."""
        receipts: list[LeafReceipt] = []
        for start in range(0, len(records), BATCH):
            receipts += self.ledger.append_missing(records[start : start + BATCH])
        return receipts

    def record_observations(self, observations: Sequence[Observation]) -> list[LeafReceipt]:
        return self._append([observation_record(o) for o in observations])

    def record_findings(
        self, findings: Sequence[Finding], agreement_sha256: str
    ) -> list[LeafReceipt]:
        return self._append([finding_record(f, agreement_sha256) for f in findings])
