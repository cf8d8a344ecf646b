"""Errors raised while talking to a portal (application errors: the portal, not the data).

::

    PortalError                  base: something went wrong on the portal side
     ├── SignInFailed            the portal refused the credentials (not retried)
     ├── SessionExpired          bounced to the sign-in page in the middle of a step
     │    └── SignedInAgain       …and signed in again, on a screen that lost what the walk
     │                            had typed: the walk starts again from the search
     ├── PortalFault             the portal answered with an error or not at all (retryable)
     ├── UnexpectedScreen        an element the page object needs is not there (locator broke)
     └── FormRejected            the portal refused some field values; carries every field error

    WalkStopped                  not a fault: the portal showed something the walk must not go
     │                           past; a person decides (never retried)
     ├── ClientAmbiguous         several accounts match the client's name and birth date
     ├── ConsentNotGiven         the portal asks for a consent the client has not given
     └── NotResident             the residency answers lead out of the resident flow

Every error names the ``step`` it happened in, so a report can say where a run stopped.
"""

from __future__ import annotations

__all__ = [
    "ClientAmbiguous",
    "ConsentNotGiven",
    "FormRejected",
    "NotResident",
    "PortalError",
    "PortalFault",
    "SessionExpired",
    "SignInFailed",
    "SignedInAgain",
    "UnexpectedScreen",
    "WalkStopped",
]


class PortalError(Exception):
    """Base of the portal-side errors; ``step`` says where it happened.

    ``detail`` is the message alone; ``str()`` puts the step in front of it. The step may be
    set after the error was raised (``automation.runtime.boundary`` names the walk's step).
    """

    retryable = False

    def __init__(self, message: str, *, step: str = "") -> None:
        self.step = step
        self.detail = message
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.step}: {self.detail}" if self.step else self.detail


class SignInFailed(PortalError):
    """The portal refused the user name or password (check PORTAL_USERNAME/PORTAL_PASSWORD)."""


class SessionExpired(PortalError):
    """The portal sent the browser back to its sign-in page."""

    retryable = True


class SignedInAgain(SessionExpired):
    """The session expired in a step that cannot simply be run again: signed in again, the
    portal shows its page afresh, without what the walk had typed or chosen on it (the Voyage
    fields that « Marquer l'étape comme terminée » sends, the answers before « Démarrer »), or
    on another record already (the opportunity « Démarrer » created)."""


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


class WalkStopped(Exception):
    """The portal showed something the walk must not go past; a person must decide.

    Not a fault (nothing is wrong with the portal) and not retried: the same answers would
    lead to the same place. ``step`` names where the walk stopped.
    """

    def __init__(self, message: str, *, step: str = "") -> None:
        self.step = step
        super().__init__(message)


class ClientAmbiguous(WalkStopped):
    """Several accounts match the client's name and birth date; the walk never guesses."""

    def __init__(self, count: int, *, step: str = "") -> None:
        self.count = count
        super().__init__(
            f"{count} portal accounts match the client's name and birth date: a person must "
            "choose the right one (or merge the duplicates) before the extension is entered",
            step=step,
        )


class ConsentNotGiven(WalkStopped):
    """The portal asks for a consent (``field``) the client has not given; never ticked."""

    def __init__(self, field: str, *, step: str = "") -> None:
        self.field = field
        super().__init__(
            f"{field}: the portal asks for the client's consent and it is not recorded "
            "(accepted: true, once the client has actually consented; the tool never ticks "
            "it on its own)",
            step=step,
        )


class NotResident(WalkStopped):
    """The residency answers lead to the non-resident flow, which this procedure does not use."""

    def __init__(self, *, step: str = "") -> None:
        super().__init__(
            "the residency answers lead to the non-resident flow: the Assurance complémentaire "
            "extension applies to the resident flow only; handle it in Espace partenaire by hand",
            step=step,
        )
