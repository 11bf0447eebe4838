"""A finding: one observation (or incident) assessed against one agreement."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ceasefire.domain.ref import RecordKind, RecordRef

#: What a finding can be about: a single source's observation, or a fused incident.
ASSESSABLE_KINDS = frozenset({RecordKind.OBSERVATION, RecordKind.INCIDENT})


class Verdict(StrEnum):
    """Ordered from weakest to strongest; an assessment keeps the strongest clause's verdict."""

    NOT_COVERED = "not_covered"
    POSSIBLE = "possible"
    VIOLATION = "violation"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Verdict.NOT_COVERED: 0, Verdict.POSSIBLE: 1, Verdict.VIOLATION: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """Why an observation or incident does or does not break the agreement, and which clause
    decides.

    `clauses` lists every clause that gave the verdict, strongest first; `reason` is written
    for a human reviewer and quotes the numbers (times, distances) that led to it.
    """

    id: str
    agreement_id: str
    subject: RecordRef
    """The observation or incident assessed."""
    verdict: Verdict
    clauses: tuple[str, ...]
    reason: str
    certainty: float
    agreement_sha256: str = ""
    """Digest of the agreement file that produced the finding: the same agreement id edited is a
    different agreement, and a reviewer must be able to tell which one was applied."""

    def __post_init__(self) -> None:
        if self.subject.kind not in ASSESSABLE_KINDS:
            raise ValueError(f"finding {self.id}: a {self.subject.kind} cannot be assessed")
        if not 0.0 <= self.certainty <= 1.0:
            raise ValueError(f"finding {self.id}: certainty {self.certainty} outside [0, 1]")
