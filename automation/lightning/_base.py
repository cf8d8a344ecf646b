"""What every Lightning component object shares: how labels match and where errors show.

Lightning marks a required field with an ``<abbr>*</abbr>`` inside its ``<label>``, so the
accessible name is ``*Prénom``: exact matching misses it and substring matching confuses « Nom »
with « Prénom ». ``label_pattern`` accepts exactly the label, with or without the star.
"""

from __future__ import annotations

import re
from typing import Literal, TypeAlias

from playwright.sync_api import Locator, Page

__all__ = ["LightningField", "Scope", "label_pattern"]

Scope: TypeAlias = Page | Locator
Role = Literal["checkbox", "combobox", "radiogroup", "spinbutton", "textbox"]


def label_pattern(label: str) -> re.Pattern[str]:
    """Match ``label`` exactly, allowing the required-field star and surrounding spaces."""
    # Playwright writes a pattern into its selector between slashes: a bare "/" would end it.
    escaped = re.escape(label.strip()).replace("/", r"\/")
    return re.compile(rf"^\s*\*?\s*{escaped}\s*$")


class LightningField:
    """A labelled form field rendered by one ``lightning-*`` element.

    Subclasses set ``tag`` (the Lightning element wrapping the control) and ``role`` (how the
    control is exposed; None = found through its ``<label>``). The wrapper is found by what it
    contains, never by position or generated id: it is needed to read the field's help text,
    which Lightning renders as ``role=status`` beside the control.
    """

    tag = "lightning-input"
    role: Role | None = None

    def __init__(self, scope: Scope, label: str) -> None:
        self.scope = scope
        self.label = label
        self.page: Page = scope if isinstance(scope, Page) else scope.page

    def _find(self, within: Scope) -> Locator:
        if self.role is None:
            return within.get_by_label(label_pattern(self.label))
        return within.get_by_role(self.role, name=label_pattern(self.label))

    @property
    def control(self) -> Locator:
        """The element a user types into or clicks."""
        return self._find(self.scope)

    @property
    def root(self) -> Locator:
        """The Lightning element that holds the control and its help text."""
        # ``has=`` is evaluated inside each candidate, so it must not repeat the scope's chain.
        return self.scope.locator(self.tag).filter(has=self._find(self.page))

    def error(self) -> str | None:
        """The field's error text, or None when the field shows none."""
        help_text = self.root.get_by_role("status").filter(has_text=re.compile(r"\S"))
        if help_text.count() == 0:
            return None
        return " ".join(help_text.first.inner_text().split())
