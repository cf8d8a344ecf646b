"""``lightning-combobox``: a button that opens a listbox, not a ``<select>``."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import UnexpectedScreen
from automation.lightning._base import LightningField, activate

__all__ = ["Combobox"]


class Combobox(LightningField):
    """Pick an option by its visible text; ``select_option`` does not apply to it."""

    tag = "lightning-combobox"
    role = "combobox"

    def select(self, option: str) -> None:
        """Open the list (Enter, as on a keyboard: cheaper than a click), click ``option`` and
        check the combobox now shows it."""
        with self.reached() as control:
            activate(control.first)  # waits for it shown and enabled: no ``present()`` first
        listbox = self.root.get_by_role("listbox")
        choice = listbox.get_by_role("option", name=option, exact=True)
        not_offered = f"{self.named}: option « {option} » not offered"
        try:
            # lightning-combobox renders its options only once opened, all in one render (a
            # spinner stands in for them while they load): once any option shows, the list is
            # whole, and an option missing from it is refused at once, not after the timeout.
            choice.or_(listbox.get_by_role("option")).first.wait_for(timeout=self.timeout)
        except PlaywrightTimeout:
            raise UnexpectedScreen(not_offered) from None
        if choice.count() == 0:
            control.first.press("Escape")  # the list closed again, as a person leaves it
            raise UnexpectedScreen(not_offered)
        choice.click()
        shown = control.filter(has_text=re.compile(rf"^\s*{re.escape(option)}\s*$"))
        shown.wait_for(timeout=self.timeout)

    def value(self) -> str:
        """The option shown now (empty for the placeholder)."""
        return " ".join(self.control.inner_text().split())
