"""``prolong probe``: walk every screen without creating anything and check each locator.

After a Salesforce release, the first question is "which label or layout changed?". The probe
answers it element by element: it signs in, searches the configured test client, opens the
account, opens the client form and the resident questionnaire, then leaves (« Démarrer » is
never clicked, so nothing is created) and, on each screen, counts what every locator of that
screen's page object finds (``probe_points()``). The locators are the page objects' own, so a
renamed label shows up as exactly that element missing.

Each element ends ``found`` (one), ``missing`` (none), ``ambiguous`` (several: Playwright's
strict mode would refuse it), ``not shown`` (an optional element absent for this client) or
``not reached`` (an earlier screen could not be passed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from playwright.sync_api import Browser, Locator, expect
from playwright.sync_api import Error as PlaywrightError

from automation.errors import PortalError, SignInFailed
from automation.labels import labels_for
from automation.pages import (
    HomePage,
    PortalPage,
    ProbePoint,
    SignInPage,
)
from automation.session import PortalSession
from automation.settings import Settings

__all__ = ["PointStatus", "ProbeReport", "ProbeResult", "probe_portal"]

# How long a locator that finds nothing gets once its screen is shown: sections of a Lightning
# page render one after the other, and an element late by a moment is not a broken locator.
_GRACE_MS = 2_000


class PointStatus(StrEnum):
    """What one locator found."""

    FOUND = "found"
    MISSING = "missing"
    AMBIGUOUS = "ambiguous"
    NOT_SHOWN = "not shown"
    NOT_REACHED = "not reached"


_FAILING = {PointStatus.MISSING, PointStatus.AMBIGUOUS, PointStatus.NOT_REACHED}


@dataclass(frozen=True)
class ProbeResult:
    """One element of one screen and what its locator found."""

    screen: str
    element: str
    status: PointStatus
    count: int = 0
    detail: str = ""


@dataclass
class ProbeReport:
    """Every element checked, in walking order."""

    base_url: str
    results: list[ProbeResult] = field(default_factory=list)

    @property
    def failures(self) -> list[ProbeResult]:
        """The elements missing, ambiguous or not reached."""
        return [result for result in self.results if result.status in _FAILING]

    @property
    def ok(self) -> bool:
        """True when every required element was found exactly once."""
        return not self.failures


@dataclass(frozen=True)
class _Screen:
    name: str
    page_object: PortalPage
    points: Callable[[], Sequence[ProbePoint]]
    reach: Callable[[], None]  # the user action that leads to this screen


class _Walk:
    def __init__(self, browser: Browser, settings: Settings, base_url: str) -> None:
        self.browser = browser
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        self.report = ProbeReport(self.base_url)

    # checking one screen ----------------------------------------------------------------------
    def check(self, screen: str, page_object: PortalPage, points: Sequence[ProbePoint]) -> None:
        required = [point.locator for point in points if not point.optional]
        if required:
            shown = required[0]
            for locator in required[1:]:
                shown = shown.or_(locator)
            # The screen is there once any of its elements is; then each is counted.
            expect(shown.first).to_be_visible(timeout=self.settings.timeout_ms)
        page_object.settle()
        for point in points:
            count = self._count(point)
            status = _status(point, count)
            self.report.results.append(ProbeResult(screen, point.element, status, count))

    @staticmethod
    def _count(point: ProbePoint) -> int:
        # Hidden copies (a closed menu, a collapsed section) are not what a user acts on.
        shown: Locator = point.locator.filter(visible=True) if point.visible else point.locator
        if shown.count() == 0 and not point.optional:
            try:
                shown.first.wait_for(state="attached", timeout=_GRACE_MS)
            except PlaywrightError:
                return 0
        return shown.count()

    def unreached(self, screens: Sequence[_Screen], why: str) -> None:
        for index, screen in enumerate(screens):
            for point in screen.points():
                detail = why if index == 0 else ""
                self.report.results.append(
                    ProbeResult(screen.name, point.element, PointStatus.NOT_REACHED, 0, detail)
                )

    # the walk ---------------------------------------------------------------------------------
    def sign_in_screen(self) -> None:
        # A fresh context without cookies, so the sign-in page shows even when a saved session
        # exists; nothing is typed here.
        context = self.browser.new_context(base_url=self.base_url)
        try:
            context.set_default_timeout(self.settings.timeout_ms)
            page = context.new_page()
            sign_in = SignInPage(page, labels_for(self.settings.locale))

            def to_sign_in() -> None:
                page.goto("/s/login")

            self.walk([_Screen("sign-in", sign_in, sign_in.probe_points, to_sign_in)])
        finally:
            context.close()

    def portal_screens(self, session: PortalSession) -> list[_Screen]:
        settings = self.settings
        name = f"{settings.test_client_first_name} {settings.test_client_last_name}"
        birth_date = settings.test_client_birth_date.isoformat()
        home, results, account = session.home, session.search_results, session.account
        form, residency = session.client_form, session.residency

        def to_questionnaire() -> None:
            # The Québec consent only unlocks « Suivant »: nothing is sent to the portal before
            # « Démarrer », which the probe never clicks, so no consent is recorded anywhere.
            if form.consent_is_asked():
                form.privacy_consent.set(True)
            form.next_button.click()

        return [
            _Screen("home", home, home.probe_points, session.start),
            _Screen("search results", results, lambda: results.probe_points(name, name),
                    lambda: home.search(name)),
            _Screen("account", account, lambda: account.probe_points(name),
                    lambda: results.open_account(name, birth_date)),
            _Screen("client form", form, form.probe_points, account.new_opportunity),
            _Screen("resident questionnaire", residency, residency.probe_points, to_questionnaire),
        ]

    def walk(self, screens: Sequence[_Screen]) -> None:
        for index, screen in enumerate(screens):
            try:
                screen.reach()
                self.check(screen.name, screen.page_object, screen.points())
            except (AssertionError, PlaywrightError, PortalError) as failed:
                # The class name only: a message can quote a URL holding the client's name.
                why = f"could not open this screen ({type(failed).__name__})"
                if isinstance(failed, SignInFailed):  # says what to do; holds no personal data
                    why = str(failed)
                self.unreached(screens[index:], why)
                return

    def run(self) -> ProbeReport:
        self.sign_in_screen()
        session = PortalSession(self.browser, self.settings, self.base_url)
        try:
            self.walk(self.portal_screens(session))
            # Leave without « Démarrer »: the opportunity is never created.
            session.page.goto(self.base_url + HomePage.path)
        finally:
            session.close()
        return self.report


def _status(point: ProbePoint, count: int) -> PointStatus:
    if count == 1:
        return PointStatus.FOUND
    if count > 1:
        return PointStatus.AMBIGUOUS
    return PointStatus.NOT_SHOWN if point.optional else PointStatus.MISSING


def probe_portal(browser: Browser, settings: Settings, base_url: str) -> ProbeReport:
    """Walk every screen of ``base_url`` without creating anything; report each locator."""
    return _Walk(browser, settings, base_url).run()

