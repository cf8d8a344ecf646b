"""``lightning-radio-group``: a question with Oui/Non (or other) answers."""

from __future__ import annotations

from automation.lightning._base import LightningField, activate

__all__ = ["RadioGroup"]


class RadioGroup(LightningField):
    """Answer a radio question by the answer's text.

    ``check()`` times out (a styled span intercepts the pointer) and ``check(force=True)``
    does not toggle: Space on the answer's radio does, as on a keyboard.
    """

    tag = "lightning-radio-group"
    role = "radiogroup"

    def choose(self, answer: str) -> None:
        """Pick ``answer`` and check it is now the selected one."""
        with self.reached() as group:
            # The answer's wait (shown, enabled) is the group's: no ``present()`` first.
            activate(group.get_by_role("radio", name=answer, exact=True), " ")
        chosen = group.get_by_role("radio", name=answer, exact=True, checked=True)
        chosen.wait_for(state="attached", timeout=self.timeout)
