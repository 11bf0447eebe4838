"""Totals of findings by verdict: counts and the launched/destroyed sums reports quote."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ceasefire.domain import Finding, Observation, Verdict


@dataclass(slots=True)
class VerdictTotals:
    findings: int = 0
    launched: int = 0
    destroyed: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    def add(self, observation: Observation) -> None:
        self.findings += 1
        self.launched += observation.launched or 0
        self.destroyed += observation.destroyed or 0
        self.by_source[observation.source] = self.by_source.get(observation.source, 0) + 1

    def as_dict(self) -> dict[str, object]:
        return {
            "findings": self.findings,
            "launched": self.launched,
            "destroyed": self.destroyed,
            "by_source": dict(sorted(self.by_source.items())),
        }


@dataclass(slots=True)
class Summary:
    totals: dict[Verdict, VerdictTotals]

    def as_dict(self) -> dict[str, object]:
        return {str(v): self.totals[v].as_dict() for v in Verdict}


def summarise(findings: Iterable[Finding], observations: Mapping[str, Observation]) -> Summary:
    totals = {v: VerdictTotals() for v in Verdict}
    for finding in findings:
        totals[finding.verdict].add(observations[finding.subject.id])
    return Summary(totals)
