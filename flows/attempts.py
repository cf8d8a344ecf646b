"""One request, tried again after a transient portal fault, with the bulk runner's policy.

Each step may fail ``max_attempts`` times: the walk then starts again from the search and its
ledger check takes up the opportunity it was working on (or finds the sale a lost answer hid),
so a retry resumes at the failing step on the same opportunity and never opens a second one.
Opening the session (the browser, the sign-in) is tried again the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace

from automation.errors import PortalError
from automation.runtime.walk import Step
from flows.bulk.policy import RetryPolicy, back_off
from flows.extension import ExtensionFlow, ExtensionResult, FinaliseHook
from flows.outcome import Outcome
from flows.request import ExtensionRequest
from flows.routing import route

__all__ = ["OpenFlow", "extend_with_retries"]

#: Opens a portal session (browser, sign-in) and yields a flow on it.
OpenFlow = Callable[[], AbstractContextManager[ExtensionFlow]]
#: Told of each failed attempt that will be tried again: (attempt, its result, pause in s).
OnRetry = Callable[[int, ExtensionResult, float], None]


def extend_with_retries(
    open_flow: OpenFlow,
    request: ExtensionRequest,
    policy: RetryPolicy,
    *,
    before_finalise: FinaliseHook | None = None,
    dry_run: bool = False,
    sell_again: bool = False,
    on_retry: OnRetry | None = None,
    stop: threading.Event | None = None,
) -> ExtensionResult:
    """Run ``request`` until it ends other than by a retryable fault, or the attempts run out.

    A fault while opening the session (the browser, the sign-in) is a failed attempt too; it
    ends as a ``FAILED`` result naming its step instead of an exception.
    """
    stop = stop or threading.Event()
    attempt, worked_on = 0, ""

    def step_retry(step: Step, fault: PortalError, failures: int) -> bool:
        if failures >= policy.max_attempts:
            return False
        failed = ExtensionResult(
            Outcome.FAILED,
            None,
            f"failed at step « {step} »: {fault.detail}",
            failed_step=step.value,
            retryable=True,
        )
        return _pause(failures, failed, policy, on_retry, stop)

    while True:
        attempt += 1
        try:
            with open_flow() as flow:
                while True:
                    result = flow.run(
                        request,
                        before_finalise=before_finalise,
                        dry_run=dry_run,
                        sell_again=sell_again,
                        stop=stop,
                        retry=step_retry,
                    )
                    if not _again(result, attempt, policy):
                        return _confirmed(result, worked_on)
                    worked_on = result.opportunity_name or worked_on
                    if not _pause(attempt, result, policy, on_retry, stop):
                        return result
                    attempt += 1
        except PortalError as fault:
            step = fault.step or "sign-in"
            result = ExtensionResult(
                Outcome.FAILED,
                route(request),
                f"failed at step « {step} »: {fault.detail}",
                failed_step=step,
                retryable=fault.retryable,
            )
        if not _again(result, attempt, policy) or not _pause(
            attempt, result, policy, on_retry, stop
        ):
            return result


def _again(result: ExtensionResult, attempt: int, policy: RetryPolicy) -> bool:
    return result.status is Outcome.FAILED and result.retryable and attempt < policy.max_attempts


def _pause(
    attempt: int,
    result: ExtensionResult,
    policy: RetryPolicy,
    on_retry: OnRetry | None,
    stop: threading.Event,
) -> bool:
    seconds = policy.delay(attempt)
    if on_retry is not None:
        on_retry(attempt, result, seconds)
    return back_off(seconds, stop)


def _confirmed(result: ExtensionResult, worked_on: str) -> ExtensionResult:
    """A sale found on the account on the opportunity an earlier attempt of this run worked
    on (``worked_on``) is this run's own sale, whose answer was lost: say it was issued."""
    if not (result.already_sold and worked_on and result.opportunity_name == worked_on):
        return result
    number = result.contract.contract_number if result.contract else ""
    return replace(
        result,
        already_sold=False,
        message=f"contract {number} issued ({worked_on}); confirmed on the account "
        "after the portal's answer was lost",
    )
