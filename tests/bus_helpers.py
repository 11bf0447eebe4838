"""Shared by the bus tests: synthetic observations, a ledgered SQLite store, and what a
store holds (to compare before and after)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ceasefire.bus.contract import Bus
from ceasefire.bus.subjects import STREAMS, observation_message
from ceasefire.domain import Observation
from ceasefire.domain.observation import Location
from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimeInterval, TimePrecision
from ceasefire.ledger.note import Signer
from ceasefire.monitoring.setup import bundled_unit_of
from ceasefire.store import Store
from ceasefire.store.sqlite import SqliteStore

#: Points inside two oblasts (Kharkiv city, Odesa city) and one at sea, for sector rules.
KHARKIV = (49.99, 36.23)
ODESA = (46.48, 30.73)
BLACK_SEA = (43.5, 33.0)


def observation(i: int, description: str = "") -> Observation:
    """The i-th synthetic observation of a test post: a point in Kharkiv or Odesa oblast."""
    start = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(minutes=i)
    lat, lon = KHARKIV if i % 2 else ODESA
    return Observation(
        id=f"post-7/{i}",
        source="post-7",
        source_record_id=str(i),
        interval=TimeInterval(start, start, TimePrecision.MINUTE),
        location=Location(lat, lon, 100.0),
        category=Category.ARTILLERY_SHELLING,
        description=description or f"shelling report {i}",
        reported_by="post-7",
    )


def corrected(o: Observation) -> Observation:
    return replace(o, description=o.description + " (corrected)")


def publish_all(bus: Bus, observations: list[Observation]) -> int:
    """Publish every observation; the number the bus kept as new."""
    bus.ensure_streams(STREAMS)
    unit_of = bundled_unit_of()
    return sum(not bus.publish(observation_message(o, unit_of)).duplicate for o in observations)


def ledgered(db: Path) -> Store:
    store = SqliteStore(db)
    store.initialise_ledger("test/bus", Signer.generate("test/bus").verifier())
    return store


@dataclass(frozen=True)
class Held:
    """What a store holds: every version (kind, id, ledger id), and its ledger's size/root."""

    versions: tuple[tuple[str, str, str], ...]
    ledger_size: int
    ledger_root: bytes

    @property
    def observation_ids(self) -> list[str]:
        return [i for kind, i, _ in self.versions if kind == "observation"]


def held(store: Store) -> Held:
    ledger = store.ledger()
    assert ledger is not None
    versions = tuple(
        (str(r.ref.kind), r.ref.id, r.ledger_id) for r in store.stored_records()
    )
    return Held(versions, ledger.size, ledger.root())


def observation_rows(db: Path) -> int:
    """Observation versions in a SQLite store, read without the store's code (a worker in
    another process is writing it)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM records WHERE kind = 'observation'"
        ).fetchone()
    return int(count)


def bulletin_rows(tmp_path: Path, bulletins_csv: Path, rows: int) -> Path:
    """A file of the first `rows` rows of the bundled Air Force bulletins (a post's file)."""
    path = tmp_path / "post.csv"
    lines = bulletins_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return path
