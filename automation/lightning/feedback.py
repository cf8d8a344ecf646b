"""What the portal says back: toasts and the spinner."""

from __future__ import annotations

import re
from collections.abc import Sequence

from playwright.sync_api import Locator

from automation.lightning._base import Scope

__all__ = ["Spinner", "Toast"]


class Spinner:
    """``lightning-spinner``, found by its alternative text.

    The spinner box has no height, so it never counts as visible: presence is what counts.
    """

    def __init__(self, scope: Scope, alternative_text: str) -> None:
        self.locator = scope.get_by_role("status").filter(has_text=alternative_text)

    def wait_gone(self, timeout_ms: float | None = None) -> None:
        """Wait until no spinner is left on the page (Playwright's ``TimeoutError`` after
        ``timeout_ms``)."""
        # The first match gone is every match gone: a count of 0, in one strict wait.
        self.locator.first.wait_for(state="detached", timeout=timeout_ms)


class Toast:
    """Toasts, whatever markup the portal uses for them.

    - the simulator's SLDS toasts: ``role=status`` for success and information, ``role=alert``
      for errors;
    - Aura's ``force:showToast``: ``role=alertdialog`` named by its title for every type;
    - LWR's ``lightning/toast``: ``role=alert`` for every variant, its icon named after it.

    The role alone therefore does not say which is a fault: a toast is a success (or an
    information) when its title or its icon says so (``success_titles``: « Succès », « Info »),
    and an error when it is an alert or an alert dialog that is not. A success toast is never
    waited out and never counted as a fault; the page objects close it once a screen settles
    (``PortalPage.dismiss_success_toasts``), since it covers the record header's actions.
    """

    def __init__(self, scope: Scope, *, success_titles: Sequence[str] = ()) -> None:
        self.scope = scope
        self.success_titles = tuple(success_titles)

    def _titled(self, titles: Sequence[str]) -> Locator:
        """A toast's heading or icon named one of ``titles`` (exactly, any case)."""
        name = re.compile(
            rf"^\s*(?:{'|'.join(re.escape(title) for title in titles)})\s*$", re.IGNORECASE
        )
        return self.scope.get_by_role("heading", name=name).or_(
            self.scope.get_by_role("img", name=name)
        )

    @property
    def _alerts(self) -> Locator:
        return self.scope.get_by_role("alert").or_(self.scope.get_by_role("alertdialog"))

    @property
    def errors(self) -> Locator:
        """Error toasts on screen: alerts and alert dialogs with text that are not a success
        (an empty alert region, such as a sign-in form's, is none; a session notice, which
        offers to sign in again, is the sign-in page's business, not a fault)."""
        alerts = self._alerts.filter(has_text=re.compile(r"\S"))
        if self.success_titles:
            # Aura names the dialog by its title; lightning/toast shows it as its heading and
            # names its icon with it: any of them marks a success.
            alerts = alerts.filter(has_not=self._titled(self.success_titles))
        return alerts

    def success(self, containing: str | re.Pattern[str]) -> Locator:
        """Success toasts whose text matches ``containing`` (``role=status``, or an alert or
        alert dialog marked as a success)."""
        marked = self._alerts
        if self.success_titles:
            marked = marked.filter(has=self._titled(self.success_titles))
        return self.scope.get_by_role("status").or_(marked).filter(has_text=containing)

    def error_texts(self) -> list[str]:
        """The text of each error toast on screen now."""
        return [" ".join(text.split()) for text in self.errors.all_inner_texts()]
