"""Every problem in an agreement file, reported at once as `Problem`s (file, path, reason)."""

from __future__ import annotations

from collections.abc import Sequence

from ceasefire.domain.errors import InvalidInputError, Problem


class AgreementError(InvalidInputError):
    """The agreement did not load; `problems` lists every reason, not just the first.

    Invalid input rather than a failed check: the fix is always to edit the file and load it
    again, so the service answers 422 and the CLI exits 4 (`agreement check` alone exits 1).
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        sources = sorted({p.source for p in problems})
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        super().__init__(f"agreement {', '.join(sources)} did not load ({count})", problems)
