"""Submissions through the group committer, each bound to its idempotency key.

Why the key is checked and claimed in the writer thread: the writer runs one request at a
time, so two copies of one request (a client that timed out and retried) can never both be
executed; the second finds the first's answer, either among the keys already remembered or
among those of the group still being committed (`_held`), and is answered the same.

Why the keys are remembered after the group's commit, in one transaction of their own: they
live in another file than the evidence (`ceasefire.api.idempotency`), so they cannot share
the store's transaction; remembering a key only for a committed answer means a key never
stands for something that was rolled back. If the process dies between the two commits, the
retry runs again and the store counts its observations as already present: nothing doubles.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

from ceasefire.api.group_commit import GroupCommitter
from ceasefire.api.idempotency import IdempotencyKeys, Remembered
from ceasefire.domain.errors import ConflictError


class Intake:
    """Idempotent writes: `submit` runs `execute` at most once per (user, key)."""

    def __init__(
        self,
        committer: GroupCommitter,
        keys: IdempotencyKeys,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.committer = committer
        self.keys = keys
        #: The service's clock, so keys are dated as the sweep that prunes them reads time.
        self.now = now
        #: Answers of the group being committed, by (user, key); only the writer touches it.
        self._held: dict[tuple[str, str], Remembered] = {}
        committer.after_commit.append(self._settle)

    def submit(
        self, user: str, key: str, digest: str, execute: Callable[[], str]
    ) -> Future[Remembered]:
        """The first answer under (user, key) if there is one (409 if it was for another
        body); else `execute`'s JSON answer (201), once its group has committed."""

        def work() -> Remembered:
            seen = self._held.get((user, key)) or self.keys.find(user, key)
            if seen is not None:
                if seen.digest != digest:
                    raise ConflictError(
                        f"Idempotency-Key {key!r} was used for another request body; nothing"
                        " stored (use a new key for a new request)"
                    )
                return seen
            answer = Remembered(digest, 201, execute())
            self._held[(user, key)] = answer
            return answer

        return self.committer.submit(work)

    def _settle(self, committed: bool) -> None:
        held, self._held = self._held, {}
        if committed and held:
            self.keys.remember_many(held, None if self.now is None else self.now())

    def close(self) -> None:
        self.committer.close()
