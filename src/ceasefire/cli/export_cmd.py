"""`ceasefire incidents export`: the store's current incidents as ACLED, UCDP or GeoJSON.

The edge of `ceasefire.export`: read the incidents from a store (read-only: an export never
writes to the evidence), turn them into text with the pure writers, and write the file in one
step, so that a reader never sees half an export and a failed run leaves any old file whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli.options import atomic_output, check_db_path, db_file
from ceasefire.domain.errors import NotFoundError
from ceasefire.domain.incident import Incident
from ceasefire.export import write_acled, write_geojson, write_ucdp
from ceasefire.store import Store, open_store


class ExportFormat(StrEnum):
    ACLED = "acled"
    UCDP = "ucdp"
    GEOJSON = "geojson"


def _acled_now(incidents: Sequence[Incident]) -> str:
    """ACLED's `timestamp` says when a row was last written: this export."""
    return write_acled(incidents, exported_at=datetime.now(UTC))


WRITERS: dict[ExportFormat, Callable[[Sequence[Incident]], str]] = {
    ExportFormat.ACLED: _acled_now,
    ExportFormat.UCDP: write_ucdp,
    ExportFormat.GEOJSON: write_geojson,
}


def current_incidents(store: Store) -> list[Incident]:
    """The store's current incidents, ordered by id (`Store.incidents`)."""
    return store.incidents()


def write_export(incidents: Sequence[Incident], fmt: ExportFormat, out: Path) -> None:
    """Write the export as UTF-8, atomically: a temporary file beside `out`, then a rename."""
    text = WRITERS[fmt](incidents)
    with atomic_output(out) as handle:
        handle.write(text)


def export_incidents(
    db: Annotated[str, typer.Option("--db", help="Store: a SQLite file or a store URL.")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="acled, ucdp (GED) or geojson.")
    ],
    out: Annotated[Path, typer.Option("--out", help="File to write (replaced whole).")],
) -> None:
    """Export the store's current incidents; importing the file gives them back exactly."""
    path = db_file(check_db_path(db))
    if path is not None and not path.exists():
        raise NotFoundError(f"no store at {db}: nothing to export")
    store = open_store(db, readonly=True)
    try:
        incidents = current_incidents(store)
    finally:
        store.close()
    write_export(incidents, fmt, out)
    typer.echo(f"{len(incidents)} incidents written to {out} ({fmt})")
