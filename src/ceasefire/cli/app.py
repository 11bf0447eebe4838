"""The top-level `ceasefire` command; each area registers its own sub-commands here."""

import typer

from ceasefire import __version__
from ceasefire.cli import ledger as ledger_cli
from ceasefire.cli import witness as witness_cli

app = typer.Typer(
    name="ceasefire",
    help="Monitor and verify a ceasefire; deconflict the forces that secure it.",
    no_args_is_help=True,
    add_completion=False,
)


app.add_typer(ledger_cli.app, name="ledger")
app.add_typer(witness_cli.app, name="witness")


@app.callback()
def _root() -> None:
    """Keep `ceasefire` a command group even while only one sub-command is registered."""


@app.command()
def version() -> None:
    """Print the installed version, so reports can name the code that produced them."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
