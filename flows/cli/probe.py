"""``prolong probe``: check every locator of every screen, creating nothing.

Register it with ``app.command("probe")(probe)``; it also runs alone:
``python -m flows.cli.probe --base-url URL``. Exit codes: 0 every element found, 1 some element
missing, ambiguous or not reached, 2 bad settings or no browser.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from playwright.sync_api import sync_playwright
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from automation.browser import BrowserNotFound, open_browser
from automation.probe import PointStatus, ProbeReport, probe_portal
from automation.settings import Settings, load_settings
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
    """One row per element: screen, element, what its locator found."""
    table = Table(title=f"prolong probe — {report.base_url}")
    for column in ("screen", "element", "status", "detail"):
        table.add_column(column)
    for result in report.results:
        style = _STYLE[result.status]
        status = result.status.value
        if result.status is PointStatus.AMBIGUOUS:
            status += f" ({result.count})"
        table.add_row(result.screen, result.element, f"[{style}]{status}[/]", result.detail)
    return table


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as error:
        typer.echo(f"error: settings: {error}", err=True)
        raise typer.Exit(2) from None


def probe(
    base_url: Annotated[
        str | None, typer.Option(help="portal URL (default: PORTAL_BASE_URL, else the simulator)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per element")] = False,
) -> None:
    """Walk every screen (sign-in, search, account, client form, resident questionnaire) and
    check each locator of each page object; « Démarrer » is never clicked, nothing is created.

    Searches the test client of PORTAL_TEST_CLIENT_*. Exit 1 when an element is missing,
    ambiguous or its screen could not be reached: the table says which label to fix.
    """
    settings = _settings()
    console = Console(stderr=as_json)
    try:
        with (
            portal_url(settings, base_url, announce=lambda text: console.print(f"[bold]{text}")
                       ) as url,
            sync_playwright() as playwright,
        ):
            browser = open_browser(playwright, settings)
            try:
                report = probe_portal(browser, settings, url)
            finally:
                browser.close()
    except BrowserNotFound as missing:
        typer.echo(f"error: {missing}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        for result in report.results:
            typer.echo(json.dumps({"screen": result.screen, "element": result.element,
                                   "status": result.status.value, "count": result.count,
                                   "detail": result.detail}, ensure_ascii=False))
    else:
        console.print(report_table(report))
    failures = report.failures
    console.print(f"{len(report.results)} elements checked, {len(failures)} failing")
    raise typer.Exit(0 if report.ok else 1)


if __name__ == "__main__":
    typer.run(probe)
