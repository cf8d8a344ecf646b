"""``lightning-input`` as text, number, email, phone and checkbox."""

from __future__ import annotations

import re

from automation.errors import UnexpectedScreen
from automation.lightning._base import LightningField, activate, label_pattern
from automation.runtime.waiting import keeps_value

__all__ = ["Checkbox", "TextInput"]


class TextInput(LightningField):
    """A text-like ``lightning-input`` (text, email, tel, number)."""

    def fill(self, value: str | int) -> None:
        """Replace the value and commit it: Lightning validates and reformats on blur."""
        text = str(value)
        with self.reached() as control:
            control.fill(text)  # waits for the control: no ``present()`` before it
        control.blur()
        if not keeps_value(control, text, timeout_ms=self.timeout):
            # Not the value: it may be personal data.
            raise UnexpectedScreen(f"{self.named} did not keep the value typed")

    def value(self) -> str:
        """The text the field holds now."""
        with self.reached() as control:
            return control.first.input_value()


class Checkbox(LightningField):
    """A ``lightning-input type=checkbox``.

    Lightning draws a faux box over the real input and it intercepts the pointer, so
    ``check()`` waits forever: Space on the input toggles it, as on a keyboard.
    """

    role = "checkbox"

    def error(self) -> str | None:
        """The checkbox's error text: its help text has no role, so it is read from the
        accessibility tree, without the label."""
        # Counted, not read: a box that is not on the screen (the portal moved on to another)
        # has no error, and reading its attribute would wait for it the whole wait limit.
        if self.control.and_(self.scope.locator('[aria-invalid="true"]')).count() == 0:
            return None
        texts = re.findall(r'^\s*- text: "?(.*?)"?$', self.root.aria_snapshot(), re.MULTILINE)
        message = " ".join(texts).replace(self.label, " ")
        return " ".join(message.split()) or "invalid"

    def set(self, checked: bool) -> None:
        """Tick or untick, then check the box shows it."""
        with self.reached() as control:
            is_checked = control.is_checked()
        if is_checked != checked:
            activate(control.first, " ")
        # The box as a role locator sees it in the state asked for (ARIA ``checked`` is the
        # input's own): attached is enough, the faux box draws over it.
        in_state = self.scope.get_by_role(
            "checkbox", name=label_pattern(self.label), checked=checked
        )
        in_state.wait_for(state="attached", timeout=self.timeout)
