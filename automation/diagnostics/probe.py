"""``prolong probe``: walk every screen without creating anything and check each locator.

After a Salesforce release, the first question is "which label or layout changed?". The probe
answers it element by element: it shows the sign-in page, then runs the walk of the procedure
(``automation.runtime.walk``) for the configured test client and stops before « Démarrer » (so
nothing is created), and on each screen the walk shows it counts what every locator of that screen's
page object finds (``probe_points()``). The locators are the page objects' own, so a renamed
label shows up as exactly that element missing.

The walk ticks the Québec privacy consent of the *test* client when the portal asks for it:
it only unlocks « Suivant », and nothing is sent to the portal before « Démarrer ».

Each element ends ``found`` (one), ``missing`` (none), ``ambiguous`` (several: Playwright's
strict mode would refuse it), ``not shown`` (an optional element absent for this client) or
``not reached`` (an earlier screen could not be passed).

``deep`` (``prolong probe --deep``, simulator or allowed sandbox only: it creates an
opportunity) goes on through « Démarrer » to the Voyage step and checks every field there
(``automation.diagnostics.probe_voyage``); the opportunity is left unsold, and its name is in the
report so QA can delete it. Every result names the catalogue key of its label (``ProbeResult.key``),
so a missing element says which line of ``automation/labels.py`` to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from playwright.sync_api import Browser, Locator
from playwright.sync_api import Error as PlaywrightError

from automation.diagnostics.probe_voyage import VoyageScreen
from automation.errors import PortalError, SignInFailed, UnexpectedScreen, WalkStopped
from automation.labels import Labels, labels_for
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
from automation.runtime.boundary import portal_errors
from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from automation.runtime.walk import Step, Visit, Walk

__all__ = ["Observe", "PointStatus", "ProbeReport", "ProbeResult", "catalogue_key", "probe_portal"]

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
    key: str = ""  # the catalogue key of the element's label ("" for one without a label)


@dataclass
class ProbeReport:
    """Every element checked, in walking order."""

    base_url: str
    results: list[ProbeResult] = field(default_factory=list)
    # The opportunity ``deep`` created and left unsold ("" when none was created).
    opportunity_name: str = ""

    @property
    def failures(self) -> list[ProbeResult]:
        """The elements missing, ambiguous or not reached."""
        return [result for result in self.results if result.status in _FAILING]

    @property
    def ok(self) -> bool:
        """True when every required element was found exactly once."""
        return not self.failures


def catalogue_key(labels: Labels, element: str) -> str:
    """The catalogue key an element's name points at: a ``(key)`` it quotes, its leading
    ``key «``, or the key whose text is its first « label » ("" when none is)."""
    names = {name for name in vars(labels) if name not in {"locale", "alternatives"}}
    # "(key)" as Labels.shown writes it, or "key « label »" as the field points are named.
    for word in re.findall(r"\(([a-z_]+)\)", element) + re.findall(r"^([a-z_]+) «", element):
        if word in names:
            return str(word)
    quoted = re.search(r"«\s*(.+?)\s*»", element)
    if quoted is None:
        return ""
    text = quoted.group(1)
    holders = []
    for name in sorted(names):
        value = getattr(labels, name)
        texts: tuple[str, ...] = ()
        if isinstance(value, str):
            texts = labels.texts(name)
        elif isinstance(value, tuple):
            texts = value
        if text in texts:
            holders.append(name)
    # Two keys may hold one text (« Comptes »: a tab and a table): the one whose words the
    # element's name uses (« navigation tab » → nav_tabs).
    words = element.casefold().split()

    def used(name: str) -> int:
        return sum(any(word.startswith(part[:3]) for word in words) for part in name.split("_"))

    return max(holders, key=used, default="")


#: Told of each screen once its elements are counted (its name, its page object): what a
#: drift recording keeps (``automation.diagnostics.drift``).
Observe = Callable[[str, PortalPage], None]


class _Walk:
    def __init__(
        self,
        browser: Browser,
        settings: Settings,
        base_url: str,
        *,
        deep: bool = False,
        observe: Observe | None = None,
    ) -> None:
        self.browser = browser
        self.settings = settings
        self.deep = deep
        self.observe = observe
        self.labels = labels_for(settings.locale)
        self.base_url = base_url.rstrip("/")
        self.report = ProbeReport(self.base_url)
        self.checked: set[str] = set()

    # checking one screen ----------------------------------------------------------------------
    def check(
        self,
        page_object: PortalPage,
        points: Sequence[ProbePoint] | None = None,
        *,
        screen: str = "",
        timeout_ms: float | None = None,
    ) -> None:
        screen = screen or page_object.step
        if screen in self.checked:
            return
        self.checked.add(screen)
        with portal_errors(screen):
            points = page_object.probe_points() if points is None else points
            required = [point.locator for point in points if not point.optional]
            if required:
                shown = required[0]
                for locator in required[1:]:
                    shown = shown.or_(locator)
                # The screen is there once any of its elements is; then each is counted.
                shown.first.wait_for(timeout=timeout_ms or self.settings.timeout_ms)
            page_object.settle()
            for point in points:
                count = self._count(point)
                status = _status(point, count)
                self.report.results.append(
                    ProbeResult(
                        screen,
                        point.element,
                        status,
                        count,
                        key=catalogue_key(self.labels, point.element),
                    )
                )
            if self.observe is not None:
                self.observe(screen, page_object)

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

    def salvage(self, screens: Sequence[PortalPage]) -> list[ProbeResult]:
        """Count the elements of the screen the walk could not open, if the page shows it.

        A page object knows its screen by one element (its marker): when the org renamed that
        one, the walk stops although the screen is there, and the renamed element must be
        named as missing like any other, not hidden in a "not reached" screen. Returns the
        elements of that screen found missing."""
        pending = [screen for screen in screens if screen.step not in self.checked]
        if not pending:
            return []
        screen = pending[0]
        kept = len(self.report.results)
        try:
            self.check(screen, timeout_ms=_GRACE_MS)
        except PortalError:
            # Not on the page after all: it stays "not reached".
            self.checked.discard(screen.step)
            del self.report.results[kept:]
            return []
        return [
            result for result in self.report.results[kept:] if result.status is PointStatus.MISSING
        ]

    def unreached(self, screens: Sequence[PortalPage], why: str) -> None:
        first = True
        for screen in screens:
            if screen.step in self.checked:
                continue
            for point in screen.probe_points():
                detail = why if first else ""
                self.report.results.append(
                    ProbeResult(
                        screen.step,
                        point.element,
                        PointStatus.NOT_REACHED,
                        0,
                        detail,
                        key=catalogue_key(self.labels, point.element),
                    )
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
        return Visit(
            account_name=name,
            birth_date=settings.test_client_birth_date,
            search_terms=(name,),
            privacy_consent=True,
        )

    def screens(self, session: PortalSession, visit: Visit) -> list[PortalPage]:
        """Every screen the probe checks, in walking order (to list those not reached)."""
        page, labels = session.page, session.labels
        return [
            session.home,
            SearchResultsPage(page, labels, visit.search_terms[0]),
            AccountPage(page, labels, visit.account_name),
            ClientFormPage(page, labels),
            ResidencyPage(page, labels),
            *([VoyageScreen(page, labels)] if self.deep else []),
        ]

    def voyage(self, opportunity: PortalPage) -> None:
        """Check the Voyage step: every field, then « Oui » and the two fields it shows."""
        screen = VoyageScreen(opportunity.page, opportunity.labels)
        with portal_errors(screen.step):
            screen.at_trip_step()
        self.check(screen)
        revealed = f"{screen.step} after « {self.labels.yes} »"
        if screen.can_reveal():
            with portal_errors(screen.step):
                screen.reveal()
            self.check(screen, screen.revealed_points(), screen=revealed)
            return
        why = f"shown after « {self.labels.yes} » to q_other_insurer, which is missing"
        for point in screen.revealed_points():
            self.report.results.append(
                ProbeResult(
                    revealed,
                    point.element,
                    PointStatus.NOT_REACHED,
                    0,
                    why,
                    key=catalogue_key(self.labels, point.element),
                )
            )
            why = ""

    def on_screen(self, step: Step, screen: PortalPage) -> None:
        if step is Step.START:
            self.voyage(screen)
        else:
            self.check(screen)

    def run(self) -> ProbeReport:
        self.sign_in_screen()
        session = PortalSession(self.browser, self.settings, self.base_url)
        visit = self.visit()
        try:
            try:
                with portal_errors("sign-in"):
                    session.start()
                self.check(session.home)
                walk = Walk(session, visit)
                try:
                    walk.run(
                        stop_before=Step.VOYAGE if self.deep else Step.START,
                        on_screen=self.on_screen,
                    )
                finally:
                    self.report.opportunity_name = walk.trail.opportunity_name
            except (PortalError, WalkStopped) as failed:
                missing = (
                    self.salvage(self.screens(session, visit))
                    if isinstance(failed, PortalError)
                    else []
                )
                why = _why(failed)
                if missing:
                    # What stopped the walk, in the catalogue's words.
                    why = f"the walk stopped at « {missing[0].screen} »: " + ", ".join(
                        f"{m.element} missing" for m in missing
                    )
                self.unreached(self.screens(session, visit), why)
            # Leave without « Démarrer » (nothing is created) or, deep, before « Marquer
            # l'étape comme terminée » (the opportunity stays unsold at its Voyage step).
            session.page.goto(self.base_url + HomePage.path)
        finally:
            session.close()
        return self.report


def _why(failed: Exception) -> str:
    if isinstance(failed, SignInFailed):  # says what to do; holds no personal data
        return str(failed)
    if isinstance(failed, UnexpectedScreen) and (
        "«" in failed.detail or failed.detail.endswith("screen not shown")
    ):
        # The page objects' own wording, built from the catalogue and the screens' names:
        # « label » (key) not found, the resident questionnaire screen not shown.
        return f"could not pass this screen: {failed.detail}"
    # The class name only: a message can quote a URL holding the client's name.
    return f"could not open this screen ({type(failed).__name__})"


def _status(point: ProbePoint, count: int) -> PointStatus:
    if count == 1:
        return PointStatus.FOUND
    if count > 1:
        return PointStatus.AMBIGUOUS
    return PointStatus.NOT_SHOWN if point.optional else PointStatus.MISSING


def probe_portal(
    browser: Browser,
    settings: Settings,
    base_url: str,
    *,
    deep: bool = False,
    observe: Observe | None = None,
) -> ProbeReport:
    """Walk every screen of ``base_url`` and report each locator: without creating anything,
    or (``deep``) through « Démarrer » to the Voyage step, leaving that opportunity unsold.

    ``deep`` creates an opportunity: the caller checks first that ``base_url`` may take one
    (``automation.safety.ensure_sales_allowed``). ``observe`` is told of each screen checked.
    """
    return _Walk(browser, settings, base_url, deep=deep, observe=observe).run()
