"""Recognise which source format a file is in, from its header, and read it."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.ingest.airforce_bulletins import read_bulletins
from ceasefire.ingest.bellingcat import read_bellingcat_json, read_cir_csv
from ceasefire.ingest.report import IngestReport
from ceasefire.ingest.ucdp import read_ucdp
from ceasefire.ingest.weapons import WeaponCatalog, load_catalog


class SourceKind(StrEnum):
    AIRFORCE = "airforce"
    BELLINGCAT = "bellingcat"
    CIR = "cir"
    UCDP = "ucdp"


class UnknownFormatError(InvalidInputError):
    """The file is none of the formats this system reads."""


def detect_kind(path: Path) -> SourceKind:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError as exc:
        raise UnknownFormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    first_line = head.splitlines()[0] if head else ""
    columns = {c.strip().strip('"') for c in first_line.split(",")}
    if {"time_start", "time_end", "model", "launched"} <= columns:
        return SourceKind.AIRFORCE
    if {"where_prec", "date_prec", "latitude", "longitude"} <= columns:
        return SourceKind.UCDP
    if {"entry", "date", "lat", "lon"} <= columns:
        return SourceKind.CIR
    if head.lstrip().startswith("["):
        return SourceKind.BELLINGCAT
    raise UnknownFormatError(
        f"{path}: unrecognised format (header {first_line[:80]!r}); "
        "expected Air Force bulletins CSV, UCDP GED CSV, CIR events CSV or Bellingcat JSON"
    )


def catalog_for(path: Path, fallback_dir: Path) -> WeaponCatalog:
    """The weapons catalogue beside the bulletins file, else the bundled one; plus supplement."""
    beside = path.parent / "weapons_catalog.csv"
    main = beside if beside.exists() else fallback_dir / "weapons_catalog.csv"
    extra = [p for p in (fallback_dir / "weapons_catalog_supplement.csv",) if p.exists()]
    return load_catalog(main, *extra)


def read_source(path: Path, catalog_dir: Path, kind: SourceKind | None = None) -> IngestReport:
    """Read any supported file; a file that cannot be read at all is one error, not a crash."""
    try:
        kind = kind or detect_kind(path)
    except UnknownFormatError as exc:
        report = IngestReport(source="unknown", path=str(path))
        report.issues.append(Problem(str(path), str(exc)))
        return report
    try:
        if kind is SourceKind.AIRFORCE:
            return read_bulletins(path, catalog_for(path, catalog_dir))
        if kind is SourceKind.UCDP:
            return read_ucdp(path)
        if kind is SourceKind.CIR:
            return read_cir_csv(path)
        return read_bellingcat_json(path)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        report = IngestReport(source=str(kind), path=str(path))
        report.issues.append(Problem(str(path), f"cannot read: {exc}"))
        return report
