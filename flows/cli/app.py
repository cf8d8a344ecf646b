"""The ``prolong`` command: one typer app composed of a module per command group."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from automation.logging_setup import configure_logging
from automation.settings import load_settings
from flows.cli import artifacts, bulk, portal
from flows.cli.demo import demo
from flows.cli.extend import extend
from flows.cli.login import login
from flows.cli.probe import probe
from flows.cli.route import route

__all__ = ["app", "main"]

app = typer.Typer(
    name="prolong",
    help="Extend legacy Info-partenaires travel-insurance contracts through Espace partenaire.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold the password or a client's data
)

app.command("route")(route)
app.command(
    "extend", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)(extend)
app.add_typer(portal.app, name="portal")
app.add_typer(bulk.app, name="bulk")
app.command("demo")(demo)
app.add_typer(artifacts.app, name="artifacts")
app.command("login")(login)
app.command("probe")(probe)


@app.callback()
def prolong(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Log each step (personal data masked unless PORTAL_SHOW_PERSONAL_DATA=true).",
        ),
    ] = False,
) -> None:
    """Extend legacy Info-partenaires travel-insurance contracts through Espace partenaire."""
    try:
        settings = load_settings()
    except ValidationError:
        return  # each command reports bad settings itself, naming the variable
    configure_logging(settings, verbose=verbose)


def main() -> None:
    """Console-script entry point."""
    app()
