"""What an import produced: observations, and every row it could not (fully) use."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ceasefire.domain import Observation


class Severity(StrEnum):
    ERROR = "error"  # the row was skipped
    WARNING = "warning"  # the row loaded, but something about it is doubtful


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One row's problem, named so that a person can find the row and fix the source."""

    path: str
    line: int
    reason: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    source: str
    path: str
    observations: list[Observation] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    _first_line: dict[str, int] = field(default_factory=dict, repr=False)

    def repeats(self, key: str, line: int, what: str) -> bool:
        """True (and a warning) if `key` was already read: sources repeat rows; keep the first."""
        first = self._first_line.setdefault(key, line)
        if first == line:
            return False
        reason = f"{what} repeats line {first}; kept once"
        self.issues.append(RowIssue(self.path, line, reason, Severity.WARNING))
        return True

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]
