"""``prolong artifacts purge``: remove old traces, screenshots, reports and journals.

Register it in the main app with ``app.add_typer(artifacts.app, name="artifacts")``.

Only the folders prolong creates in the artifacts folder are considered (``<time>-failure``
evidence of a failed request, ``bulk-<file>`` reports and journal, ``demo-<time>``); anything
else there is left alone, and so is a bulk folder whose run is still going. A folder's age counts
from the last change of anything in it. Exit codes: 0 done, 2 bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from automation.evidence.artifacts import purge as purge_folder
from automation.runtime.settings import load_settings
from flows.cli.help_style import PlainHelpCommand, PlainHelpGroup, flag
from flows.cli.lines import echo
from flows.language import say

__all__ = ["app", "purge"]

app = typer.Typer(
    name="artifacts",
    help="The private artifacts folder (traces, screenshots, reports, journals).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold the settings and their password
    cls=PlainHelpGroup,
)


@app.callback()
def artifacts() -> None:
    """The private artifacts folder (traces, screenshots, reports, journals)."""
    # A callback keeps `purge` a sub-command even though it is the group's only command.


def _default_root() -> Path:
    try:
        return load_settings().artifacts_dir
    except ValidationError as error:
        echo(say(fr=f"erreur : réglages : {error}", en=f"error: settings: {error}"), err=True)
        raise typer.Exit(code=2) from None


@app.command("purge", cls=PlainHelpCommand)
def purge(
    older_than: Annotated[
        float,
        typer.Option(
            "--older-than",
            metavar="DAYS",
            min=0,
            help="Remove what has not changed for more than DAYS days (0: everything not in use).",
        ),
    ],
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            file_okay=False,
            metavar="FOLDER",
            help="Artifacts folder to purge (default: PORTAL_ARTIFACTS_DIR, else ./artifacts).",
        ),
    ] = None,
    dry_run: Annotated[bool, flag(help="Only list what would be removed.")] = False,
) -> None:
    """Remove prolong's artifact folders older than DAYS days; leave everything else alone.

    A bulk folder holds the journal that stops a row being entered twice when the same file is
    run again: purge it once the file is done with.
    """
    root = folder if folder is not None else _default_root()
    result = purge_folder(root, older_than, dry_run=dry_run)
    # Plain lines, never wrapped: paths are meant to be copied.
    for path in result.removed:
        if dry_run:
            typer.echo(say(fr=f"serait supprimé : {path}", en=f"would remove: {path}"))
        else:
            typer.echo(say(fr=f"supprimé : {path}", en=f"removed: {path}"))
    for path in result.in_use:
        typer.secho(
            say(fr=f"en cours d’utilisation, gardé : {path}", en=f"in use, kept: {path}"),
            fg=typer.colors.YELLOW,
        )
    verbs = (
        say(fr="seraient supprimés", en="would remove")
        if dry_run
        else say(fr="supprimés", en="removed")
    )
    removed, kept, in_use = len(result.removed), len(result.kept), len(result.in_use)
    left = len(result.left_alone)
    typer.echo(
        say(  # starts with a path, to be copied: never wrapped
            fr=f"{root} : {removed} {verbs}, {kept} récents gardés, {in_use} en cours "
            f"d’utilisation, "
            f"{left} hors de prolong (laissés tels quels)",
            en=f"{root}: {removed} {verbs}, {kept} recent kept, {in_use} in use, {left} not "
            "prolong's (left alone)",
        )
    )
