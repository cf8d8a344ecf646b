"""``lightning-input type=date``: typed as ISO, checked by reading the date it shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from automation.errors import UnexpectedScreen
from automation.lightning._base import LightningField, Scope
from automation.portal_dates import typed as iso
from automation.runtime.waiting import keeps_value

__all__ = ["DateInput"]


class DateInput(LightningField):
    """A date field.

    Lightning parses what is typed with the locale's own formats, reformats it on blur in the
    field's style (short « 2026-05-01 », Aura's medium « juil. 31, 2027 », Intl's medium
    « 31 juill. 2027 »: the seed shows two of them on one site) and silently clears text it
    cannot parse. So ``fill`` types ``typed(day)`` (ISO, accepted by every style the simulator
    and the platforms show), commits it (Tab) and waits until the field shows ``day`` in any of
    the styles ``shown`` accepts (``portal_dates.day_patterns``: every form CLDR gives the
    locale, Aura's and Intl's): the check reads the date, it does not compare one string. A date
    that did not take is an error naming the field, not a later surprise. The calendar icon has
    ``pointer-events: none``: typing is the dependable route.
    """

    def __init__(
        self,
        scope: Scope,
        label: str,
        *,
        key: str = "",
        typed: Callable[[date], str] = iso,
        shown: Callable[[date], str | re.Pattern[str]] | None = None,
    ) -> None:
        super().__init__(scope, label, key=key)
        self.typed = typed
        self.shown = shown or typed

    def fill(self, day: date) -> None:
        """Type ``day``, commit it and check the field shows it (in any accepted style)."""
        with self.reached() as control:
            control.fill(self.typed(day))  # waits for the control: no ``present()`` before it
        control.press("Tab")
        if not keeps_value(control, self.shown(day), timeout_ms=self.timeout):
            # Neither the date nor what the field shows: a birth date is personal data.
            raise UnexpectedScreen(f"{self.named} did not keep the date typed")
