"""Recognise which source format a file is in, from its header, and read it.

The formats themselves live in `ceasefire.ingest.sources` (the `OBSERVATION_SOURCES`
registry); this module only asks it, so adding a format never touches this file.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

from ceasefire.domain.errors import Problem
from ceasefire.ingest.registry import UnknownFormatError
from ceasefire.ingest.report import IngestReport
from ceasefire.ingest.sources import OBSERVATION_SOURCES, catalog_for
from ceasefire.safe_files import InputFileError

__all__ = ["SourceKind", "UnknownFormatError", "catalog_for", "detect_kind", "read_source"]

#: The registered source names as an enum, so `ingest --kind` offers (and checks) exactly the
#: registered formats. Built from the registry at import time, which mypy cannot follow:
#: members are reached by value, `SourceKind("ucdp")`, not as attributes.
SourceKind = StrEnum(  # type: ignore[misc]
    "SourceKind", {name.upper(): name for name in sorted(OBSERVATION_SOURCES.names())}
)


def detect_kind(path: Path) -> SourceKind:
    """The first registered format (in registration order) that recognises the file's head."""
    return SourceKind(OBSERVATION_SOURCES.detect(path).name)


def read_source(path: Path, catalog_dir: Path, kind: SourceKind | None = None) -> IngestReport:
    """Read any supported file; a file that cannot be read at all is one error, not a crash."""
    try:
        kind = kind or detect_kind(path)
    except UnknownFormatError as exc:
        report = IngestReport(source="unknown", path=str(path))
        report.issues.append(Problem(str(path), str(exc)))
        return report
    try:
        return OBSERVATION_SOURCES.get(str(kind)).read(path, catalog_dir)
    except InputFileError as exc:
        if not exc.missing:  # not a regular file, too big, too deep: refused as a whole (exit 4)
            raise
        report = IngestReport(source=str(kind), path=str(path))
        report.issues.append(Problem(str(path), f"cannot read: {exc.reason}"))
        return report
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        report = IngestReport(source=str(kind), path=str(path))
        report.issues.append(Problem(str(path), f"cannot read: {exc}"))
        return report
