"""The sign-in page, and what a portal may show instead of it.

Before typing anything, the page object tells what the portal shows as a person would: its
sign-in form (the user-name field), the signed-in app (the screen the caller expects), or its
error page (a portal that is down): that fails at once instead of waiting the whole limit for
a form that will never come.
"""

from __future__ import annotations

from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import PortalFault, SignInFailed, UnexpectedScreen
from automation.lightning import TextInput
from automation.pages.base import PortalPage, ProbePoint

__all__ = ["SignInPage"]


class SignInPage(PortalPage):
    """« Nom d'utilisateur », « Mot de passe », « Se connecter »."""

    step = "sign-in"

    @property
    def username(self) -> TextInput:
        """The user-name field (by its label, or its placeholder where the label is only
        assistive text)."""
        return TextInput(self.page, self.labels.username, key="username", placeholder=True)

    @property
    def password(self) -> TextInput:
        """The password field."""
        return TextInput(self.page, self.labels.password, key="password", placeholder=True)

    @property
    def submit(self) -> Locator:
        """The « Se connecter » (« Log In », « Log in ») button."""
        return self._sign_in_button

    def probe_points(self) -> list[ProbePoint]:
        """User name, password and « Se connecter » (nothing is typed by the probe)."""
        labels = self.labels
        return [
            ProbePoint(f"username {labels.shown('username')}", self.username.control),
            ProbePoint(f"password {labels.shown('password')}", self.password.control),
            ProbePoint(f"sign-in button {labels.shown('sign_in')}", self.submit),
        ]

    def is_displayed(self) -> bool:
        """Whether the portal is showing its sign-in page now."""
        return self.submit.is_visible()

    def wait_shown(self, signed_in: Locator, *, status: int | None = None) -> bool:
        """Wait (within the limit) for what the portal shows: its sign-in form (True) or the
        signed-in app, ``signed_in`` (False).

        An error page, or a page answered with a server error (``status`` of the page load),
        raises ``PortalFault`` at once, naming the sign-in; neither form nor app nor error page
        within the limit is ``UnexpectedScreen`` naming the user-name field.
        """
        if status is not None and status >= 500:
            raise self.portal_down(status)
        form = self.username.control
        try:
            form.or_(signed_in).or_(self.error_page).first.wait_for(timeout=self.timeout)
        except PlaywrightTimeout:
            raise UnexpectedScreen(
                f"neither the sign-in form (field {self.labels.shown('username')}) "
                "nor the signed-in portal showed",
                step=self.step,
            ) from None
        if self.error_page.first.is_visible():
            raise self.portal_down(status)
        return form.first.is_visible()

    def sign_in(
        self, username: str, password: str, *, then: Locator, status: int | None = None
    ) -> None:
        """Sign in and wait for ``then`` (the page the portal returns to); nothing to type when
        the portal shows ``then`` already. ``status`` is the HTTP answer of the page load that
        led here, when the caller has it.

        The password goes straight into the field; callers pause tracing around this call so
        that no trace records it.
        """
        if self.wait_shown(then, status=status):
            # Each fill waits for its field (named if it never shows): no ``present()`` first.
            with self.username.reached() as field:
                field.first.fill(username)
            with self.password.reached() as field:
                field.first.fill(password)
            self.submit.click()
            self._signed_in(then)
        self.settle()

    def _signed_in(self, then: Locator) -> None:
        """After « Se connecter »: ``then``, or why not (refused, a server error the form shows,
        the error page), each without waiting out the limit."""
        refused = self.page.get_by_text(self.labels.sign_in_error)
        failed = self.toast.errors  # the form's own error region, once it says something
        then.or_(refused).or_(failed).or_(self.error_page).first.wait_for(timeout=self.timeout)
        if refused.is_visible():
            raise SignInFailed(
                "the portal refused the user name or password "
                "(check PORTAL_USERNAME and PORTAL_PASSWORD)",
                step=self.step,
            )
        if then.first.is_visible():
            return
        if self.error_page.first.is_visible():
            raise self.portal_down()
        said = "; ".join(self.toast.error_texts())
        raise PortalFault(f"the portal could not sign in: {said}", step=self.step)
