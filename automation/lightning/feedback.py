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


# What marks a toast that is no fault, on the toast itself or inside it: SLDS's theme class (both
# spellings: Aura still writes the old "--"), and force:showToast's data-key.
_CALM_VARIANTS = ("success", "info")
_CALM_MARKS = tuple(
    mark
    for variant in _CALM_VARIANTS
    for mark in (f".slds-theme_{variant}", f".slds-theme--{variant}", f'[data-key="{variant}"]')
)


class Toast:
    """Toasts, whatever markup the portal uses for them, told apart by the variant that markup
    carries, never by their title: an org titles a toast with what happened (« Opportunité
    enregistrée »), whatever its variant.

    - the simulator's SLDS toasts: ``role=status`` for success and information, ``role=alert``
      for errors, ``slds-theme_<variant>`` on the toast;
    - Aura's ``force:showToast``: ``role=alertdialog`` for every type, its variant in
      ``data-key`` and ``slds-theme_<variant>``;
    - LWR's ``lightning/toast``: ``role=alert`` for every variant; inside, the variant's
      assistive text (``success_texts``: LightningToast's « Succès », « Info » in the org's
      language) and ``slds-theme_<variant>``.

    A toast is a success (or an information) when that markup says so, and an error when it is
    an alert or an alert dialog that is not. A success toast is never waited out and never
    counted as a fault; the page objects close it once a screen settles
    (``PortalPage.dismiss_success_toasts``), since it covers the record header's actions.
    """

    def __init__(self, scope: Scope, *, success_texts: Sequence[str] = ()) -> None:
        self.scope = scope
        self.success_texts = tuple(success_texts)

    @property
    def _alerts(self) -> Locator:
        return self.scope.get_by_role("alert").or_(self.scope.get_by_role("alertdialog"))

    @property
    def _themed(self) -> Locator:
        """An element whose class or data-key names a success or an information."""
        return self.scope.locator(", ".join(_CALM_MARKS))

    @property
    def _not_themed(self) -> Locator:
        return self.scope.locator("".join(f":not({mark})" for mark in _CALM_MARKS))

    @property
    def _assistive(self) -> Locator:
        """lightning/toast's assistive text naming a success or an information variant (the
        icon's alternative text; a narrow screen shows it without the icon)."""
        if not self.success_texts:
            return self.scope.locator(":not(*)")  # no text given: nothing is marked this way
        words = "|".join(re.escape(text) for text in self.success_texts)
        return self.scope.locator(".slds-assistive-text").filter(
            has_text=re.compile(rf"^\s*(?:{words})\s*$", re.IGNORECASE)
        )

    @property
    def _calm_alerts(self) -> Locator:
        """Alerts and alert dialogs whose markup says success or information."""
        alerts = self._alerts
        return (
            alerts.and_(self._themed)
            .or_(alerts.filter(has=self._themed))
            .or_(alerts.filter(has=self._assistive))
        )

    @property
    def errors(self) -> Locator:
        """Error toasts on screen: alerts and alert dialogs with text that are not a success
        (an empty alert region, such as a sign-in form's, is none; a session notice, which
        offers to sign in again, is the sign-in page's business, not a fault)."""
        return (
            self._alerts.filter(has_text=re.compile(r"\S"))
            .and_(self._not_themed)
            .filter(has_not=self._themed)
            .filter(has_not=self._assistive)
        )

    def success(self, containing: str | re.Pattern[str]) -> Locator:
        """Success (or information) toasts whose text matches ``containing``: ``role=status``,
        or an alert or alert dialog whose markup names a success or an information."""
        return self.scope.get_by_role("status").or_(self._calm_alerts).filter(has_text=containing)

    def error_texts(self) -> list[str]:
        """The text of each error toast on screen now."""
        return [" ".join(text.split()) for text in self.errors.all_inner_texts()]
