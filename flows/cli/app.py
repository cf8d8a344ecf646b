"""The ``prolong`` command: one typer app composed of a module per command group."""

from __future__ import annotations

import typer

from flows.cli import bulk, portal
from flows.cli.demo import demo
from flows.cli.extend import extend
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


def main() -> None:
    """Console-script entry point."""
    app()
