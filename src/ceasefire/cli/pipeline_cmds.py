"""`ceasefire ingest`, `assess` and `demo`: the main job from the command line."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ceasefire.agreement import AgreementError
from ceasefire.cli.console import error_console, print_problem
from ceasefire.domain import Verdict
from ceasefire.ingest.detect import SourceKind
from ceasefire.ingest.report import Severity
from ceasefire.paths import bundled_sources, shipped_agreements
from ceasefire.pipeline import IngestOutcome, assess_stored, ingest_files
from ceasefire.report.findings_json import assessment_to_json
from ceasefire.report.markdown import render_report
from ceasefire.store import ConflictingRecordError, SqliteRepository

MAX_ISSUES_SHOWN = 20
DEFAULT_DB = Path("ceasefire.db")

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite database file (created if missing)."),
]


def _print_ingest(console: Console, outcomes: list[IngestOutcome]) -> None:
    table = Table(title="ingest")
    for column in ("file", "source", "rows read", "added", "already stored", "errors", "warnings"):
        table.add_column(column)
    for outcome in outcomes:
        report = outcome.report
        table.add_row(
            Path(report.path).name,
            report.source,
            str(len(report.observations)),
            str(outcome.stored.added),
            str(outcome.stored.already_present),
            str(len(report.errors)),
            str(len(report.warnings)),
        )
    console.print(table)
    for outcome in outcomes:
        issues = outcome.report.issues
        for issue in issues[:MAX_ISSUES_SHOWN]:
            colour = "red" if issue.severity is Severity.ERROR else "yellow"
            print_problem(console, "", colour, issue)
        if len(issues) > MAX_ISSUES_SHOWN:
            console.print(f"... and {len(issues) - MAX_ISSUES_SHOWN} more in {outcome.report.path}")


def _ingest_or_exit(
    repository: SqliteRepository, files: list[Path], kind: SourceKind | None
) -> list[IngestOutcome]:
    try:
        return ingest_files(repository, files, kind)
    except ConflictingRecordError as exc:
        print_problem(error_console(), "error", "red", f"{exc}; nothing from that file was stored")
        raise typer.Exit(2) from None


def ingest(
    files: Annotated[list[Path], typer.Argument(help="Source files to import.")],
    db: DbOption = None,
    kind: Annotated[
        SourceKind | None, typer.Option(help="Source format; detected from the header if unset.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any row was rejected.")] = False,
) -> None:
    """Import source files into the store; bad rows are listed and skipped, good rows load."""
    repository = SqliteRepository(db or DEFAULT_DB)
    try:
        outcomes = _ingest_or_exit(repository, files, kind)
        _print_ingest(error_console(), outcomes)
        typer.echo(f"{repository.count_observations()} observations stored in {repository.path}")
    finally:
        repository.close()
    if strict and any(o.report.errors for o in outcomes):
        raise typer.Exit(1)


def assess(
    agreement: Annotated[Path, typer.Option("--agreement", "-a", help="Agreement YAML file.")],
    source: Annotated[
        list[Path] | None,
        typer.Option("--source", "-s", help="Source file(s); default: the bundled real data."),
    ] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    include_not_covered: Annotated[
        bool, typer.Option("--all", help="With --json, list not-covered findings too.")
    ] = False,
) -> None:
    """Assess observations against an agreement.

    With --db and no --source, assesses what is stored; otherwise reads the sources (or the
    bundled real data) into the store first (in memory unless --db is given).
    """
    console = error_console()
    repository = SqliteRepository(db or ":memory:")
    try:
        if source or db is None or repository.count_observations() == 0:
            outcomes = _ingest_or_exit(repository, list(source or bundled_sources()), None)
            errors = sum(len(o.report.errors) for o in outcomes)
            if errors:
                print_problem(console, "warning", "yellow", f"{errors} source rows rejected")
        try:
            result = assess_stored(repository, agreement)
        except AgreementError as exc:
            for issue in exc.issues:
                print_problem(console, "error", "red", issue)
            raise typer.Exit(1) from None
    finally:
        repository.close()
    if as_json:
        json.dump(assessment_to_json(result, include_not_covered), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    table = Table(title=f"{result.agreement.title} ({result.agreement.id})")
    for column in ("verdict", "findings", "launched", "destroyed", "by source"):
        table.add_column(column)
    for verdict, totals in result.summary.totals.items():
        by_source = ", ".join(f"{k} {v}" for k, v in sorted(totals.by_source.items()))
        table.add_row(
            str(verdict),
            str(totals.findings),
            str(totals.launched),
            str(totals.destroyed),
            by_source,
        )
    Console().print(table)


def demo(
    out: Annotated[Path, typer.Option(help="Where to write the Markdown report.")] = Path(
        "reports/demo.md"
    ),
    db: Annotated[Path, typer.Option(help="SQLite store for the run.")] = Path(
        "reports/ceasefire.db"
    ),
) -> None:
    """Ingest the bundled real data, assess every shipped agreement, write the report."""
    console = error_console()
    if db.exists():
        db.unlink()
    repository = SqliteRepository(db)
    agreements = shipped_agreements()
    sources = bundled_sources()
    assessments = []
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("demo", total=len(sources) + len(agreements))
            for path in sources:
                progress.update(task, description=f"ingest {path.name}")
                _ingest_or_exit(repository, [path], None)
                progress.advance(task)
            observations = repository.observations()
            for agreement in agreements:
                progress.update(task, description=f"assess {agreement.name}")
                assessments.append(assess_stored(repository, agreement, observations))
                progress.advance(task)
        stored = repository.count_observations()
    finally:
        repository.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(assessments, datetime.now(UTC)), encoding="utf-8")
    for result in assessments:
        totals = result.summary.totals
        violation, possible = totals[Verdict.VIOLATION], totals[Verdict.POSSIBLE]
        console.print(
            f"{result.agreement.id}: {violation.findings} violations "
            f"({violation.launched} launched), {possible.findings} possible "
            f"({possible.launched} launched)"
        )
    typer.echo(f"{stored} observations stored in {db}; report written to {out}")


def register_pipeline_commands(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(assess)
    app.command()(demo)
