"""``prolong probe``: check every locator of every screen; record or compare a portal's screens.

Register it with ``app.command("probe")(probe)``; it also runs alone:
``python -m flows.cli.probe --base-url URL``. Exit codes: 0 every element found (``--compare``:
nothing differs), 1 some element missing, ambiguous or not reached (``--compare``: something
differs), 2 bad settings, no browser, a portal ``--deep`` may not write to, or an unreadable
recording.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from playwright.sync_api import sync_playwright
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from automation.diagnostics.drift import (
    Drift,
    Recording,
    RecordingError,
    compare_recordings,
    load_recording,
    record_portal,
    save_recording,
)
from automation.diagnostics.probe import PointStatus, ProbeReport, probe_portal
from automation.evidence.privacy import Masker
from automation.runtime.browser import BrowserNotFound, open_browser
from automation.runtime.settings import Locale, Settings, load_settings
from automation.safety import SalesNotAllowed, ensure_sales_allowed
from flows.cli.help_style import flag, run_alone
from flows.language import say
from flows.simulator import portal_url

__all__ = ["probe", "report_table"]

_STYLE = {
    PointStatus.FOUND: "green",
    PointStatus.MISSING: "bold red",
    PointStatus.AMBIGUOUS: "bold red",
    PointStatus.NOT_SHOWN: "dim",
    PointStatus.NOT_REACHED: "yellow",
}


def report_table(report: ProbeReport) -> Table:
    """One row per element: screen, element, its catalogue key, what its locator found."""
    table = Table(title=f"prolong probe — {report.base_url}")
    for column in ("screen", "element", "key", "status", "detail"):
        table.add_column(column)
    for result in report.results:
        style = _STYLE[result.status]
        status = result.status.value
        if result.status is PointStatus.AMBIGUOUS:
            status += f" ({result.count})"
        table.add_row(
            result.screen,
            escape(result.element),
            result.key,
            f"[{style}]{status}[/]",
            escape(result.detail),
        )
    return table


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as error:
        typer.echo(f"error: settings: {error}", err=True)
        raise typer.Exit(2) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(say(fr="erreur : ", en="error: ") + message, err=True)
    return typer.Exit(2)


def _test_client_masker(settings: Settings) -> Masker:
    masker = Masker(show=settings.show_personal_data)
    masker.register(
        names=(f"{settings.test_client_first_name} {settings.test_client_last_name}",),
        birth_date=settings.test_client_birth_date.isoformat(),
        phone=settings.test_client_phone,
    )
    return masker


def _print_report(console: Console, report: ProbeReport, as_json: bool, masker: Masker) -> None:
    if as_json:
        for result in report.results:
            typer.echo(
                json.dumps(
                    {
                        "screen": result.screen,
                        "element": result.element,
                        "key": result.key,
                        "status": result.status.value,
                        "count": result.count,
                        "detail": result.detail,
                    },
                    ensure_ascii=False,
                )
            )
    else:
        console.print(report_table(report))
    failures = report.failures
    console.print(
        say(
            fr=f"{len(report.results)} éléments vérifiés, {len(failures)} en échec",
            en=f"{len(report.results)} elements checked, {len(failures)} failing",
        )
    )
    for failing in failures:
        if failing.status is PointStatus.MISSING:
            console.print(
                say(
                    fr=f"[bold red]manquant[/] : {escape(failing.element)} — clé du catalogue "
                    f"{failing.key or '?'} (automation/labels.py), écran « {failing.screen} »",
                    en=f"[bold red]missing[/]: {escape(failing.element)} — catalogue key "
                    f"{failing.key or '?'} (automation/labels.py), screen « {failing.screen} »",
                )
            )
    if report.opportunity_name:
        # Its name holds the test client's: masked like every output (the quote number in it
        # is what finds the opportunity to delete).
        name = escape(masker.mask(report.opportunity_name))
        console.print(
            say(
                fr=f"opportunité créée et laissée non vendue (à supprimer) : {name}",
                en=f"opportunity created and left unsold (delete it): {name}",
            )
        )


def _print_drift(console: Console, drift: Drift, recorded: Recording) -> None:
    from fixtures.portal.variant_match import matching_simulator, serve_command

    for screen, lines in drift.screens.items():
        console.print(
            say(
                fr=f"[bold]écran « {screen} » : différent[/]",
                en=f"[bold]screen « {screen} »: differs[/]",
            )
        )
        for line in lines:
            style = "red" if line.startswith("-") else "green" if line.startswith("+") else ""
            console.print(
                f"[{style}]{escape(line)}[/]" if style else escape(line),
                highlight=False,
                soft_wrap=True,
            )
    for name, (before, now) in drift.switches.items():
        console.print(
            say(
                fr=f"[bold]switch {name}[/] : enregistré {before!r}, ici {now!r}",
                en=f"[bold]switch {name}[/]: recorded {before!r}, here {now!r}",
            )
        )
    profile, switches = matching_simulator(recorded.switches)
    console.print(
        say(
            fr="le simulateur qui ressemble à l'enregistrement : ",
            en="the simulator that looks like the recording: ",
        )
        + escape(serve_command(profile, switches)),
        highlight=False,
        soft_wrap=True,
    )
    if recorded.not_seen:
        console.print(
            say(fr="non observés dans l'enregistrement : ", en="not seen in the recording: ")
            + ", ".join(recorded.not_seen)
        )
    console.print(
        say(
            fr="aucune différence"
            if drift.equal
            else f"{len(drift.screens)} écran(s) et {len(drift.switches)} switch(es) différents",
            en="no differences"
            if drift.equal
            else f"{len(drift.screens)} screen(s) and {len(drift.switches)} switch(es) differ",
        )
    )


def probe(
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="portal URL (default: PORTAL_BASE_URL, else the simulator)"
        ),
    ] = None,
    as_json: Annotated[bool, flag("--json", help="one JSON object per element")] = False,
    deep: Annotated[
        bool,
        flag(
            "--deep",
            help="go on through « Démarrer » to the Voyage step and check it (creates "
            "an opportunity, left unsold: simulator or PORTAL_SANDBOX_HOSTS only)",
        ),
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            metavar="DIR",
            help="save each screen's masked aria snapshot and the switches seen in DIR",
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            metavar="DIR",
            help="walk the same screens on --base-url (default: the "
            "bundled simulator, not PORTAL_BASE_URL) and print how "
            "it differs from the recording in DIR",
        ),
    ] = None,
) -> None:
    """Walk every screen (sign-in, search, account, client form, resident questionnaire) and
    check each locator of each page object; « Démarrer » is never clicked, nothing is created.

    Searches the test client of PORTAL_TEST_CLIENT_*. Exit 1 when an element is missing,
    ambiguous or its screen could not be reached: the table names the label and its catalogue
    key. --deep goes on to the Voyage step; --record DIR and --compare DIR keep and compare the
    screens (exit 1 when they differ).
    """
    settings = _settings()
    if record is not None and compare is not None:
        raise _fail(
            say(
                fr="--record et --compare : un seul à la fois",
                en="--record and --compare: one at a time",
            )
        )
    recorded: Recording | None = None
    if compare is not None:
        try:
            recorded = load_recording(compare)
        except RecordingError as unreadable:
            raise _fail(str(unreadable)) from None
        # The same screens in the same language: the recording's, whatever PORTAL_LOCALE says;
        # on --base-url or the bundled simulator, never PORTAL_BASE_URL (usually the very org
        # the recording was made on).
        settings = settings.model_copy(update={"locale": Locale(recorded.locale), "base_url": ""})
        deep = deep or recorded.deep
    if deep:
        try:
            # Before any browser work: --deep creates an opportunity.
            ensure_sales_allowed(base_url or settings.base_url, settings)
        except SalesNotAllowed as refused:
            raise _fail(str(refused)) from None
    console = Console(stderr=as_json)
    current: Recording | None = None
    try:
        with (
            portal_url(
                settings, base_url, announce=lambda text: console.print(f"[bold]{text}")
            ) as url,
            sync_playwright() as playwright,
        ):
            browser = open_browser(playwright, settings)
            try:
                if record is None and compare is None:
                    report = probe_portal(browser, settings, url, deep=deep)
                else:
                    current, report = record_portal(browser, settings, url, deep=deep)
            finally:
                browser.close()
    except BrowserNotFound as missing:
        raise _fail(str(missing)) from None
    _print_report(console, report, as_json, _test_client_masker(settings))
    if record is not None and current is not None:
        written = save_recording(current, record)
        console.print(
            say(
                fr=f"enregistrement : {len(written)} fichiers dans {record}",
                en=f"recording: {len(written)} files in {record}",
            )
        )
    if recorded is not None and current is not None:
        drift = compare_recordings(recorded, current)
        _print_drift(console, drift, recorded)
        raise typer.Exit(0 if drift.equal else 1)
    raise typer.Exit(0 if report.ok else 1)


if __name__ == "__main__":
    run_alone(probe)
