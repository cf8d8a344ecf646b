"""The Path (``lightning-progress-indicator type=path``): stages and « mark complete »."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from automation.lightning._base import Scope

__all__ = ["Path"]


class Path:
    """Stages as options of a horizontal listbox; the current one is selected."""

    def __init__(self, scope: Scope, *, mark_complete: str) -> None:
        self.scope = scope
        self.mark_complete_label = mark_complete

    @property
    def stages(self) -> Locator:
        """One option per stage."""
        return self.scope.get_by_role("listbox").get_by_role("option")

    def current(self) -> str:
        """The current stage's name."""
        selected = self.scope.get_by_role("listbox").get_by_role("option", selected=True)
        return " ".join(selected.first.inner_text().split())

    def expect_current(self, stage: str) -> None:
        """Wait until ``stage`` is the current one."""
        option = self.scope.get_by_role("listbox").get_by_role("option", name=stage)
        expect(option).to_have_attribute("aria-selected", "true")

    def mark_complete(self) -> None:
        """Click « Marquer l'étape comme terminée »."""
        self.scope.get_by_role("button", name=self.mark_complete_label).click()
