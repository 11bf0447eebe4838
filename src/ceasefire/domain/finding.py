"""A finding: one observation (or incident) assessed against one agreement."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    """Why an observation does or does not break the agreement, with the clause that decides.

    `clauses` lists every clause that gave the verdict, strongest first; `reason` is written
    for a human reviewer and quotes the numbers (times, distances) that led to it.
    """

    id: str
    agreement_id: str
    observation_id: str
    verdict: Verdict
    clauses: tuple[str, ...]
    reason: str
    certainty: float
