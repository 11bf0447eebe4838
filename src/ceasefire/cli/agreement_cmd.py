"""`ceasefire agreement check`: validate agreement files and list every problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.agreement import AgreementError, load_agreement
from ceasefire.cli.errors import exits_on_error, print_problems
from ceasefire.domain.errors import VerificationFailedError
from ceasefire.report.geojson import agreement_geography

agreement_app = typer.Typer(help="Work with agreement files.", no_args_is_help=True)


@agreement_app.command("check")
@exits_on_error
def check(
    files: Annotated[list[Path], typer.Argument(help="Agreement YAML files.")],
) -> None:
    """Load each agreement as the assessment would; exit 1 if any has a problem.

    Exit 1, not 4: checking is what was asked, and "no" is its answer (as for `ledger
    verify`); commands that merely use an agreement exit 4 when it is invalid.
    """
    failed = 0
    for file in files:
        try:
            agreement = load_agreement(file)
        except AgreementError as exc:
            failed += 1
            print_problems(exc.problems)
            continue
        typer.echo(
            f"{file}: ok ({agreement.id}, {len(agreement.zones)} zones, "
            f"window {agreement.window.start.isoformat()} to {agreement.window.end.isoformat()})"
        )
    if failed:
        raise VerificationFailedError(f"{failed} of {len(files)} agreement files have problems")


@agreement_app.command("geography")
@exits_on_error
def geography(
    file: Annotated[Path, typer.Argument(help="Agreement YAML file.")],
    out: Annotated[Path, typer.Option(help="GeoJSON file to write.")],
) -> None:
    """Write the derived line of contact and every zone as GeoJSON (WGS84)."""
    agreement = load_agreement(file)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(agreement_geography(agreement)), encoding="utf-8")
    typer.echo(f"{out}: line of contact and {len(agreement.zones)} zones")
