"""The export command's edge: files written whole, read back exactly; the store query once it
exists."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ceasefire.cli.errors import exits_on_error
from ceasefire.cli.export_cmd import ExportFormat, export_incidents, write_export
from ceasefire.domain.errors import InvalidInputError, UsageError
from ceasefire.domain.incident import FusionLink
from ceasefire.export import read_acled, read_geojson, read_ucdp
from ceasefire.store import open_store
from export_helpers import real_incidents

READERS = {
    ExportFormat.ACLED: read_acled,
    ExportFormat.UCDP: read_ucdp,
    ExportFormat.GEOJSON: read_geojson,
}


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_write_export_writes_a_utf8_file_that_reads_back(
    fmt: ExportFormat, data: Path, tmp_path: Path
) -> None:
    batch = real_incidents(data, 5)
    out = tmp_path / f"incidents.{fmt}"
    write_export(batch, fmt, out)
    assert READERS[fmt](out.read_text(encoding="utf-8")) == batch
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_a_failed_export_leaves_the_old_file_whole(data: Path, tmp_path: Path) -> None:
    batch = real_incidents(data, 2)
    out = tmp_path / "incidents.csv"
    write_export(batch, ExportFormat.UCDP, out)
    before = out.read_bytes()
    broken = replace(batch[0], links=(FusionLink("a", "b", math.inf, 1, 0, 0, ("x", "y")),))
    with pytest.raises(InvalidInputError):
        write_export([broken], ExportFormat.UCDP, out)
    assert out.read_bytes() == before


def test_an_output_in_a_missing_directory_is_a_usage_error(data: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--out"):
        write_export(real_incidents(data, 1), ExportFormat.GEOJSON, tmp_path / "no" / "x.json")


def test_a_missing_store_is_not_found(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(exits_on_error(export_incidents))
    missing = tmp_path / "missing.db"
    result = CliRunner().invoke(
        app, ["--db", str(missing), "--format", "acled", "--out", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 6, result.output
    assert not missing.exists()


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_the_command_exports_what_the_store_holds(
    fmt: ExportFormat, data: Path, tmp_path: Path
) -> None:
    batch = sorted(real_incidents(data, 4), key=lambda i: i.id)
    db = tmp_path / "store.db"
    store = open_store(str(db))
    try:
        store.add_records(batch)
    finally:
        store.close()
    app = typer.Typer()
    app.command()(exits_on_error(export_incidents))
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(
        app, ["--db", str(db), "--format", str(fmt), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert READERS[fmt](out.read_text(encoding="utf-8")) == batch
