"""Every problem in an agreement file, reported at once with file, path and reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AgreementIssue:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '<root>'}: {self.reason}"


class AgreementError(ValueError):
    """The agreement did not load; `issues` lists every reason, not just the first."""

    def __init__(self, issues: list[AgreementIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))
