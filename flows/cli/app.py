"""The ``prolong`` command: one typer app composed of a module per command group."""

from __future__ import annotations

import typer

from flows.cli import portal
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
app.add_typer(portal.app, name="portal")


def main() -> None:
    """Console-script entry point."""
    app()
