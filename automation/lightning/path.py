"""The Path (``lightning-progress-indicator type=path``): stages and « mark complete »."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from automation.lightning._base import Scope

__all__ = ["Path"]

# The snapshot is YAML: a name with a colon in it (« Étape : Voyage ») comes single-quoted.
_NAME = re.compile(r"^- '?listbox \"(?P<name>[^\"]*)\"", re.MULTILINE)


class Path:
    """A horizontal listbox named « Étape : <current stage> ».

    Under native shadow the stage options are slotted and a query from the listbox finds none,
    so the current stage is read from the listbox's accessible name.
    """

    def __init__(self, scope: Scope, *, mark_complete: str) -> None:
        self.scope = scope
        self.mark_complete_label = mark_complete

    @property
    def listbox(self) -> Locator:
        """The Path itself."""
        return self.scope.get_by_role("listbox")

    def current(self) -> str:
        """The current stage's name."""
        found = _NAME.search(self.listbox.aria_snapshot())
        return found["name"].rpartition(":")[2].strip() if found else ""

    def expect_current(self, stage: str) -> None:
        """Wait until ``stage`` is the current one."""
        expect(self.listbox).to_have_accessible_name(re.compile(rf":\s*{re.escape(stage)}$"))

    def mark_complete(self) -> None:
        """Click « Marquer l'étape comme terminée »."""
        self.scope.get_by_role("button", name=self.mark_complete_label).click()
