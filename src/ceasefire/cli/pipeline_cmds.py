"""`ceasefire ingest`, `assess` and `demo`: the main job from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ceasefire.assess.clauses import verdict_wording
from ceasefire.cli.errors import error_console, exits_on_error, print_message, print_problems
from ceasefire.cli.options import check_db_path, db_file
from ceasefire.cli.stores import default_store
from ceasefire.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UsageError,
    VerificationFailedError,
)
from ceasefire.ingest.detect import SourceKind
from ceasefire.paths import bundled_sources
from ceasefire.pipeline import IngestOutcome, assess_stored, ingest_files
from ceasefire.report.findings_json import assessment_to_json
from ceasefire.store import ConflictingRecordError, Store, open_store

MAX_ISSUES_SHOWN = 20
_HOW_TO_FILL = (
    " (`ceasefire ingest --db {db} FILE...`), or pass --bundled to assess the bundled real data"
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store: a SQLite file (created if missing) or a URL such as sqlite:///path.db or"
        " postgresql://root@127.0.0.1/ceasefire (default: CEASEFIRE_STORE, else ceasefire.db).",
    ),
]


def _print_ingest(console: Console, outcomes: list[IngestOutcome]) -> None:
    table = Table(title="ingest")
    columns = ("file", "source", "rows read", "added", "corrected", "already stored")
    for column in (*columns, "errors", "warnings"):
        table.add_column(column)
    for outcome in outcomes:
        report = outcome.report
        table.add_row(
            Path(report.path).name,
            report.source,
            str(outcome.read),
            str(outcome.stored.added),
            str(outcome.stored.corrected),
            str(outcome.stored.already_present),
            str(len(report.errors)),
            str(len(report.warnings)),
        )
    console.print(table)
    for outcome in outcomes:
        issues = outcome.report.issues
        print_problems(issues[:MAX_ISSUES_SHOWN], console)
        if len(issues) > MAX_ISSUES_SHOWN:
            console.print(f"... and {len(issues) - MAX_ISSUES_SHOWN} more in {outcome.report.path}")


def _ingest_line(outcome: IngestOutcome) -> str:
    """One line per file on stdout, for scripts: what the store did with its rows."""
    stored, report = outcome.stored, outcome.report
    return (
        f"{Path(report.path).name}: {outcome.read} read, {stored.added} added,"
        f" {stored.corrected} corrected (superseding the stored version),"
        f" {stored.already_present} already stored, {len(report.errors)} rejected"
    )


def ingest_or_exit(
    store: Store, files: list[Path], kind: SourceKind | None, reported_by: str = ""
) -> list[IngestOutcome]:
    """Ingest; a different record stored under a used id is a conflict (exit 5)."""
    try:
        return ingest_files(store, files, kind, reported_by=reported_by)
    except ConflictingRecordError as exc:
        raise ConflictError(f"{exc}; nothing from that file was stored") from None


def ingest(
    files: Annotated[list[Path], typer.Argument(help="Source files to import.")],
    db: DbOption = None,
    kind: Annotated[
        SourceKind | None, typer.Option(help="Source format; detected from the header if unset.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any row was rejected.")] = False,
    reported_by: Annotated[
        str,
        typer.Option(
            help="Who submitted these files (an organisation or feed), kept on every observation."
        ),
    ] = "",
) -> None:
    """Import source files into the store; bad rows are listed and skipped, good rows load."""
    location = db or default_store()
    store = open_store(check_db_path(location))
    try:
        outcomes = ingest_or_exit(store, files, kind, reported_by)
        shown = store.url if "://" in location else location  # a URL: without its password
        _print_ingest(error_console(), outcomes)
        for outcome in outcomes:
            typer.echo(_ingest_line(outcome))
        typer.echo(f"{store.count_observations()} observations stored in {shown}")
        ledger = store.ledger()
        if ledger is not None:
            typer.echo(f"ledger: {ledger.size} records")
    finally:
        store.close()
    unreadable = [o.report.path for o in outcomes if o.unreadable]
    if unreadable:
        raise InvalidInputError(
            f"{len(unreadable)} of {len(outcomes)} files could not be read at all and nothing"
            f" of them was stored: {', '.join(unreadable)}"
            + ("; the other files were stored" if len(unreadable) < len(outcomes) else "")
        )
    rejected = sum(len(o.report.errors) for o in outcomes)
    if strict and rejected:
        raise VerificationFailedError(f"--strict: {rejected} rows rejected (the others are stored)")


def assess(
    agreement: Annotated[Path, typer.Option("--agreement", "-a", help="Agreement YAML file.")],
    source: Annotated[
        list[Path] | None,
        typer.Option("--source", "-s", help="Source file(s); default: the bundled real data."),
    ] = None,
    db: DbOption = None,
    bundled: Annotated[
        bool,
        typer.Option(
            "--bundled",
            help="Read the bundled real data into the store first (implied without --db "
            "and --source).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    include_not_covered: Annotated[
        bool, typer.Option("--all", help="With --json, list not-covered findings too.")
    ] = False,
) -> None:
    """Assess observations against an agreement.

    With --db, assesses what is stored, after reading --source files (and, with --bundled,
    the bundled real data) into it; an empty store is an error, never silently filled with
    the bundled data. Without --db, the store is in memory and holds the --source files, or
    the bundled real data if none are given.
    """
    console = error_console()
    if source and bundled:
        raise UsageError("give --source files or --bundled, not both")
    if db is not None:
        check_db_path(db)
        path = db_file(db)
        if path is not None and not path.exists() and not (source or bundled):
            raise NotFoundError(
                f"no store at {db}: ingest sources first{_HOW_TO_FILL.format(db=db)}"
            )
    store = open_store(db or ":memory:")
    try:
        if db is None or bundled or source:
            sources = list(source or bundled_sources())
            outcomes = ingest_or_exit(store, sources, None)
            errors = sum(len(o.report.errors) for o in outcomes)
            if errors:
                print_message(console, "warning", "yellow", f"{errors} source rows rejected")
        if db is not None and store.count_observations() == 0:
            raise NotFoundError(
                f"the store {db} holds no observations: ingest sources first"
                + _HOW_TO_FILL.format(db=db)
            )
        result = assess_stored(store, agreement)
    finally:
        store.close()
    if as_json:
        json.dump(assessment_to_json(result, include_not_covered), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    never = result.agreement.never_in_force
    title = f"{result.agreement.title} ({result.agreement.id})"
    if never is not None:
        title += f": what would have been a violation ({never})"
    table = Table(title=title)
    for column in ("verdict", "findings", "launched", "destroyed", "by source"):
        table.add_column(column)
    for verdict, totals in result.summary.totals.items():
        by_source = ", ".join(f"{k} {v}" for k, v in sorted(totals.by_source.items()))
        table.add_row(
            verdict_wording(verdict, result.agreement),
            str(totals.findings),
            str(totals.launched),
            str(totals.destroyed),
            by_source,
        )
    Console().print(table)


def register_pipeline_commands(app: typer.Typer) -> None:
    app.command()(exits_on_error(ingest))
    app.command()(exits_on_error(assess))
