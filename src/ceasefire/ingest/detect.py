"""Recognise which source format a file is in, from its header, and read it.

The formats themselves live in `ceasefire.ingest.sources` (the `OBSERVATION_SOURCES`
registry); this module only asks it, so adding a format never touches this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from ceasefire.domain import Observation
from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.ingest.registry import UnknownFormatError
from ceasefire.ingest.report import IngestReport
from ceasefire.ingest.sources import OBSERVATION_SOURCES, catalog_for
from ceasefire.safe_files import InputFileError

__all__ = [
    "SourceKind",
    "UnknownFormatError",
    "UnreadableSourceError",
    "catalog_for",
    "detect_kind",
    "read_source",
    "stream_source",
]

#: The registered source names as an enum, so `ingest --kind` offers (and checks) exactly the
#: registered formats. Built from the registry at import time, which mypy cannot follow:
#: members are reached by value, `SourceKind("ucdp")`, not as attributes.
SourceKind = StrEnum(  # type: ignore[misc]
    "SourceKind", {name.upper(): name for name in sorted(OBSERVATION_SOURCES.names())}
)


def detect_kind(path: Path) -> SourceKind:
    """The first registered format (in registration order) that recognises the file's head."""
    return SourceKind(OBSERVATION_SOURCES.detect(path).name)


class UnreadableSourceError(InvalidInputError):
    """A file that turned out unreadable while it was streamed (bytes no encoding reads, an
    I/O error): the rows streamed before it are void, the file is one error. Raised by the
    stream of `stream_source`; its readers catch it and report `problem` in place of the rows."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(f"{problem.source}: {problem.reason}")

    def alone_in(self, report: IngestReport) -> IngestReport:
        """`report` emptied down to this one error: nothing else of the file counts."""
        report.observations.clear()
        report.issues[:] = [self.problem]
        return report


#: The source named in the report of a file of no known format.
UNKNOWN_SOURCE = "unknown"


def stream_source(
    path: Path, catalog_dir: Path, kind: SourceKind | None = None
) -> tuple[IngestReport, Iterator[Observation]]:
    """The file's report and its observations as a stream that fills the report's issues as
    it goes (see `ObservationSource.stream`). A file of no known format is a report with one
    error and an empty stream. The stream raises `UnreadableSourceError` for a file found
    unreadable on the way; a file that is not a regular file or too big is refused as a whole
    (`InputFileError`, exit 4)."""
    try:
        kind = kind or detect_kind(path)
    except UnknownFormatError as exc:
        report = IngestReport(source=UNKNOWN_SOURCE, path=str(path))
        report.issues.append(Problem(str(path), str(exc)))
        return report, iter(())
    source = OBSERVATION_SOURCES.get(str(kind))
    report = source.report_for(path)
    return report, _guarded(path, source.stream(path, catalog_dir, report))


def _guarded(path: Path, stream: Iterator[Observation]) -> Iterator[Observation]:
    try:
        yield from stream
    except InputFileError as exc:
        if not exc.missing:  # not a regular file, too big, too deep: refused as a whole (exit 4)
            raise
        raise UnreadableSourceError(Problem(str(path), f"cannot read: {exc.reason}")) from None
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        raise UnreadableSourceError(Problem(str(path), f"cannot read: {exc}")) from None


def read_source(path: Path, catalog_dir: Path, kind: SourceKind | None = None) -> IngestReport:
    """Read any supported file whole; a file that cannot be read at all is one error, not a
    crash. (`stream_source` reads it a row at a time.)"""
    report, stream = stream_source(path, catalog_dir, kind)
    try:
        report.observations.extend(stream)
    except UnreadableSourceError as unreadable:
        return unreadable.alone_in(report)
    return report
