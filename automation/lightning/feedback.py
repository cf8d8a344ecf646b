"""What the portal says back: toasts and the spinner."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from automation.lightning._base import Scope

__all__ = ["Spinner", "Toast"]


class Spinner:
    """``lightning-spinner``, found by its alternative text.

    The spinner box has no height, so ``to_be_visible`` never holds: presence is what counts.
    """

    def __init__(self, scope: Scope, alternative_text: str) -> None:
        self.locator = scope.get_by_role("status").filter(has_text=alternative_text)

    def wait_gone(self, timeout_ms: float | None = None) -> None:
        """Wait until no spinner is left on the page."""
        expect(self.locator).to_have_count(0, timeout=timeout_ms)


class Toast:
    """SLDS toasts: ``role=status`` for success and information, ``role=alert`` for errors.

    Toasts sit at the top right, over the page's own buttons (« Nouvelle opportunité »), and
    Playwright then waits for them to fade before it can click: ``dismiss_all`` closes them.
    """

    def __init__(self, scope: Scope, close: str = "Fermer") -> None:
        self.scope = scope
        self.close = close

    @property
    def errors(self) -> Locator:
        """Error toasts on screen."""
        return self.scope.get_by_role("alert")

    def success(self, containing: str | re.Pattern[str]) -> Locator:
        """Success toasts whose text matches ``containing``."""
        return self.scope.get_by_role("status").filter(has_text=containing)

    def error_texts(self) -> list[str]:
        """The text of each error toast on screen now."""
        return [" ".join(text.split()) for text in self.errors.all_inner_texts()]

    def dismiss_all(self) -> None:
        """Close every toast on screen with its close button."""
        toasts = self.scope.get_by_role("status").or_(self.errors)
        buttons = toasts.get_by_role("button", name=self.close, exact=True)
        # Closing one re-renders the stack, so always close the first one left.
        for _ in range(buttons.count()):
            if not buttons.first.is_visible():
                break
            buttons.first.click()
