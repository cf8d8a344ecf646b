"""``lightning-input type=date``: typed in the portal locale's format, checked after commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from playwright.sync_api import expect

from automation.lightning._base import LightningField, Scope

__all__ = ["DateInput"]


def iso(day: date) -> str:
    """ISO 8601, which the fr-CA and en-CA short formats accept."""
    return day.isoformat()


class DateInput(LightningField):
    """A date field.

    Lightning parses what is typed with the locale's own format and silently clears text it
    cannot parse, so ``fill`` types ``typed(day)`` and then checks the field shows
    ``shown(day)`` once committed (Tab): a date that did not take is an error here, not later.
    The calendar icon has ``pointer-events: none``: typing is the dependable route.
    """

    def __init__(
        self,
        scope: Scope,
        label: str,
        *,
        typed: Callable[[date], str] = iso,
        shown: Callable[[date], str] | None = None,
    ) -> None:
        super().__init__(scope, label)
        self.typed = typed
        self.shown = shown or typed

    def fill(self, day: date) -> None:
        """Type ``day``, commit it and check the field kept it."""
        self.control.fill(self.typed(day))
        self.control.press("Tab")
        expect(self.control).to_have_value(self.shown(day))
