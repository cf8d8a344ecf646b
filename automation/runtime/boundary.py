"""The one place where what Playwright raises becomes a portal error of this project.

Page objects and component objects use Playwright directly; what they raise — ``Error`` from
an action (``TimeoutError`` among them) and ``AssertionError`` from a web-first expectation that
ran out of time — is turned here into ``automation.errors``, named after the step it happened
in, as httpx's ``map_httpcore_exceptions`` does for its transport. Flows never catch
Playwright's errors or ``AssertionError``: anything else that escapes is a bug, not a fault.

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
    """Raise Playwright's errors and expectation timeouts in the block as portal errors of
    ``step``; portal errors and walk stops raised in it are named after ``step`` too (a page
    object names its screen, the walk names the step: the step is what reports use)."""
    try:
        yield
    except (PortalError, WalkStopped) as error:
        error.step = step
        raise
    except PlaywrightTimeout as error:
        raise UnexpectedScreen(first_line(error), step=step) from None
    except PlaywrightError as error:
        # The browser or the page went away, or the portal answered nothing usable.
        raise PortalFault(first_line(error), step=step) from None
    except AssertionError as error:
        # A web-first expectation (expect(...).to_…) that ran out of time.
        raise UnexpectedScreen(first_line(error), step=step) from None
