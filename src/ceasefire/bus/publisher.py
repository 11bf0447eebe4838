"""`ceasefire publish`: read source files with the ingest readers and put them on the bus.

The files are read exactly as `ceasefire ingest` reads them (`ingest.detect.stream_source`:
same formats, same natural ids, same per-row problems), so an observation published and
stored by a worker is byte for byte the one `ingest` would have stored. The difference: a
file found unreadable half-way cannot take back the rows already published (ingest rolls the
file back); those rows were well-formed and are stored, and the file is still reported
unreadable (docs/bus.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ceasefire.bus.contract import Outgoing
from ceasefire.bus.sender import Sender, SendTally
from ceasefire.bus.subjects import UnitOf, observation_message
from ceasefire.domain.errors import Problem
from ceasefire.ingest.detect import (
    UNKNOWN_SOURCE,
    SourceKind,
    UnreadableSourceError,
    stream_source,
)
from ceasefire.ingest.report import IngestReport
from ceasefire.paths import data_dir
from ceasefire.records import RecordFormatError

Progress = Callable[[str], None]

#: Messages sent per round trip: bounds what is in flight (and in memory) at once.
PIPELINE = 256


@dataclass(frozen=True)
class PublishOutcome:
    """One file: its problems, rows read, and what became of them."""

    report: IngestReport
    read: int
    sent: SendTally
    unreadable: bool = False


def publish_files(
    sender: Sender,
    paths: Sequence[Path],
    unit_of: UnitOf,
    kind: SourceKind | None = None,
    reported_by: str = "",
    progress: Progress = lambda _: None,
) -> list[PublishOutcome]:
    """Publish every observation of every file through `sender`, in file order."""
    outcomes = []
    for path in paths:
        progress(f"reading {path.name}")
        report, stream = stream_source(path, data_dir() / "missile_attacks", kind)
        before = replace(sender.tally)
        read, unreadable = 0, False
        pending: list[Outgoing] = []
        try:
            for observation in stream:
                if reported_by and not observation.reported_by:
                    observation = replace(observation, reported_by=reported_by)
                try:
                    pending.append(observation_message(observation, unit_of))
                except RecordFormatError as exc:
                    report.issues.append(Problem(str(path), exc.detail, pointer=observation.id))
                    continue
                read += 1
                if len(pending) == PIPELINE:
                    sender.send_many(pending)
                    pending = []
        except UnreadableSourceError as exc:
            report.issues.append(exc.problem)
            unreadable = True
        sender.send_many(pending)
        outcomes.append(
            PublishOutcome(
                report, read, _since(before, sender.tally),
                unreadable or report.source == UNKNOWN_SOURCE,
            )
        )
    return outcomes


def _since(before: SendTally, now: SendTally) -> SendTally:
    return SendTally(
        now.published - before.published,
        now.duplicates - before.duplicates,
        now.spooled - before.spooled,
    )
