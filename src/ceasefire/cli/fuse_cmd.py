"""`ceasefire fuse`: observations that describe the same event become one incident.

The observations come from `--input OBS.csv` (the contract in docs/fusion.md), written as
``observation_id,incident_id``, one row per distinct observation sorted by observation id; or
from the store (`--db`), where the incidents are persisted and the output has one row per
stored observation (`cli.fuse_db`). Either file is written to a temporary file and renamed,
so a reader never sees half of it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Annotated

import typer

from ceasefire.cli.errors import error_console, print_problems
from ceasefire.cli.fuse_csv import read_fuse_csv
from ceasefire.cli.fuse_db import fuse_db
from ceasefire.cli.options import atomic_output, parse_time_option
from ceasefire.domain.errors import InvalidInputError, Problem, UsageError
from ceasefire.fusion.candidates import candidate_edges
from ceasefire.fusion.columns import Columns
from ceasefire.fusion.partition import components, fresh_ids

#: Characters that make `csv.writer` quote a field (or refuse it).
_QUOTED = (",", '"', "\r", "\n", "\0")

#: How many bad-row lines are printed before the count of the rest.
SHOWN = 200


def fuse(
    input_: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="CSV of observations: id,source,t_start,t_end,lat,lon,radius_m,category.",
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", help="Where to write observation_id,incident_id (CSV)."),
    ] = Path("incidents.csv"),
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Fuse the observations stored here and persist the incidents; OUT.csv is then "
            "observation_id,source,source_record_id,incident_id,independent_sources.",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="With --db: the time the run is recorded at (RFC 3339; default now)."),
    ] = None,
) -> None:
    """Fuse observations that describe the same event into incidents (docs/fusion.md); bad
    rows are listed on stderr and skipped."""
    if input_ is not None and db is not None:
        raise UsageError("give --input or --db, not both")
    if db is not None:
        fuse_db(db, out, parse_time_option("--at", at))
        return
    if input_ is None:
        raise UsageError("give --input (or --db): the observations to fuse")
    columns, problems, summary = _from_input(input_)
    _report(problems)
    if len(columns) == 0:
        raise InvalidInputError(f"{input_}: no usable observation ({summary})")
    incidents = _write(columns, out)
    typer.echo(f"{len(columns)} observations fused into {incidents} incidents ({summary}) -> {out}")


def _from_input(path: Path) -> tuple[Columns, list[Problem], str]:
    """Columns of the CSV's distinct good rows, its problems, and a summary of the reading."""
    read = read_fuse_csv(path)
    bad = sum(1 for p in read.problems if p.severity == "error")
    summary = (
        f"{read.rows} rows read, {bad} bad, {read.redeliveries} re-deliveries, "
        f"{read.corrections} corrections"
    )
    return read.columns(), read.problems, summary


def _report(problems: list[Problem]) -> None:
    if not problems:
        return
    console = error_console()
    print_problems(problems[:SHOWN], console)
    if len(problems) > SHOWN:
        console.print(f"... and {len(problems) - SHOWN} more problems not shown")


def _write_rows(handle: IO[str], ids: Sequence[str], incidents: Sequence[str]) -> None:
    """The CSV `csv.writer` would write; joined as text when no field needs quoting (no
    comma, quote, line break or NUL: incident ids never do), several times faster."""
    joined = "".join(ids)
    if not any(c in joined for c in _QUOTED):
        handle.write("observation_id,incident_id\n")
        handle.writelines(f"{a},{b}\n" for a, b in zip(ids, incidents, strict=True))
        return
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(("observation_id", "incident_id"))
    writer.writerows(zip(ids, incidents, strict=True))


def _write(columns: Columns, out: Path) -> int:
    """Partition `columns` and write the id of each row's incident; returns the incident count."""
    count, labels = components(len(columns), candidate_edges(columns))
    names = fresh_ids(columns.ids, labels, count)
    with atomic_output(out) as handle:
        _write_rows(handle, columns.ids, [names[k] for k in labels.tolist()])
    return count
