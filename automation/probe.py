"""``prolong probe``: walk every screen without creating anything and check each locator.

After a Salesforce release, the first question is "which label or layout changed?". The probe
answers it element by element: it shows the sign-in page, then runs the walk of the procedure
(``automation.walk``) for the configured test client and stops before « Démarrer » (so nothing
is created), and on each screen the walk shows it counts what every locator of that screen's
page object finds (``probe_points()``). The locators are the page objects' own, so a renamed
label shows up as exactly that element missing.

The walk ticks the Québec privacy consent of the *test* client when the portal asks for it:
it only unlocks « Suivant », and nothing is sent to the portal before « Démarrer ».

Each element ends ``found`` (one), ``missing`` (none), ``ambiguous`` (several: Playwright's
strict mode would refuse it), ``not shown`` (an optional element absent for this client) or
``not reached`` (an earlier screen could not be passed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from playwright.sync_api import Browser, Locator, expect
from playwright.sync_api import Error as PlaywrightError

from automation.boundary import portal_errors
from automation.errors import PortalError, SignInFailed, WalkStopped
from automation.labels import labels_for
from automation.lightning import set_wait_limit
from automation.pages import (
    AccountPage,
    ClientFormPage,
    HomePage,
    PortalPage,
    ProbePoint,
    ResidencyPage,
    SearchResultsPage,
    SignInPage,
)
from automation.session import PortalSession
from automation.settings import Settings
from automation.walk import Step, Visit, Walk

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


class _Walk:
    def __init__(self, browser: Browser, settings: Settings, base_url: str) -> None:
        self.browser = browser
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        self.report = ProbeReport(self.base_url)
        self.checked: set[str] = set()

    # checking one screen ----------------------------------------------------------------------
    def check(self, page_object: PortalPage) -> None:
        screen = page_object.step
        if screen in self.checked:
            return
        self.checked.add(screen)
        with portal_errors(screen):
            points = page_object.probe_points()
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

    def unreached(self, screens: Sequence[PortalPage], why: str) -> None:
        first = True
        for screen in screens:
            if screen.step in self.checked:
                continue
            for point in screen.probe_points():
                detail = why if first else ""
                self.report.results.append(
                    ProbeResult(screen.step, point.element, PointStatus.NOT_REACHED, 0, detail)
                )
            first = False

    # the walk ---------------------------------------------------------------------------------
    def sign_in_screen(self) -> None:
        # A fresh context without cookies, so the sign-in page shows even when a saved session
        # exists; nothing is typed here.
        context = self.browser.new_context(base_url=self.base_url)
        try:
            set_wait_limit(context, self.settings.timeout_ms)
            page = context.new_page()
            sign_in = SignInPage(page, labels_for(self.settings.locale))
            try:
                with portal_errors("sign-in"):
                    # The site's home, signed out: the portal sends it to its sign-in page,
                    # wherever that lives (/s/login, /s/login/?…&ec=302, under a prefix).
                    page.goto(self.base_url + HomePage.path)
                    self.check(sign_in)
            except PortalError as failed:
                self.unreached([sign_in], _why(failed))
        finally:
            context.close()

    def visit(self) -> Visit:
        settings = self.settings
        name = f"{settings.test_client_first_name} {settings.test_client_last_name}"
        # A test client of the org: its consent is the probe's own to give (see above).
        return Visit(account_name=name, birth_date=settings.test_client_birth_date,
                     search_terms=(name,), privacy_consent=True)

    def screens(self, session: PortalSession, visit: Visit) -> list[PortalPage]:
        """Every screen the probe checks, in walking order (to list those not reached)."""
        page, labels = session.page, session.labels
        return [
            session.home,
            SearchResultsPage(page, labels, visit.search_terms[0]),
            AccountPage(page, labels, visit.account_name),
            ClientFormPage(page, labels),
            ResidencyPage(page, labels),
        ]

    def run(self) -> ProbeReport:
        self.sign_in_screen()
        session = PortalSession(self.browser, self.settings, self.base_url)
        visit = self.visit()
        try:
            try:
                with portal_errors("sign-in"):
                    session.start()
                self.check(session.home)
                Walk(session, visit).run(
                    stop_before=Step.START, on_screen=lambda _step, screen: self.check(screen)
                )
            except (PortalError, WalkStopped) as failed:
                self.unreached(self.screens(session, visit), _why(failed))
            # Leave without « Démarrer »: the opportunity is never created.
            session.page.goto(self.base_url + HomePage.path)
        finally:
            session.close()
        return self.report


def _why(failed: Exception) -> str:
    if isinstance(failed, SignInFailed):  # says what to do; holds no personal data
        return str(failed)
    # The class name only: a message can quote a URL holding the client's name.
    return f"could not open this screen ({type(failed).__name__})"


def _status(point: ProbePoint, count: int) -> PointStatus:
    if count == 1:
        return PointStatus.FOUND
    if count > 1:
        return PointStatus.AMBIGUOUS
    return PointStatus.NOT_SHOWN if point.optional else PointStatus.MISSING


def probe_portal(browser: Browser, settings: Settings, base_url: str) -> ProbeReport:
    """Walk every screen of ``base_url`` without creating anything; report each locator."""
    return _Walk(browser, settings, base_url).run()

