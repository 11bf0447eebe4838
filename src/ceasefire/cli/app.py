"""The top-level `ceasefire` command; each area registers its own sub-commands here."""

import typer

from ceasefire import __version__
from ceasefire.cli.deconflict import app as deconflict_app

app = typer.Typer(
    name="ceasefire",
    help="Monitor and verify a ceasefire; deconflict the forces that secure it.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Keep `ceasefire` a command group even while only one sub-command is registered."""


@app.command()
def version() -> None:
    """Print the installed version, so reports can name the code that produced them."""
    typer.echo(__version__)


app.add_typer(deconflict_app, name="deconflict")


def main() -> None:
    """Console-script entry point."""
    app()
