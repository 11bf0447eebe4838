"""The main job, wired: read sources into the store, assess agreements, summarise.

This is the I/O-facing orchestration the CLI and the demo share; the steps it calls are the
pure core (`ingest` parsers aside, which read files by design).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from ceasefire.agreement import compile_agreement, load_agreement
from ceasefire.assess import Summary, assess, summarise
from ceasefire.assess.engine import line_distances
from ceasefire.domain import Finding, Observation, Verdict
from ceasefire.domain.agreement import Agreement
from ceasefire.domain.errors import Problem
from ceasefire.ingest.detect import (
    UNKNOWN_SOURCE,
    SourceKind,
    UnreadableSourceError,
    stream_source,
)
from ceasefire.ingest.report import IngestReport
from ceasefire.monitoring.incident_assessment import assess_incidents
from ceasefire.paths import data_dir
from ceasefire.records import RecordFormatError
from ceasefire.store import AddResult, Store
from ceasefire.store.audit import trusted_observations

Progress = Callable[[str], None]

#: Why a re-read source row superseded the stored observation (on its transition record).
REPUBLISHED = "re-published source row changed"


def _quiet(_: str) -> None:
    return None


#: Observations written per store call while a file streams in: memory holds one batch of
#: observations (about 10 kB each with their encoding), whatever the size of the file.
INGEST_BATCH = 10_000


@dataclass(frozen=True)
class IngestOutcome:
    report: IngestReport
    """The file's problems. Its `observations` stay empty: they were streamed to the store."""
    stored: AddResult
    read: int = 0
    """Rows read into observations and written (those set aside as unrecordable excluded)."""
    unreadable: bool = False
    """The file as a whole could not be read (unknown format, not a table, too large): none
    of it was stored, and the caller must say so louder than for a few bad rows."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest_files(
    store: Store,
    paths: Sequence[Path],
    kind: SourceKind | None = None,
    progress: Progress = _quiet,
    reported_by: str = "",
    at: datetime | None = None,
    batch_size: int = INGEST_BATCH,
) -> list[IngestOutcome]:
    """Read each file into the store (and, when the store keeps a ledger, into the ledger in
    the same transaction); each file is one unit of work. `reported_by` names who submitted
    the files (an organisation, a feed) on every observation; empty for an operator's import.

    A file is streamed: its observations are written `batch_size` at a time inside the file's
    one unit of work, so memory holds a batch, not the file, and a failure anywhere in the file
    (the last batch included) leaves nothing of it in store or ledger.

    Rows are keyed naturally (`ceasefire.ingest.ids`), so a row the source re-published with
    changed content supersedes the stored observation: a correction by `reported_by` (or
    "ingest") at `at` (default: now), kept in the history of the store and of the ledger."""
    if batch_size < 1:
        raise ValueError(f"batch_size {batch_size} must be at least 1")
    moment = at or datetime.now(UTC)

    def write(batch: Sequence[Observation]) -> AddResult:
        return store.add_or_correct(
            batch, actor=reported_by or "ingest", reason=REPUBLISHED, at=moment
        )

    outcomes = []
    for path in paths:
        progress(f"reading {path.name}")
        report, stream = stream_source(path, data_dir() / "missile_attacks", kind)
        total, read = AddResult(0, 0), 0
        try:
            with store.unit_of_work():
                while batch := list(islice(stream, batch_size)):
                    observations = first_reporter(store, batch, reported_by)
                    stored, kept = _write_recordable(observations, report, write)
                    total, read = plus(total, stored), read + len(kept)
        except UnreadableSourceError as unreadable:  # rolled back: the file is one error
            outcomes.append(
                IngestOutcome(unreadable.alone_in(report), AddResult(0, 0), unreadable=True)
            )
            continue
        outcomes.append(
            IngestOutcome(report, total, read, unreadable=report.source == UNKNOWN_SOURCE)
        )
    return outcomes


def plus(a: AddResult, b: AddResult) -> AddResult:
    return AddResult(
        a.added + b.added,
        a.already_present + b.already_present,
        logged=a.logged + b.logged,
        corrected=a.corrected + b.corrected,
    )


def _write_recordable(
    observations: Sequence[Observation],
    report: IngestReport,
    write: Callable[[Sequence[Observation]], AddResult],
) -> tuple[AddResult, Sequence[Observation]]:
    """Store the observations with `write`; one that cannot be recorded exactly (a value JSON
    cannot carry, which a parser let through) is set aside as an error of its file, and the
    rest go into store and ledger together. Returns what the write did and the observations
    it wrote. Costs nothing when every record is fine: the store encodes once, and only a
    refused batch is looked at again."""
    try:
        return write(observations), observations
    except RecordFormatError as refused:
        bad = {p.pointer for p in refused.problems}
        for problem in refused.problems:
            report.issues.append(Problem(report.path, problem.reason, pointer=problem.pointer))
        kept = [o for o in observations if f"observation/{o.id}" not in bad]
        return write(kept), kept


def first_reporter(
    store: Store, observations: Sequence[Observation], reported_by: str
) -> list[Observation]:
    """Each observation as submitted by `reported_by`, unless it is stored already: then it
    keeps the reporter who submitted it first. The same row sent by a second party is the
    same observation, not a correction of everything the first one sent; a changed row is a
    correction whose transition names `reported_by` as its actor."""
    out = []
    for observation in observations:
        stored = store.get_observation(observation.id)
        reporter = reported_by if stored is None else stored.reported_by
        out.append(replace(observation, reported_by=reporter))
    return out


@dataclass(frozen=True)
class Assessment:
    agreement: Agreement
    findings: list[Finding]
    observations: dict[str, Observation]
    summary: Summary
    line_distance_m: dict[str, float]
    agreement_sha256: str


def assess_stored(
    store: Store,
    agreement_path: Path,
    observations: Sequence[Observation] | None = None,
    progress: Progress = _quiet,
) -> Assessment:
    """Assess every stored observation: each gets a finding, `not_covered` included.

    Pass `observations` (all of the store's) when assessing several agreements in a row, so the
    store is read once rather than once per agreement.
    """
    progress(f"loading {agreement_path.name}")
    agreement = load_agreement(agreement_path)
    compiled = compile_agreement(agreement)
    if observations is None:
        observations = trusted_observations(store)
    progress(f"assessing {len(observations)} observations against {agreement.id}")
    agreement_sha256 = file_sha256(agreement_path)
    findings = assess(observations, compiled, agreement_sha256)
    store.replace_findings(agreement.id, findings)
    assess_incidents(store, agreement.id)  # the incidents' verdicts follow their reports'
    by_id = {o.id: o for o in observations}
    relevant = [by_id[f.subject.id] for f in findings if f.verdict is not Verdict.NOT_COVERED]
    distances = line_distances(relevant, compiled)
    summary = summarise(findings, by_id)
    return Assessment(agreement, findings, by_id, summary, distances, agreement_sha256)
