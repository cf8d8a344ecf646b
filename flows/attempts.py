"""One request's tries, under one ``RetryPolicy``, counted in one place whoever retries.

Two layers can meet a portal fault: the walk (``Walk.run`` tells its ``retry`` of a failing
step and, when told yes, walks again from the search on the same opportunity: its ledger check
takes up the draft it was working on, or finds the sale a lost answer hid), and whoever opens
the session and calls the flow (``prolong extend``, the bulk runner: a fault while signing in,
a flow that ends failed). Both ask the same ``Attempts``: a step that keeps failing (the
sign-in is one) is tried at most ``max_attempts`` times in total for the request, with the
back-off between tries, whichever layer failed; a second layer never multiplies the first
one's tries. The count is per step, not per request: under transient faults a walk that met a
fault at one step and later one at another goes on (each retry resumes on the same
opportunity), while a step the portal never lets through ends the request.

``Attempts.run`` is the loop of the outer layer; ``Attempts.retry`` is the walk's ``Retry``.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TypeVar

from automation.errors import PortalError
from automation.runtime.walk import Step
from flows.extension import ExtensionFlow, ExtensionResult, FinaliseHook
from flows.language import say
from flows.outcome import Outcome
from flows.request import ExtensionRequest
from flows.routing import route

__all__ = ["Attempts", "Failure", "OpenFlow", "RetryPolicy", "back_off", "extend_with_retries"]

T = TypeVar("T")

#: Opens a portal session (browser, sign-in) and yields a flow on it.
OpenFlow = Callable[[], AbstractContextManager[ExtensionFlow]]


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` tries of a failing step per request and run (the first included); the
    pause doubles with each failure of that step, with jitter."""

    max_attempts: int = 3
    base_delay_s: float = 2.0
    max_delay_s: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < self.base_delay_s:
            raise ValueError("delays must satisfy 0 <= base_delay_s <= max_delay_s")

    def delay(self, attempt: int, *, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based).

        Jitter (between half and all of the exponential delay) keeps several workers that
        failed together from hitting the portal again at the same instant.
        """
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        spread = rng.uniform(0.5, 1.0) if rng is not None else random.uniform(0.5, 1.0)
        return ceiling * spread


def back_off(seconds: float, stop: threading.Event) -> bool:
    """Wait ``seconds`` unless the run is stopping; True when the wait ran its course.

    An ``Event`` wait rather than ``time.sleep``: a stop (breaker, Ctrl-C) ends it at once.
    """
    return not stop.wait(seconds)


@dataclass(frozen=True)
class Failure:
    """One failed try: what went wrong (unmasked: whoever shows it masks it), in which step,
    whether another try may work, and the evidence kept for it."""

    message: str
    step: str | None
    retryable: bool
    artifacts: tuple[str, ...] = ()

    @classmethod
    def of(cls, fault: PortalError, step: str | None = None) -> Failure:
        """The failure a portal error stands for; ``step`` when the error names none."""
        return cls(fault.detail, fault.step or step, fault.retryable)


#: Told of every failed try (the breaker counts them), the last one included.
OnFault = Callable[[Failure], None]
#: Told of each failed try that will be tried again: (its number, the failure, pause in s).
OnRetry = Callable[[int, Failure, float], None]


class Attempts:
    """The tries at one request: ``tried`` is the number of the try under way (1-based).

    ``failed`` is told of each failed try, by whichever layer met it, and says whether to try
    again (after the back-off): not when the failure is not retryable, nor when its step has
    failed ``max_attempts`` times. Once it says no, ``given_up`` holds that failure and every
    layer stops. ``stop`` (Ctrl-C, the breaker) ends a back-off at once and any further try.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        stop: threading.Event | None = None,
        on_fault: OnFault | None = None,
        on_retry: OnRetry | None = None,
    ) -> None:
        self.policy = policy
        self.stop = stop or threading.Event()
        self.tried = 1
        self.given_up: Failure | None = None
        self._failures: Counter[str | None] = Counter()  # failed tries of each step
        self._on_fault = on_fault
        self._on_retry = on_retry

    def failed(self, failure: Failure) -> bool:
        """Count a failed try; True, after the back-off, when the request is to be tried again."""
        if self.given_up is not None:  # told again by another layer: counted already
            return False
        if self._on_fault is not None:
            self._on_fault(failure)
        self._failures[failure.step] += 1
        failures = self._failures[failure.step]
        if not failure.retryable or failures >= self.policy.max_attempts or self.stop.is_set():
            self.given_up = failure
            return False
        seconds = self.policy.delay(failures)
        if self._on_retry is not None:
            self._on_retry(self.tried, failure, seconds)
        if not back_off(seconds, self.stop):
            self.given_up = failure
            return False
        self.tried += 1
        return True

    def retry(self, step: Step, fault: PortalError) -> bool:
        """The walk's ``Retry`` (``automation.runtime.walk``): a step failed; walk again?"""
        return self.failed(Failure.of(fault, step.value))

    def run(self, once: Callable[[], T | Failure]) -> T | Failure:
        """Call ``once`` until it returns other than a ``Failure`` or the tries run out.

        ``once`` is one try of the outer layer; it passes ``self.retry`` to the walk. A
        ``Failure`` the walk already gave up on (``given_up``) is not counted a second time.
        Returns what the last try returned.
        """
        while True:
            outcome = once()
            if not isinstance(outcome, Failure):
                return outcome
            if self.given_up is not None or not self.failed(outcome):
                return outcome


def extend_with_retries(
    open_flow: OpenFlow,
    request: ExtensionRequest,
    attempts: Attempts,
    *,
    before_finalise: FinaliseHook | None = None,
    dry_run: bool = False,
    sell_again: bool = False,
) -> ExtensionResult:
    """Run ``request`` on a session of its own, with ``attempts`` for every try.

    A failing step is tried again by the walk on the same opportunity; a fault while opening
    the session (the browser, the sign-in) is a failed try too, and ends as a ``FAILED``
    result naming its step instead of an exception.
    """

    failed: ExtensionResult | None = None  # the result of the last try, when it failed

    def once() -> ExtensionResult | Failure:
        nonlocal failed
        failed = None
        try:
            with open_flow() as flow:
                result = flow.run(
                    request,
                    before_finalise=before_finalise,
                    dry_run=dry_run,
                    sell_again=sell_again,
                    stop=attempts.stop,
                    retry=attempts.retry,
                )
        except PortalError as fault:
            return Failure.of(fault, "sign-in")
        if result.status is not Outcome.FAILED or attempts.given_up is not None:
            return result
        # The flow ended failed without asking ``retry`` (a fault that is not retryable).
        failed = result
        return Failure(result.message, result.failed_step, result.retryable)

    outcome = attempts.run(once)
    if isinstance(outcome, ExtensionResult):
        return outcome
    if failed is not None:
        return failed
    return ExtensionResult(
        Outcome.FAILED,
        route(request),
        say(
            fr=f"échec à l’étape « {outcome.step} » : {outcome.message}",
            en=f"failed at step « {outcome.step} »: {outcome.message}",
        ),
        failed_step=outcome.step,
        retryable=outcome.retryable,
    )
