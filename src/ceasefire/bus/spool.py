"""Store-and-forward for a post on a weak link: what could not be published waits on disk.

A SQLite file (``DIR/spool.db``) holds the messages in the order they were meant to go out.
`drain` sends them oldest first and deletes each one only after JetStream acknowledged it, in
its own transaction: a post that loses power or link mid-drain re-sends at most the one
message whose acknowledgement it had not recorded, and that re-send is a duplicate the bus
drops (same message id) or, past the duplicate window, one the worker's idempotent write
ignores. The spool is never the record of anything: it holds copies until they are safe.

Each message id is kept once: publishing the same file twice while offline spools one copy.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ceasefire.bus.contract import Bus, BusUnavailableError, Outgoing
from ceasefire.domain.errors import StorageUnavailableError, UsageError

SPOOL_FILE = "spool.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    msg_id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    headers TEXT NOT NULL,
    data BLOB NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class DrainResult:
    """What a drain did: messages the bus now keeps (`duplicates` of them it had already),
    those still waiting, and why it stopped early (None when the spool is empty)."""

    sent: int
    duplicates: int
    left: int
    stopped_by: str | None = None


class Spool:
    """The durable queue of one post, in `directory`."""

    def __init__(self, directory: Path) -> None:
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"--spool {directory} is not a directory")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(directory / SPOOL_FILE, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StorageUnavailableError(f"spool {directory}: cannot be used: {exc}") from None
        self.path = directory / SPOOL_FILE

    def put(self, messages: Iterable[Outgoing]) -> int:
        """Append the messages (in one transaction); returns how many were new to the spool."""
        rows = [(m.msg_id, m.subject, json.dumps(dict(m.headers)), m.data) for m in messages]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO spool (msg_id, subject, headers, data) VALUES (?, ?, ?, ?)",
                rows,
            )
            return self._db.total_changes - before

    def pending(self) -> int:
        """How many messages wait to be sent."""
        (count,) = self._db.execute("SELECT count(*) FROM spool").fetchone()
        return int(count)

    def drain(self, bus: Bus) -> DrainResult:
        """Send every waiting message, oldest first, until the spool is empty or the bus
        stops answering (then the rest wait for the next drain, in order)."""
        sent = duplicates = 0
        while True:
            row = self._db.execute(
                "SELECT seq, msg_id, subject, headers, data FROM spool ORDER BY seq LIMIT 1"
            ).fetchone()
            if row is None:
                return DrainResult(sent, duplicates, 0)
            seq, msg_id, subject, headers, data = row
            try:
                ack = bus.publish(Outgoing(subject, bytes(data), msg_id, json.loads(headers)))
            except BusUnavailableError as exc:
                return DrainResult(sent, duplicates, self.pending(), exc.detail)
            with self._db:
                self._db.execute("DELETE FROM spool WHERE seq = ?", (seq,))
            sent += 1
            duplicates += ack.duplicate

    def close(self) -> None:
        self._db.close()
