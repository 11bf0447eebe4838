"""Totals of findings by verdict: counts and the launched/destroyed sums reports quote.

Besides the counts, each verdict's totals say how many of its findings rest on weaker ground
(a regional shoot-down tally, a row dated only by day or more coarsely) and, for
`not_covered`, how many are supporting evidence of another row's act (`coverage.count_once`):
those are counted there, never here, so `launched` counts every launch once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ceasefire.assess.coverage import is_supporting
from ceasefire.domain import Finding, Observation, ReportKind, TimePrecision, Verdict

#: Precisions that date an observation no finer than its day.
DAY_OR_COARSER = frozenset(
    {TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH, TimePrecision.YEAR}
)


@dataclass(slots=True)
class VerdictTotals:
    findings: int = 0
    """Findings with this verdict."""
    launched: int = 0
    """Sum of their `launched`; for a regional tally that is the count its command reported in
    its region (mostly what it shot down): a lower bound of what was launched."""
    destroyed: int = 0
    """Sum of their `destroyed`."""
    by_source: dict[str, int] = field(default_factory=dict)
    """Findings per source feed."""
    regional_tally: int = 0
    """Findings that rest on a regional air command's tally."""
    day_precision: int = 0
    """Findings whose observation is dated only by day (or more coarsely)."""
    supporting: int = 0
    """Findings that are supporting evidence of another row (only ever `not_covered`)."""

    def add(self, observation: Observation, finding: Finding | None = None) -> None:
        self.findings += 1
        self.launched += observation.launched or 0
        self.destroyed += observation.destroyed or 0
        self.by_source[observation.source] = self.by_source.get(observation.source, 0) + 1
        self.regional_tally += observation.report_kind is ReportKind.REGIONAL_TALLY
        self.day_precision += observation.interval.precision in DAY_OR_COARSER
        self.supporting += finding is not None and is_supporting(finding)

    def as_dict(self) -> dict[str, object]:
        return {
            "findings": self.findings,
            "launched": self.launched,
            "destroyed": self.destroyed,
            "by_source": dict(sorted(self.by_source.items())),
            "regional_tally": self.regional_tally,
            "day_precision": self.day_precision,
            "supporting": self.supporting,
        }


@dataclass(slots=True)
class Summary:
    totals: dict[Verdict, VerdictTotals]

    def as_dict(self) -> dict[str, object]:
        return {str(v): self.totals[v].as_dict() for v in Verdict}


def summarise(findings: Iterable[Finding], observations: Mapping[str, Observation]) -> Summary:
    totals = {v: VerdictTotals() for v in Verdict}
    for finding in findings:
        totals[finding.verdict].add(observations[finding.subject.id], finding)
    return Summary(totals)
