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
    """SLDS toasts: ``role=status`` for success and information, ``role=alert`` for errors."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @property
    def errors(self) -> Locator:
        """Error toasts on screen (an empty alert region, such as a sign-in form's, is none)."""
        return self.scope.get_by_role("alert").filter(has_text=re.compile(r"\S"))

    def success(self, containing: str | re.Pattern[str]) -> Locator:
        """Success toasts whose text matches ``containing``."""
        return self.scope.get_by_role("status").filter(has_text=containing)

    def error_texts(self) -> list[str]:
        """The text of each error toast on screen now."""
        return [" ".join(text.split()) for text in self.errors.all_inner_texts()]

