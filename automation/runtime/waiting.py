"""Waiting for what a locator's ``wait_for`` cannot express alone: a control enabled, a value kept.

Production code waits with locators: ``locator.wait_for(state=...)`` for shown, hidden or
gone, on a locator that says the state it waits for (``get_by_role(..., checked=True)``,
``filter(has_text=...)``, ``or_``). Those raise Playwright's own ``TimeoutError``, which the
boundary (``automation.runtime.boundary``) turns into ``UnexpectedScreen``. Playwright's
web-first assertions are a test API: what they raise on a timeout is what a bug raises too,
so they stay in the tests.

Two states are not in the accessibility tree a role locator reads:

- *enabled*, for a control whose role the caller does not know: ``enabled(control)`` narrows
  the locator with CSS (``:scope`` is the control itself), so ``wait_for`` waits for it;
- *the value an input holds*, a property, not an attribute: ``keeps_value`` polls it in the
  page, in one ``evaluate_all`` whose promise settles once the value holds or the limit
  passes. One protocol round trip, as an expectation was: ``Locator.evaluate`` and an element
  handle for ``page.wait_for_function`` would each cost three (resolve, run, dispose).
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator

__all__ = ["enabled", "keeps_value"]

# Playwright's own limit when a context sets none (``BrowserContext.set_default_timeout``).
_DEFAULT_MS = 30_000.0

# Resolves true once the one element matched holds the value, false when ``limit`` ms pass
# first (or the locator does not match exactly one element: the caller has just filled it).
# Polled on animation frames, as ``wait_for_function`` does by default; the timer ends the
# wait even where a hidden page runs no frames.
_KEEPS_VALUE = """(elements, {text, source, flags, limit}) => new Promise((resolve) => {
  const pattern = source === null ? null : new RegExp(source, flags);
  const holds = () => {
    if (elements.length !== 1 || !elements[0].isConnected) return false;
    const value = elements[0].value;
    return pattern === null ? value === text : pattern.test(value);
  };
  const timer = setTimeout(() => resolve(holds()), limit);
  const check = () => {
    if (holds()) {
      clearTimeout(timer);
      resolve(true);
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})"""


def enabled(control: Locator) -> Locator:
    """``control`` while it is enabled: not ``:disabled`` (itself or by its fieldset) and not
    ``aria-disabled``. ``enabled(button).wait_for()`` waits until it can be used."""
    return control.locator(":scope:not(:disabled, [aria-disabled='true'])")


def _flags(pattern: re.Pattern[str]) -> str:
    """The JavaScript flags of a Python pattern (the ones both languages share)."""
    return "".join(
        letter
        for flag, letter in ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
        if pattern.flags & flag
    )


def keeps_value(
    control: Locator, value: str | re.Pattern[str], *, timeout_ms: float | None
) -> bool:
    """Wait until the input ``control`` holds ``value`` (the exact text, or a match of the
    pattern); False when it does not within ``timeout_ms`` (None: Playwright's 30 s).

    For a control just filled: it is read as it is now, not waited for (a control that is not
    there, or several, never holds the value).
    """
    pattern = value if isinstance(value, re.Pattern) else None
    held = control.evaluate_all(
        _KEEPS_VALUE,
        {
            "text": value if isinstance(value, str) else "",
            "source": None if pattern is None else pattern.pattern,
            "flags": "" if pattern is None else _flags(pattern),
            "limit": _DEFAULT_MS if timeout_ms is None else timeout_ms,
        },
    )
    return bool(held)
