"""The sign-in page."""

from __future__ import annotations

from playwright.sync_api import Locator

from automation.errors import SignInFailed
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

    def sign_in(self, username: str, password: str, *, then: Locator) -> None:
        """Sign in and wait for ``then`` (the page the portal returns to).

        The password goes straight into the field; callers pause tracing around this call so
        that no trace records it.
        """
        self.username.present().first.fill(username)
        self.password.present().first.fill(password)
        self.submit.click()
        refused = self.page.get_by_text(self.labels.sign_in_error)
        then.or_(refused).first.wait_for(timeout=self.timeout)
        if refused.is_visible():
            raise SignInFailed(
                "the portal refused the user name or password "
                "(check PORTAL_USERNAME and PORTAL_PASSWORD)",
                step=self.step,
            )
        self.settle()
