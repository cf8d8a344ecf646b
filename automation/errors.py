"""Errors raised while talking to a portal (application errors: the portal, not the data).

::

    PortalError                  base: something went wrong on the portal side
     ├── SignInFailed            the portal refused the credentials (not retried)
     ├── SessionExpired          bounced to the sign-in page in the middle of a step
     ├── PortalFault             the portal answered with an error or not at all (retryable)
     ├── UnexpectedScreen        an element the page object needs is not there (locator broke)
     └── FormRejected            the portal refused some field values; carries every field error

Every error names the ``step`` it happened in, so a report can say where a run stopped.
"""

from __future__ import annotations

__all__ = [
    "FormRejected",
    "PortalError",
    "PortalFault",
    "SessionExpired",
    "SignInFailed",
    "UnexpectedScreen",
]


class PortalError(Exception):
    """Base of the portal-side errors; ``step`` says where it happened."""

    retryable = False

    def __init__(self, message: str, *, step: str = "") -> None:
        self.step = step
        super().__init__(f"{step}: {message}" if step else message)


class SignInFailed(PortalError):
    """The portal refused the user name or password (check PORTAL_USERNAME/PORTAL_PASSWORD)."""


class SessionExpired(PortalError):
    """The portal sent the browser back to its sign-in page."""

    retryable = True


class PortalFault(PortalError):
    """The portal showed an error or did not answer in time; trying again may work."""

    retryable = True


class UnexpectedScreen(PortalError):
    """A screen lacks an element its page object relies on: a label changed, or it is slow.

    Retryable because a loaded portal can miss a timeout as well as a renamed label; callers
    bound their retries, and ``prolong probe`` is the tool that tells a broken locator apart.
    """

    retryable = True


class FormRejected(PortalError):
    """The portal refused field values; ``errors`` maps each field's label to its message."""

    def __init__(self, errors: dict[str, str], *, step: str = "", toast: str = "") -> None:
        self.errors = errors
        self.toast = toast
        detail = "; ".join(f"{label}: {message}" for label, message in errors.items())
        super().__init__(detail or toast or "the portal refused the form", step=step)
