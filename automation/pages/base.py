"""What every page object shares: the page, its labels, the spinner, the toasts, and how a
screen knows it is showing.

Each page object names its ``marker``: the element that shows the screen is there (as UTAM's
``beforeLoad`` or CumulusCI's ``_is_current_page``). ``loaded()`` waits for it, and every action
that leads to another screen returns that screen already loaded, so no caller waits after an
action.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import FormRejected, PortalFault, SessionExpired, UnexpectedScreen
from automation.labels import Labels
from automation.lightning import LightningField, Spinner, Toast, wait_limit

__all__ = ["PortalPage", "ProbePoint"]

_ANY_TEXT = re.compile(r"\S")
# A toast's close button is clickable at once; one that takes longer has faded meanwhile.
_CLOSE_MS = 1_000


class ProbePoint(NamedTuple):
    """One element a page object relies on, for ``prolong probe``: its name and locator.

    ``optional`` elements depend on the data (a Québec-only consent, an empty related list):
    their absence is reported but is not a broken locator. ``visible`` False counts elements
    that exist without a box of their own (a datatable's column headers).
    """

    element: str
    locator: Locator
    optional: bool = False
    visible: bool = True


class PortalPage:
    """Base of the page objects: one screen of the portal, in the locale of ``labels``."""

    step = "portal"

    def __init__(self, page: Page, labels: Labels) -> None:
        self.page = page
        self.labels = labels
        self.spinner = Spinner(page, labels.spinner)
        self.toast = Toast(page, success_texts=labels.texts("toast_success"))

    @property
    def timeout(self) -> float | None:
        """The session's wait limit (PORTAL_TIMEOUT_MS) for every wait of this page."""
        return wait_limit(self.page)

    @property
    def _sign_in_button(self) -> Locator:
        # « Se connecter », « Log In » or « Log in »: also the button of the notice some
        # portals show when the session has expired, before the sign-in page.
        return self.page.get_by_role("button", name=self.labels.any_of("sign_in"))

    @property
    def error_page(self) -> Locator:
        """The heading of the page a portal that is down shows instead of any screen
        (« Erreur du serveur », Lightning's « Désolé de vous interrompre »)."""
        return self.page.get_by_role("heading", name=self.labels.any_of("portal_error"))

    def portal_down(self, status: int | None = None) -> PortalFault:
        """The fault of a portal that shows its error page (``status``: its HTTP answer)."""
        shown = self.error_page.first
        said = " ".join((shown.inner_text() if shown.is_visible() else "").split())
        what = " ".join(
            part
            for part in (f"HTTP {status}" if status else "", f"« {said} »" if said else "")
            if part
        )
        return PortalFault(
            f"the portal showed an error page ({what or 'no screen'})", step=self.step
        )

    def button(self, key: str, within: Locator | None = None) -> Locator:
        """The button labelled with any text the catalogue has for ``key``."""
        return (within or self.page).get_by_role("button", name=self.labels.any_of(key))

    def expect_shown(self, locator: Locator, what: str) -> Locator:
        """Wait (within the limit) for ``locator``; else ``UnexpectedScreen`` naming ``what``
        (the element's expected label and catalogue key), not a Playwright call log."""
        try:
            locator.first.wait_for(timeout=self.timeout)
        except PlaywrightTimeout:
            raise UnexpectedScreen(f"{what} not found", step=self.step) from None
        return locator

    @property
    def marker(self) -> Locator:
        """The element that shows this screen is displayed (each screen names its own)."""
        raise NotImplementedError(f"{type(self).__name__} names no marker")

    def loaded(self) -> Self:
        """Wait until this screen shows (or the portal says why not); return it."""
        self.arrive(self.marker)
        return self

    def probe_points(self) -> list[ProbePoint]:
        """The elements this screen's page object relies on (overridden by each screen)."""
        return []

    def is_clean(self) -> bool:
        """Whether nothing a previous action left shows (no wait): no error toast, which the
        next screen would be blamed for, and no dialog over the page. A success toast does
        not count: it gates nothing and fades by itself. (A session notice, an alert dialog
        offering to sign in, is the sign-in page's business.)"""
        return self.toast.errors.count() == 0 and self.page.get_by_role("dialog").count() == 0

    def arrive(self, marker: Locator, *, timeout_ms: float | None = None, what: str = "") -> None:
        """Wait for ``marker`` of the expected screen (``what`` names it in a failure: its
        expected label and catalogue key; the screen's name otherwise).

        Fails fast with ``SessionExpired`` when the portal shows its sign-in page instead and
        with ``PortalFault`` when it shows an error toast or its error page, rather than waiting
        out the timeout.
        """
        outcome = marker.or_(self._sign_in_button).or_(self.toast.errors).or_(self.error_page)
        try:
            outcome.first.wait_for(timeout=timeout_ms or self.timeout)
        except PlaywrightTimeout:
            # Named, not quoted from Playwright: its call log (and the page's URL, which holds
            # search terms) can carry a client's name.
            raise UnexpectedScreen(
                f"{what or f'the {self.step} screen'} not shown", step=self.step
            ) from None
        if marker.first.is_visible():
            self.settle()
            # A screen can show its frame while the call that fills it failed: a page whose
            # data did not come is not the screen the caller expects.
            if self.toast.errors.count():
                raise PortalFault("; ".join(self.toast.error_texts()), step=self.step)
            return
        if self.error_page.first.is_visible():
            raise self.portal_down()
        if self._on_sign_in_page():
            raise SessionExpired("the portal asked to sign in again", step=self.step)
        raise PortalFault("; ".join(self.toast.error_texts()), step=self.step)

    def _on_sign_in_page(self) -> bool:
        # The sign-in page may show its message before its button: give the button a moment.
        try:
            self._sign_in_button.wait_for(timeout=2_000)
        except PlaywrightTimeout:
            return False
        return True

    def submitted(self, then: Locator, fields: dict[str, LightningField]) -> None:
        """After a submit, wait for ``then`` or for the portal's refusal.

        A refusal that marks fields is ``FormRejected`` (the data: not retried) with every field
        error; an error toast alone is ``PortalFault`` (a server error: worth retrying).
        """
        then.or_(self.toast.errors).or_(self._sign_in_button).first.wait_for(timeout=self.timeout)
        self.settle()
        if then.first.is_visible():
            return
        if self._on_sign_in_page():
            raise SessionExpired("the portal asked to sign in again", step=self.step)
        errors = self.field_errors(fields)
        toast = " ".join(self.toast.error_texts())
        if not errors:
            raise PortalFault(toast or "the portal refused the step", step=self.step)
        raise FormRejected(errors, step=self.step, toast=toast)

    def settle(self) -> None:
        """Wait until the portal has finished loading (no spinner left); close the success
        toasts showing."""
        try:
            self.spinner.wait_gone(self.timeout)
        except PlaywrightTimeout:
            raise PortalFault("the page kept loading", step=self.step) from None
        self.dismiss_success_toasts()

    def dismiss_success_toasts(self) -> None:
        """Close the success toasts showing, as a person would.

        They gate nothing, but they sit over the record header's actions (top right, 4 to 10 s
        on Salesforce): a click there would wait until one fades, seconds per step, and with
        no page load between requests the last sale's toast would cover the next account's
        « Nouvelle opportunité ».
        """
        # A toast has a title (a heading); a field's help or error region, also a ``status``,
        # has none.
        toasts = self.toast.success(_ANY_TEXT).filter(has=self.page.get_by_role("heading"))
        closers = toasts.get_by_role("button")
        for closer in closers.all():
            try:
                closer.press("Enter", timeout=_CLOSE_MS)  # a click waits ~50 ms more
            except PlaywrightError:
                continue  # it faded by itself meanwhile: nothing left to close

    def field_errors(self, fields: dict[str, LightningField]) -> dict[str, str]:
        """Every field error on screen, by field label (all of them, not the first)."""
        errors: dict[str, str] = {}
        for label, field in fields.items():
            try:
                message = field.error()
            except PlaywrightError:
                continue  # a field hidden by a condition has no error to show
            if message:
                errors[label] = message
        return errors
