"""`ceasefire agreement check`: validate agreement files and list every problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.agreement import AgreementError, load_agreement
from ceasefire.cli.console import error_console, print_problem
from ceasefire.report.geojson import agreement_geography

agreement_app = typer.Typer(help="Work with agreement files.", no_args_is_help=True)


@agreement_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(help="Agreement YAML files.")],
) -> None:
    """Load each agreement as the assessment would; exit 1 if any has a problem."""
    console = error_console()
    failed = False
    for file in files:
        try:
            agreement = load_agreement(file)
        except AgreementError as exc:
            failed = True
            for issue in exc.issues:
                print_problem(console, "error", "red", issue)
            continue
        typer.echo(
            f"{file}: ok ({agreement.id}, {len(agreement.zones)} zones, "
            f"window {agreement.window.start.isoformat()} to {agreement.window.end.isoformat()})"
        )
    if failed:
        raise typer.Exit(1)


@agreement_app.command("geography")
def geography(
    file: Annotated[Path, typer.Argument(help="Agreement YAML file.")],
    out: Annotated[Path, typer.Option(help="GeoJSON file to write.")],
) -> None:
    """Write the derived line of contact and every zone as GeoJSON (WGS84)."""
    try:
        agreement = load_agreement(file)
    except AgreementError as exc:
        console = error_console()
        for issue in exc.issues:
            print_problem(console, "error", "red", issue)
        raise typer.Exit(1) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(agreement_geography(agreement)), encoding="utf-8")
    typer.echo(f"{out}: line of contact and {len(agreement.zones)} zones")
