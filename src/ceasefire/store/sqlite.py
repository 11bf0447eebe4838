"""SQLite repository (WAL): the embedded default, so the demo and tests need no server.

Each observation is kept whole as canonical JSON beside indexed columns for the queries the
pipeline makes (source, time overlap). Writes run in one transaction per call.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from ceasefire.domain import Finding, Observation
from ceasefire.store.codec import (
    finding_from_dict,
    finding_to_dict,
    observation_from_dict,
    observation_to_dict,
)
from ceasefire.store.repository import AddResult, ConflictingRecordError

SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS observations_source ON observations(source);
CREATE INDEX IF NOT EXISTS observations_time ON observations(start_utc, end_utc);
CREATE TABLE IF NOT EXISTS findings (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL,
    observation_id TEXT NOT NULL REFERENCES observations(id),
    verdict TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_agreement ON findings(agreement_id, verdict);
"""


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _utc_text(moment: datetime) -> str:
    """ISO text in UTC with a fixed width, so string order is time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SqliteRepository:
    def __init__(self, path: Path | str = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(SCHEMA)

    def add_observations(self, observations: Sequence[Observation]) -> AddResult:
        added = present = 0
        with self._db:  # one transaction: all or nothing
            for observation in observations:
                body = _canonical(observation_to_dict(observation))
                row = self._db.execute(
                    "SELECT body FROM observations WHERE id = ?", (observation.id,)
                ).fetchone()
                if row is not None:
                    if row[0] != body:
                        raise ConflictingRecordError(
                            observation.id, "stored already with different content"
                        )
                    present += 1
                    continue
                self._db.execute(
                    "INSERT INTO observations (id, source, start_utc, end_utc, body)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        observation.id,
                        observation.source,
                        _utc_text(observation.interval.start),
                        _utc_text(observation.interval.end),
                        body,
                    ),
                )
                added += 1
        return AddResult(added, present)

    def observations(
        self,
        sources: Iterable[str] | None = None,
        overlapping: tuple[datetime, datetime] | None = None,
    ) -> list[Observation]:
        clauses: list[str] = []
        params: list[str] = []
        if sources is not None:
            wanted = sorted(set(sources))
            clauses.append(f"source IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
        if overlapping is not None:
            clauses.append("start_utc < ? AND end_utc >= ?")
            params.extend([_utc_text(overlapping[1]), _utc_text(overlapping[0])])
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db.execute(f"SELECT body FROM observations{where} ORDER BY id", params)
        return [observation_from_dict(json.loads(body)) for (body,) in rows]

    def count_observations(self) -> int:
        (count,) = self._db.execute("SELECT count(*) FROM observations").fetchone()
        return int(count)

    def replace_findings(self, agreement_id: str, findings: Sequence[Finding]) -> None:
        with self._db:
            self._db.execute("DELETE FROM findings WHERE agreement_id = ?", (agreement_id,))
            for finding in findings:
                if finding.agreement_id != agreement_id:
                    raise ValueError(
                        f"finding {finding.id} belongs to {finding.agreement_id}, "
                        f"not {agreement_id}"
                    )
                self._db.execute(
                    "INSERT INTO findings (id, agreement_id, observation_id, verdict, body)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        finding.id,
                        agreement_id,
                        finding.observation_id,
                        str(finding.verdict),
                        _canonical(finding_to_dict(finding)),
                    ),
                )

    def findings(self, agreement_id: str) -> list[Finding]:
        rows = self._db.execute(
            "SELECT body FROM findings WHERE agreement_id = ? ORDER BY id", (agreement_id,)
        )
        return [finding_from_dict(json.loads(body)) for (body,) in rows]

    def close(self) -> None:
        self._db.close()
