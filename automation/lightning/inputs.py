"""``lightning-input`` as text, number, email, phone and checkbox."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from automation.lightning._base import LightningField, activate

__all__ = ["Checkbox", "TextInput"]


class TextInput(LightningField):
    """A text-like ``lightning-input`` (text, email, tel, number)."""

    def fill(self, value: str | int) -> None:
        """Replace the value and commit it: Lightning validates and reformats on blur."""
        text = str(value)
        control = self.present()
        control.fill(text)
        control.blur()
        expect(control).to_have_value(text, timeout=self.timeout)

    def value(self) -> str:
        """The text the field holds now."""
        return self.present().first.input_value()


class Checkbox(LightningField):
    """A ``lightning-input type=checkbox``.

    Lightning draws a faux box over the real input and it intercepts the pointer, so
    ``check()`` waits forever: Space on the input toggles it, as on a keyboard.
    """

    role = "checkbox"

    def error(self) -> str | None:
        """The checkbox's error text: its help text has no role, so it is read from the
        accessibility tree, without the label."""
        if self.control.get_attribute("aria-invalid") != "true":
            return None
        texts = re.findall(r'^\s*- text: "?(.*?)"?$', self.root.aria_snapshot(), re.MULTILINE)
        message = " ".join(texts).replace(self.label, " ")
        return " ".join(message.split()) or "invalid"

    def set(self, checked: bool) -> None:
        """Tick or untick, then check the box shows it."""
        control = self.present()
        if control.is_checked() != checked:
            activate(control.first, " ")
        if checked:
            expect(control).to_be_checked(timeout=self.timeout)
        else:
            expect(control).not_to_be_checked(timeout=self.timeout)
