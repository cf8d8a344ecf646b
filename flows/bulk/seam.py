"""The runner's seam: what it knows of the flow, a worker's session, and the error boundary.

The runner knows ``flows.extension.ExtensionFlow`` only through ``FlowLike`` (two calls) and
the fields of their results (``ResultLike``), so its logic is tested with a scripted flow.
``guarded`` wraps every call into the flow: a portal error, a business error and the runner's
own signals pass as they are, anything else comes out as ``FlowBug`` (see ``flows.bulk.runner``
for what each means to a row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack, suppress
from pathlib import Path
from typing import Protocol, TypeVar

from automation.errors import PortalError, WalkStopped
from automation.runtime.walk import Retry
from flows.bulk.journal import TimedStep
from flows.errors import BusinessError
from flows.outcome import Outcome
from flows.request import ExtensionRequest
from flows.request.money import Money

__all__ = [
    "ContractLike",
    "FlowBug",
    "FlowFactory",
    "FlowLike",
    "HookFailed",
    "OpenFailed",
    "ResultLike",
    "SaleHook",
    "SaleLike",
    "Session",
    "flow_outcome",
    "guarded",
]

_T = TypeVar("_T")


class ContractLike(Protocol):
    """What the runner reads of ``flows.extension.IssuedContract``."""

    @property
    def contract_number(self) -> str:
        """The new AA contract number."""

    @property
    def opportunity_name(self) -> str:
        """The opportunity the contract was sold on (it holds the client's name)."""

    @property
    def premium(self) -> Money | None:
        """The premium: an amount and its currency."""


class SaleLike(Protocol):
    """What the runner's hook reads of ``flows.extension.PendingSale``: a sale ready for
    « Finaliser la vente »."""

    @property
    def opportunity_name(self) -> str:
        """The opportunity being sold (it holds the client's name)."""

    @property
    def premium(self) -> str:
        """The premium as the portal shows it."""

    def screenshot(self, path: Path) -> bool:
        """Write the page as it stands to ``path`` (owner-only); False without a page."""


#: Called just before « Finaliser la vente »; False leaves the sale unfinalised.
SaleHook = Callable[[SaleLike], bool]


class ResultLike(Protocol):
    """What the runner reads of ``flows.extension.ExtensionResult``."""

    @property
    def status(self) -> str:
        """An ``Outcome`` value: issued, handed_off, invalid, failed or skipped."""

    @property
    def message(self) -> str:
        """Why, in words a person can act on."""

    @property
    def contract(self) -> ContractLike | None:
        """The contract, when issued."""

    @property
    def failed_step(self) -> str | None:
        """The step a failure happened in."""

    @property
    def artifacts(self) -> Sequence[Path]:
        """Screenshots and traces kept for this request."""

    @property
    def retryable(self) -> bool:
        """Whether trying again may work (portal faults)."""

    @property
    def already_sold(self) -> bool:
        """Issued because the client's account already showed the sale (not sold now)."""

    @property
    def timings(self) -> Sequence[TimedStep]:
        """When each step the walk went through started and how long it took."""


class FlowLike(Protocol):
    """The two calls of ``flows.extension.ExtensionFlow`` the runner makes.

    Expected failures come out as a result, a ``PortalError``, a ``WalkStopped`` or a
    ``BusinessError``; any other
    exception is taken for a bug (see ``flows.bulk.runner``).
    """

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: SaleHook | None = None,
        dry_run: bool = False,
        retry: Retry | None = None,
    ) -> ResultLike:
        """Route, enter and finalise one request (see ``ExtensionFlow.run``); a failing step
        is tried again, on the same opportunity, while ``retry`` says so."""

    def find_issued(self, request: ExtensionRequest) -> ContractLike | None:
        """The contract already sold for this request, if any (see ``ExtensionFlow``)."""


#: Opens one portal session (browser, sign-in) and yields a flow on it; one call per worker.
FlowFactory = Callable[[], AbstractContextManager[FlowLike]]


class OpenFailed(Exception):
    """Opening a portal session failed (the worker's, not one request's problem)."""

    def __init__(self, cause: BaseException) -> None:
        self.cause = cause
        super().__init__(str(cause))


class HookFailed(Exception):
    """The journal could not record ``submitting``: the sale must not be finalised."""


class FlowBug(Exception):
    """An exception out of the flow that is neither a portal nor a business error."""

    def __init__(self, cause: Exception) -> None:
        self.cause = cause
        super().__init__(str(cause))


class Session:
    """A worker's portal session, opened on first use and reopened after a fault."""

    def __init__(self, factory: FlowFactory) -> None:
        self._factory = factory
        self._stack: ExitStack | None = None
        self._flow: FlowLike | None = None

    def flow(self) -> FlowLike:
        """The flow on this worker's session; ``OpenFailed`` when the session will not open."""
        if self._flow is None:
            stack = ExitStack()
            try:
                self._flow = stack.enter_context(self._factory())
            except Exception as error:
                stack.close()
                raise OpenFailed(error) from error
            self._stack = stack
        return self._flow

    def close(self) -> None:
        """Close the session (the next ``flow()`` opens a new one)."""
        stack, self._stack, self._flow = self._stack, None, None
        if stack is not None:
            with suppress(Exception):  # a browser that will not close is gone anyway
                stack.close()


def flow_outcome(status: str) -> Outcome | None:
    """The outcome a flow's status names, or None for a status the runner does not know."""
    try:
        return Outcome(status)
    except ValueError:
        return None


def guarded(call: Callable[[], _T]) -> _T:
    """One call into the flow: portal and business errors (and the runner's own) pass as they
    are; any other exception comes out as a ``FlowBug``."""
    try:
        return call()
    except (HookFailed, OpenFailed, BusinessError, WalkStopped, PortalError):
        raise
    except Exception as error:
        raise FlowBug(error) from error
