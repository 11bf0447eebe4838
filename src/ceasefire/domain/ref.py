"""References between records: which kind of record, and which one.

A finding is about an observation or an incident; a workflow transition moves a record of any
kind from one state to the next. One reference type serves both, so the store, the ledger and
the coming API name records the same way everywhere (``observation/airforce:…``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RecordKind(StrEnum):
    """Every kind of record the system keeps (and commits to the evidence ledger)."""

    OBSERVATION = "observation"
    FINDING = "finding"
    INCIDENT = "incident"
    TRANSITION = "transition"
    REPORT = "report"
    AUDIT = "audit"
    CLOCK = "clock"
    MESSAGE = "message"
    INTENT = "intent"
    COMMITMENT = "commitment"


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record named by kind and id; its text form ``kind/id`` is how logs and URLs show it."""

    kind: RecordKind
    id: str

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError(f"a {self.kind} reference needs an id")

    def __str__(self) -> str:
        return f"{self.kind}/{self.id}"
