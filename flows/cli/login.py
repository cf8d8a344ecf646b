"""``prolong login``: a person signs in to a real org (MFA included); the session is saved.

Register it with ``app.command("login")(login)``. The suite and the commands then load the saved
session (``PORTAL_STORAGE_STATE``, owner-only) instead of typing the password, until it expires.
"""

from __future__ import annotations

from typing import Annotated

import typer
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from pydantic import ValidationError

from automation.runtime.browser import BrowserNotFound, open_browser
from automation.runtime.session import interactive_login
from automation.runtime.settings import load_settings
from flows.cli.help_style import run_alone
from flows.cli.lines import echo
from flows.language import say

__all__ = ["login"]


def login(
    base_url: Annotated[
        str | None, typer.Option(metavar="URL", help="portal URL (default: PORTAL_BASE_URL)")
    ] = None,
    timeout: Annotated[
        int,
        typer.Option(
            min=10, metavar="SECONDS", help="seconds to wait for the person to finish signing in"
        ),
    ] = 600,
) -> None:
    """Open a browser window on the portal, let you sign in (MFA included), save the session.

    The session is written to PORTAL_STORAGE_STATE (owner-only, git-ignored); `pytest` and the
    prolong commands reuse it for that portal until it expires.
    """
    try:
        settings = load_settings(headless=False)
    except ValidationError as error:
        echo(say(fr=f"erreur : réglages : {error}", en=f"error: settings: {error}"), err=True)
        raise typer.Exit(2) from None
    url = (base_url or settings.base_url).rstrip("/")
    if not url:
        echo(
            say(
                fr="erreur : indiquer --base-url ou PORTAL_BASE_URL (le simulateur fourni n’a pas "
                "besoin de session enregistrée : il se connecte avec le compte de démonstration)",
                en="error: give --base-url or PORTAL_BASE_URL (the bundled simulator needs no "
                "saved session: it signs in with the demo account)",
            ),
            err=True,
        )
        raise typer.Exit(2)
    echo(
        say(
            fr=f"Connectez-vous à {url} dans la fenêtre du navigateur (attente de "
            f"{timeout} s au plus)…",
            en=f"Sign in to {url} in the browser window (waiting up to {timeout} s)...",
        )
    )
    try:
        with sync_playwright() as playwright:
            browser = open_browser(playwright, settings)
            try:
                path = interactive_login(browser, settings, url, timeout_ms=timeout * 1000)
            finally:
                browser.close()
    except BrowserNotFound as missing:
        echo(say(fr=f"erreur : {missing}", en=f"error: {missing}"), err=True)
        raise typer.Exit(2) from None
    except PlaywrightError:
        echo(
            say(
                fr=f"erreur : la page d’accueil de {url} ne s’est pas affichée en "
                f"{timeout} s : rien n’est enregistré",
                en=f"error: the home page of {url} did not show within {timeout} s: nothing saved",
            ),
            err=True,
        )
        raise typer.Exit(1) from None
    echo(
        say(
            fr=f"Session enregistrée dans {path} (lisible par vous seul) ; elle sert "
            "jusqu’à son expiration.",
            en=f"Session saved in {path} (owner-only); it is reused until it expires.",
        )
    )


if __name__ == "__main__":
    run_alone(login)
