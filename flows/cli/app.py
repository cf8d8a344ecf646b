"""The ``prolong`` command: one typer app composed of a module per command group."""

from __future__ import annotations

import inspect
import re
from typing import Annotated

import typer
from pydantic import ValidationError

from automation.evidence.artifacts import private_umask
from automation.locale import Locale
from automation.runtime.logging_setup import configure_logging
from automation.runtime.settings import load_settings
from flows.cli import artifacts, bulk, portal
from flows.cli.demo import demo
from flows.cli.extend import EXTEND_CONTEXT, extend
from flows.cli.help_style import PlainHelpCommand, PlainHelpGroup, choices, flag
from flows.cli.lines import echo
from flows.cli.login import login
from flows.cli.probe import probe
from flows.cli.route import route
from flows.language import choose, say

__all__ = ["WRITING_COMMANDS", "app", "main", "settings_errors"]

#: The commands that write traces, screenshots, reports, journals or the saved session: they run
#: under umask 077 (``automation.evidence.artifacts.private_umask``). The others write nothing of
#: prolong's (``route`` prints; ``artifacts purge`` only deletes; ``portal serve``'s database is
#: fictitious).
WRITING_COMMANDS = frozenset({"extend", "bulk", "demo", "login", "probe"})

app = typer.Typer(
    name="prolong",
    help="Extend legacy Info-partenaires travel-insurance contracts through Espace partenaire.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold the password or a client's data
    cls=PlainHelpGroup,
)

app.command("route", cls=PlainHelpCommand)(route)
app.command("extend", cls=PlainHelpCommand, context_settings=EXTEND_CONTEXT)(extend)
app.add_typer(portal.app, name="portal")
app.add_typer(bulk.app, name="bulk")
app.command("demo", cls=PlainHelpCommand)(demo)
app.add_typer(artifacts.app, name="artifacts")
app.command("login", cls=PlainHelpCommand)(login)
app.command("probe", cls=PlainHelpCommand)(probe)


def reflow(doc: str) -> str:
    """A docstring as help that wraps to the terminal: the lines of one paragraph joined.

    Typer's rich help keeps a docstring's line breaks after its first paragraph, so at 80
    columns every source line (up to 100 characters) broke in two. A line that starts a list
    item (``-``, ``*``, ``1.``) or a label (``Exit codes:``) keeps its break.
    """
    paragraphs = []
    for paragraph in inspect.cleandoc(doc).split("\n\n"):
        lines = paragraph.splitlines()
        joined = lines[:1]
        for line in lines[1:]:
            if _KEEPS_BREAK.match(line):
                joined.append(line)
            else:
                joined[-1] = f"{joined[-1]} {line.strip()}"
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


_KEEPS_BREAK = re.compile(r"\s*(?:[-*•] |\d+[.)] |\w[\w -]*: |\\b)")


def _reflow_help(typer_app: typer.Typer) -> None:
    """Reflow the help of every command and group of ``typer_app`` taken from a docstring."""
    for command in typer_app.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = reflow(command.callback.__doc__)
    for group in typer_app.registered_groups:
        if group.typer_instance is None:
            continue
        _reflow_help(group.typer_instance)
        info = group.typer_instance.info
        if isinstance(info.help, str):
            info.help = reflow(info.help)
    callback = typer_app.registered_callback
    if (
        callback is not None
        and callback.callback is not None
        and callback.callback.__doc__
        and callback.help is None
    ):
        callback.help = reflow(callback.callback.__doc__)


@app.callback()
def prolong(
    ctx: typer.Context,
    verbose: Annotated[
        bool,
        flag(
            "--verbose",
            "-v",
            help="Log each step (personal data masked unless PORTAL_SHOW_PERSONAL_DATA=true).",
        ),
    ] = False,
    lang: Annotated[
        Locale | None,
        typer.Option(
            "--lang",
            metavar=choices(Locale),
            help="Language of every line, report and hand-off of this run (default: "
            "PORTAL_LOCALE, else fr).",
        ),
    ] = None,
) -> None:
    """Extend legacy Info-partenaires travel-insurance contracts through Espace partenaire."""
    # First: every line of the run, a settings error included, is in this language. ``None``
    # goes back to PORTAL_LOCALE (tests invoke the app many times in one process).
    choose(lang)
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
                echo(say(fr=f"erreur : réglages : {line}", en=f"error: settings: {line}"), err=True)
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


_reflow_help(app)


def main() -> None:
    """Console-script entry point."""
    app()
