"""The ``prolong`` command: one typer app composed of a module per command group."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from automation.artifacts import private_umask
from automation.logging_setup import configure_logging
from automation.settings import load_settings
from flows.cli import artifacts, bulk, portal
from flows.cli.demo import demo
from flows.cli.extend import extend
from flows.cli.login import login
from flows.cli.probe import probe
from flows.cli.route import route

__all__ = ["WRITING_COMMANDS", "app", "main", "settings_errors"]

#: The commands that write traces, screenshots, reports, journals or the saved session: they run
#: under umask 077 (``automation.artifacts.private_umask``). The others write nothing of prolong's
#: (``route`` prints; ``artifacts purge`` only deletes; ``portal serve``'s database is fictitious).
WRITING_COMMANDS = frozenset({"extend", "bulk", "demo", "login", "probe"})

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
    ctx: typer.Context,
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
    if ctx.invoked_subcommand in WRITING_COMMANDS:
        # Set before the command starts any thread, browser or driver (they inherit it), so
        # every file of the run is owner-only from its first byte, even one written when the run
        # is interrupted; undone when the command ends (it matters when tests invoke the app).
        ctx.with_resource(private_umask())
    try:
        settings = load_settings()
    except ValidationError as error:
        if ctx.invoked_subcommand in WRITING_COMMANDS:
            # At start, before anything is written or any browser starts; the other commands
            # (route, purge) may not need the setting at fault and report what they use.
            for line in settings_errors(error):
                typer.echo(f"error: settings: {line}", err=True)
            raise typer.Exit(2) from None
        return
    configure_logging(settings, verbose=verbose)


def settings_errors(error: ValidationError) -> list[str]:
    """One line per bad setting, naming its variable (``PORTAL_…``) and what is wrong."""
    lines = []
    for problem in error.errors():
        variable = f"PORTAL_{str(problem['loc'][0]).upper()}" if problem["loc"] else "PORTAL_*"
        message = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(message if variable in message else f"{variable}: {message}")
    return lines


def main() -> None:
    """Console-script entry point."""
    app()
