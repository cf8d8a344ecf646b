"""What every Lightning component object shares: how labels match and where errors show.

Lightning marks a required field with an ``<abbr>*</abbr>`` inside its ``<label>``, so the
accessible name is ``*Prénom``: exact matching misses it and substring matching confuses « Nom »
with « Prénom ». ``label_pattern`` accepts exactly the label, with or without the star.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, TypeAlias
from weakref import WeakKeyDictionary

from playwright.sync_api import BrowserContext, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import UnexpectedScreen
from automation.runtime.waiting import enabled

__all__ = [
    "LightningField",
    "Scope",
    "activate",
    "label_pattern",
    "set_wait_limit",
    "wait_limit",
]

Scope: TypeAlias = Page | Locator
Role = Literal["checkbox", "combobox", "radiogroup", "spinbutton", "textbox"]


# The wait limit of each browser context (PORTAL_TIMEOUT_MS). ``context.set_default_timeout``
# reaches actions and locator waits, not the in-page waits of ``automation.runtime.waiting``,
# which need the figure itself; Playwright offers no getter for it. So the session records its
# limit here once, and the component and page objects pass it as ``timeout=``.
_LIMITS: WeakKeyDictionary[BrowserContext, float] = WeakKeyDictionary()


def set_wait_limit(context: BrowserContext, timeout_ms: float) -> None:
    """Make ``timeout_ms`` the limit of every wait in ``context``: actions and waits."""
    context.set_default_timeout(timeout_ms)
    _LIMITS[context] = timeout_ms


def wait_limit(scope: Scope) -> float | None:
    """The wait limit of ``scope``'s browser context (None: Playwright's own default)."""
    page = scope if isinstance(scope, Page) else scope.page
    return _LIMITS.get(page.context)


def activate(control: Locator, key: str = "Enter") -> None:
    """Activate a shown, enabled ``control`` from the keyboard, as a keyboard user does: Enter
    on a button or a link, Space on a radio or a checkbox (trusted key events; Lightning
    handles them as it handles a click).

    A pointer click costs about 50 ms in Playwright (it waits for the element to be stable over
    animation frames and for the pointer to reach it: 25 clicks were 1.3 s of a 2.3 s
    extension); a key press about 10. What the click's checks guarded is checked here or by the
    page objects: visible and enabled, and no toast or dialog left over the screen.
    """
    # One call, not a wait then a press (each is a round trip to the browser): ``press``
    # waits until its locator matches, and this locator matches the control only once it is
    # shown and enabled.
    usable = enabled(control.filter(visible=True))
    usable.press(key, timeout=wait_limit(control))


def label_pattern(label: str | re.Pattern[str]) -> re.Pattern[str]:
    """Match ``label`` exactly, allowing the required-field star and surrounding spaces (a
    pattern, such as ``Labels.any_of``, is taken as it is)."""
    if isinstance(label, re.Pattern):
        return label
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

    def __init__(
        self, scope: Scope, label: str, *, key: str = "", placeholder: bool = False
    ) -> None:
        """``label`` is the field's text; ``key`` its catalogue key, named in failures;
        ``placeholder`` also finds the field by its placeholder (a login form whose labels are
        only assistive text)."""
        self.scope = scope
        self.label = label
        self.key = key
        self.placeholder = placeholder
        self.page: Page = scope if isinstance(scope, Page) else scope.page

    def _find(self, within: Scope) -> Locator:
        pattern = label_pattern(self.label)
        if self.role is None:
            found = within.get_by_label(pattern)
            if self.placeholder:
                found = found.or_(within.get_by_placeholder(pattern))
            return found
        return within.get_by_role(self.role, name=pattern)

    @property
    def timeout(self) -> float | None:
        """The session's wait limit (PORTAL_TIMEOUT_MS)."""
        return wait_limit(self.page)

    @property
    def named(self) -> str:
        """How a failure names this field: its expected label and its catalogue key."""
        return f"field « {self.label} »" + (f" ({self.key})" if self.key else "")

    @contextmanager
    def reached(self) -> Iterator[Locator]:
        """The control, for an action that waits for it itself (``fill``, ``press``,
        ``input_value``): a timeout of that wait is ``UnexpectedScreen`` naming the field, as
        ``present`` says, without a wait of its own first (one protocol round trip fewer)."""
        try:
            yield self.control
        except PlaywrightTimeout:
            raise UnexpectedScreen(f"{self.named} not found") from None

    def present(self) -> Locator:
        """The control, once shown; ``UnexpectedScreen`` naming the field when it does not show
        within the wait limit (instead of a Playwright call log that names no field)."""
        control = self.control
        try:
            control.first.wait_for(timeout=self.timeout)
        except PlaywrightTimeout:
            raise UnexpectedScreen(f"{self.named} not found") from None
        return control

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
