"""The top-level `ceasefire` command; each area registers its own sub-commands here."""

import typer

from ceasefire import __version__
from ceasefire.cli import ledger as ledger_cli
from ceasefire.cli import witness as witness_cli
from ceasefire.cli.agreement_cmd import agreement_app
from ceasefire.cli.bus_cmds import publish, worker
from ceasefire.cli.deconflict import app as deconflict_app
from ceasefire.cli.demo_cmd import demo
from ceasefire.cli.errors import exits_on_error
from ceasefire.cli.force_cmd import app as force_app
from ceasefire.cli.fuse_cmd import fuse
from ceasefire.cli.incidents_cmd import app as incidents_app
from ceasefire.cli.pipeline_cmds import register_pipeline_commands
from ceasefire.cli.report_cmd import app as report_app
from ceasefire.cli.review_cmd import clocks_app, review_app
from ceasefire.cli.service_cmd import audit, orgs_app, serve, users_app
from ceasefire.cli.verify_cmd import verify

app = typer.Typer(
    name="ceasefire",
    help="Monitor and verify a ceasefire; deconflict the forces that secure it.",
    no_args_is_help=True,
    add_completion=False,
)
register_pipeline_commands(app)
app.add_typer(agreement_app, name="agreement")
app.add_typer(deconflict_app, name="deconflict")
app.add_typer(force_app, name="force")
app.add_typer(ledger_cli.app, name="ledger")
app.add_typer(incidents_app, name="incidents")
app.add_typer(review_app, name="review")
app.add_typer(clocks_app, name="clocks")
app.add_typer(witness_cli.app, name="witness")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(report_app, name="report")
app.command()(exits_on_error(demo))
app.command()(exits_on_error(verify))
app.command()(exits_on_error(fuse))
app.command()(exits_on_error(serve))
app.command()(exits_on_error(audit))
app.command()(exits_on_error(publish))
app.command()(exits_on_error(worker))


@app.command()
def version() -> None:
    """Print the installed version, so reports can name the code that produced them."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
