"""What an import produced: observations, and every row it could not (fully) use."""

from __future__ import annotations

from dataclasses import dataclass, field

from ceasefire.domain import Observation
from ceasefire.domain.errors import Problem, Severity


@dataclass(slots=True)
class IngestReport:
    source: str
    path: str
    observations: list[Observation] = field(default_factory=list)
    issues: list[Problem] = field(default_factory=list)
    _first_line: dict[str, int] = field(default_factory=dict, repr=False)

    def repeats(self, key: str, line: int, what: str) -> bool:
        """True (and a warning) if `key` was already read: sources repeat rows; keep the first."""
        first = self._first_line.setdefault(key, line)
        if first == line:
            return False
        reason = f"{what} repeats line {first}; kept once"
        self.issues.append(Problem(self.path, reason, line=line, severity=Severity.WARNING))
        return True

    @property
    def errors(self) -> list[Problem]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [i for i in self.issues if i.severity is Severity.WARNING]
