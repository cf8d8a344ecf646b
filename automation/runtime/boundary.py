"""The one place where what Playwright raises becomes a portal error of this project.

Page objects and component objects use Playwright directly and wait with locator waits
(``automation.runtime.waiting``); what they raise — ``Error`` from an action or a wait,
``TimeoutError`` among them — is turned here into ``automation.errors``, named after the step it
happened in, as httpx's ``map_httpcore_exceptions`` does for its transport. Flows never catch
Playwright's errors.

Nothing else is mapped. An ``AssertionError``, a ``KeyError`` or any other exception out of the
toolkit is a bug, not a portal fault: it passes through unchanged, so it is never retried nor
counted by a circuit breaker, and whoever reports the request says "internal error" with its
masked traceback in the log (``flows.internal_errors``).

Only the first line of Playwright's message is kept: the call log below it quotes what was
typed (a client's name, a password).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import PortalError, PortalFault, UnexpectedScreen, WalkStopped
from automation.text import first_line

__all__ = ["portal_errors"]


@contextmanager
def portal_errors(step: str) -> Iterator[None]:
    """Raise Playwright's errors in the block as portal errors of ``step``; portal errors and
    walk stops raised in it are named after ``step`` too (a page object names its screen, the
    walk names the step: the step is what reports use). Any other exception passes unchanged."""
    try:
        yield
    except (PortalError, WalkStopped) as error:
        error.step = step
        raise
    except PlaywrightTimeout as error:
        # A locator wait or an action that ran out of time: the screen is not the one expected.
        raise UnexpectedScreen(first_line(error), step=step) from None
    except PlaywrightError as error:
        # The browser or the page went away, or the portal answered nothing usable.
        raise PortalFault(first_line(error), step=step) from None
