"""``lightning-input`` as text, number, email, phone and checkbox."""

from __future__ import annotations

from playwright.sync_api import expect

from automation.lightning._base import LightningField

__all__ = ["Checkbox", "TextInput"]


class TextInput(LightningField):
    """A text-like ``lightning-input`` (text, email, tel, number)."""

    def fill(self, value: str | int) -> None:
        """Replace the value and commit it: Lightning validates and reformats on blur."""
        text = str(value)
        self.control.fill(text)
        self.control.blur()
        expect(self.control).to_have_value(text)

    def value(self) -> str:
        """The text the field holds now."""
        return self.control.input_value()


class Checkbox(LightningField):
    """A ``lightning-input type=checkbox``.

    Lightning draws a faux box over the real input and it intercepts the pointer, so
    ``check()`` waits forever: clicking the label toggles it, as a person does.
    """

    role = "checkbox"

    def set(self, checked: bool) -> None:
        """Tick or untick, then check the box shows it."""
        if self.control.is_checked() != checked:
            self.root.locator("label").first.click()
        if checked:
            expect(self.control).to_be_checked()
        else:
            expect(self.control).not_to_be_checked()

    def is_checked(self) -> bool:
        """Whether the box is ticked."""
        return self.control.is_checked()
