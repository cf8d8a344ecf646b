"""A signed-in browser session on one portal, with recovery from an expired session.

The password is typed only in a throwaway, untraced browser context; the working context gets
the resulting cookies. So no trace, video or screenshot of the working context can hold the
password, and a bounce to the sign-in page mid-step is mended by signing in again the same way
and returning to where the portal was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from automation.artifacts import private_file
from automation.browser import open_browser
from automation.errors import SessionExpired
from automation.labels import Labels, labels_for
from automation.pages import (
    AccountPage,
    ClientFormPage,
    HomePage,
    OpportunityPage,
    ResidencyPage,
    SearchResultsPage,
    SignInPage,
)
from automation.settings import Settings

__all__ = ["PortalSession", "open_session"]

T = TypeVar("T")


class PortalSession:
    """One browser context signed in to ``base_url``, with a page object per screen."""

    def __init__(self, browser: Browser, settings: Settings, base_url: str) -> None:
        self.browser = browser
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        self.labels: Labels = labels_for(settings.locale)
        self.context: BrowserContext = browser.new_context(
            base_url=self.base_url, locale=f"{settings.locale.value}-CA"
        )
        self.context.set_default_timeout(settings.timeout_ms)
        self.page: Page = self.context.new_page()
        self.sign_ins = 0

    # page objects ---------------------------------------------------------------------------
    @property
    def sign_in_page(self) -> SignInPage:
        """The sign-in page."""
        return SignInPage(self.page, self.labels)

    @property
    def home(self) -> HomePage:
        """Home, header and global search."""
        return HomePage(self.page, self.labels)

    @property
    def search_results(self) -> SearchResultsPage:
        """Search results."""
        return SearchResultsPage(self.page, self.labels)

    @property
    def account(self) -> AccountPage:
        """The person account page."""
        return AccountPage(self.page, self.labels)

    @property
    def client_form(self) -> ClientFormPage:
        """The new-opportunity client form."""
        return ClientFormPage(self.page, self.labels)

    @property
    def residency(self) -> ResidencyPage:
        """The resident questionnaire."""
        return ResidencyPage(self.page, self.labels)

    @property
    def opportunity(self) -> OpportunityPage:
        """The opportunity record."""
        return OpportunityPage(self.page, self.labels)

    # signing in -----------------------------------------------------------------------------
    def sign_in(self) -> None:
        """Sign in (in an untraced context) and give the cookies to the working context."""
        state = self._fresh_state()
        self.context.add_cookies(state["cookies"])
        self.sign_ins += 1
        path = private_file(self.settings.storage_state)
        path.write_text(json.dumps(state), encoding="utf-8")

    def _fresh_state(self) -> dict[str, Any]:
        scratch = self.browser.new_context(base_url=self.base_url)
        try:
            scratch.set_default_timeout(self.settings.timeout_ms)
            page = scratch.new_page()
            page.goto("/s/")
            home = HomePage(page, self.labels)
            SignInPage(page, self.labels).sign_in(
                self.settings.username,
                self.settings.password.get_secret_value(),
                then=home.new_opportunity_button,
            )
            return scratch.storage_state()  # type: ignore[return-value]
        finally:
            scratch.close()

    def start(self) -> None:
        """Sign in and open the home page."""
        self.sign_in()
        self.home.open(self.base_url)

    def recover(self) -> None:
        """After a bounce to the sign-in page: sign in again and return where the portal was."""
        query = parse_qs(urlsplit(self.page.url).query)
        back_to = query.get("startURL", ["/s/"])[0]
        self.sign_in()
        self.page.goto(back_to)

    def step(self, action: Callable[[], T]) -> T:
        """Run one flow step; on an expired session, sign in again once and re-run it."""
        try:
            return action()
        except SessionExpired:
            self.recover()
            return action()

    def close(self) -> None:
        """Close the browser context."""
        self.context.close()


@contextmanager
def open_session(settings: Settings, base_url: str) -> Iterator[PortalSession]:
    """Start Playwright and a browser, sign in to ``base_url`` and yield the session."""
    with sync_playwright() as playwright:
        browser = open_browser(playwright, settings)
        try:
            session = PortalSession(browser, settings, base_url)
            session.start()
            yield session
        finally:
            browser.close()
