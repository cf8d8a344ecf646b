"""The ``prolong`` command: one typer app composed of a module per command group."""

from __future__ import annotations

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="prolong",
    help="Extend legacy Info-partenaires travel-insurance contracts through Espace partenaire.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold the password or a client's data
)


def main() -> None:
    """Console-script entry point."""
    app()
