"""The Path: stages and « mark complete », in either of the two markups a portal uses.

- ``lightning-progress-indicator type=path``: a listbox named « Étape : <current stage> »;
  under native shadow its options are slotted and a query from the listbox finds none, so the
  current stage is read from the listbox's name;
- the standard Path component (SLDS path): a listbox « Options de chemin » / « Path Options »
  whose ``aria-selected`` option is the current stage (named « Étape actuelle : Voyage »).
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import UnexpectedScreen
from automation.lightning._base import Scope, activate, wait_limit

__all__ = ["Path"]

# The snapshot is YAML: a name with a colon in it (« Étape : Voyage ») comes single-quoted.
_LISTBOX = re.compile(r"^\s*- '?listbox \"(?P<name>[^\"]*)\"", re.MULTILINE)
_SELECTED = re.compile(r"^\s*- '?option \"(?P<name>[^\"]*)\"[^\n]*\[selected\]", re.MULTILINE)


def _after_colon(name: str) -> str:
    return name.rpartition(":")[2].strip()


class Path:
    """The opportunity's Path, found by its name: ``options`` (the standard Path's name, a
    pattern) or any name holding the current stage after a colon."""

    def __init__(
        self,
        scope: Scope,
        *,
        mark_complete: str | re.Pattern[str],
        options: str | re.Pattern[str] | None = None,
    ) -> None:
        self.scope = scope
        self.mark_complete_label = mark_complete
        self.options = options

    @property
    def listbox(self) -> Locator:
        """The Path itself."""
        by_stage = self.scope.get_by_role("listbox", name=re.compile(":"))
        if self.options is None:
            return by_stage
        return by_stage.or_(self.scope.get_by_role("listbox", name=self.options))

    def current(self) -> str:
        """The current stage's name."""
        snapshot = self.listbox.first.aria_snapshot()
        named = _LISTBOX.search(snapshot)
        if named and ":" in named["name"]:
            return _after_colon(named["name"])
        selected = _SELECTED.search(snapshot)
        return _after_colon(selected["name"]) if selected else ""

    def expect_current(self, stage: str) -> None:
        """Wait until ``stage`` is the current one."""
        ends = re.compile(rf"(?:^|:)\s*{re.escape(stage)}\s*$")
        by_name = self.scope.get_by_role("listbox", name=ends)
        # The standard Path's options are its own (light DOM): the selected one, inside it.
        by_option = self.listbox.get_by_role("option", name=ends, selected=True)
        by_name.or_(by_option).first.wait_for(timeout=wait_limit(self.scope))

    @property
    def mark_complete_button(self) -> Locator:
        """« Marquer l'étape comme terminée » (or the standard Path's status wording)."""
        name = self.mark_complete_label
        return self.scope.get_by_role("button", name=name, exact=isinstance(name, str) or None)

    def mark_complete(self) -> None:
        """« Marquer l'étape comme terminée »."""
        button = self.mark_complete_button
        try:
            button.wait_for(timeout=wait_limit(self.scope))
        except PlaywrightTimeout:
            name = self.mark_complete_label
            shown = name.pattern if isinstance(name, re.Pattern) else name
            raise UnexpectedScreen(f"button « {shown} » (mark_stage_complete) not found") from None
        activate(button)
