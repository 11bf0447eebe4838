"""Idempotency keys: a retried submission returns the first answer and stores nothing again.

Why a small database of its own in the data directory rather than rows in the evidence
store: a key and the answer it got are bookkeeping about requests, not evidence, and they may
be pruned; the evidence store is append-only and ledgered. Keys are scoped to the user who
sent them, so two clients that happen to pick the same key never see each other's answers.

Why no request waits on a lock here: the service's single writer (`ceasefire.api.intake`)
checks and claims keys one request at a time, so two copies of one request arriving together
(a client that timed out and retried) are never both executed; the second replays the
first's answer. `lock` only keeps the one connection from being used by two threads at once.

Why WAL with ``synchronous=NORMAL``, as the store has: a key is remembered only after the
store has committed its answer, and a key lost with the last commits before a power cut only
means the retry runs again, which the store counts as already present: nothing doubles. With
the default rollback journal every remembered group cost two fsyncs, which bounded intake
(docs/benchmarks.md, "Service load").
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    user TEXT NOT NULL,
    key TEXT NOT NULL,
    digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    remembered_at REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (user, key)
);
"""
#: A keys file written before keys were dated gains the column; its old keys count as dated
#: at the epoch, so the first sweep prunes them (they are older than any retention anyway).
_DATED = "ALTER TABLE idempotency ADD COLUMN remembered_at REAL NOT NULL DEFAULT 0"


@dataclass(frozen=True, slots=True)
class Remembered:
    """The first answer given under a key, and the digest of the request that got it."""

    digest: str
    status: int
    body: str


class IdempotencyKeys:
    """The keys file; one object is shared by the server's threads (`lock` guards it)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(idempotency)")}
        if "remembered_at" not in columns:
            self._db.execute(_DATED)
        self.lock = threading.Lock()

    def find(self, user: str, key: str) -> Remembered | None:
        with self.lock:
            row = self._db.execute(
                "SELECT digest, status, body FROM idempotency WHERE user = ? AND key = ?",
                (user, key),
            ).fetchone()
        return None if row is None else Remembered(row[0], row[1], row[2])

    def remember_many(
        self, answers: Mapping[tuple[str, str], Remembered], at: datetime | None = None
    ) -> None:
        """Remember a committed group's answers, by (user, key), in one transaction, dated
        `at` (now by default) for `prune`."""
        stamp = (at or datetime.now(UTC)).timestamp()
        with self.lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO idempotency (user, key, digest, status, body, remembered_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(user, key, a.digest, a.status, a.body, stamp)
                     for (user, key), a in answers.items()],
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def prune(self, before: datetime) -> int:
        """Forget the keys remembered before `before`; returns how many. A retry that comes
        later runs again: the store counts what it already holds as present, so nothing is
        doubled, but the answer says "already present" rather than repeating the first one."""
        with self.lock:
            cursor = self._db.execute(
                "DELETE FROM idempotency WHERE remembered_at < ?", (before.timestamp(),)
            )
        return cursor.rowcount

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM idempotency").fetchone()[0])

    def close(self) -> None:
        self._db.close()
