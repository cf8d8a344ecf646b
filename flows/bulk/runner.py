"""The bulk runner: N workers, each with its own portal session, entering the journal's requests.

Each worker is a thread with its own flow (``FlowFactory`` opens one browser session per
worker: Playwright's sync API allows one instance per thread), so a SIGKILL ends the whole run at
once and nothing is left behind but rows ``in_progress``/``submitting`` that the next run checks.

For every request it claims, a worker:

1. if the request may already be sold (``check_first``), asks the portal (``find_issued``):
   found → ``issued`` with that contract; not found → back to pending, entered by a later claim;
2. runs the flow; the flow's ``before_finalise`` hook writes ``submitting`` in the journal (and
   in ``--assist`` asks the operator first); the result is written at once;
3. on a portal fault tries again after a back-off, up to ``RetryPolicy.max_attempts``, checking
   the portal first when the fault came after ``submitting``; bad data is never retried.

The seam is ``FlowLike`` (``run`` and ``find_issued`` of ``flows.extension.ExtensionFlow``):
the runner only knows these two calls and the fields of their results.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, suppress
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from automation.browser import BrowserNotFound
from automation.privacy import Masker
from flows.bulk.journal import Claim, Journal, State
from flows.bulk.policy import CircuitBreaker, RetryPolicy, back_off
from flows.errors import BusinessError, NotAutomatable
from flows.request import ExtensionRequest

__all__ = [
    "Answer",
    "BulkRunner",
    "Confirm",
    "ContractLike",
    "FlowFactory",
    "FlowLike",
    "ResultLike",
    "RunOptions",
    "RunReport",
]


class ContractLike(Protocol):
    """What the runner reads of ``flows.extension.IssuedContract``."""

    @property
    def contract_number(self) -> str:
        """The new AA contract number."""

    @property
    def opportunity_name(self) -> str:
        """The opportunity the contract was sold on (it holds the client's name)."""

    @property
    def premium(self) -> str | None:
        """The premium as the portal shows it."""


class ResultLike(Protocol):
    """What the runner reads of ``flows.extension.ExtensionResult``."""

    @property
    def status(self) -> str:
        """issued | handed_off | invalid | failed | skipped (a StrEnum compares as text)."""

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


class FlowLike(Protocol):
    """The two calls of ``flows.extension.ExtensionFlow`` the runner makes."""

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: Callable[[str, str], bool] | None = None,
        dry_run: bool = False,
    ) -> ResultLike:
        """Route, enter and finalise one request (see ``ExtensionFlow.run``)."""

    def find_issued(self, request: ExtensionRequest) -> ContractLike | None:
        """The contract already sold for this request, if any (see ``ExtensionFlow``)."""


#: Opens one portal session (browser, sign-in) and yields a flow on it; one call per worker.
FlowFactory = Callable[[], AbstractContextManager[FlowLike]]


class Answer(StrEnum):
    """The operator's answer in ``--assist`` before a sale is finalised."""

    FINALISE = "finalise"
    SKIP = "skip"
    STOP = "stop"


#: Asks the operator about one sale: (row, contract number, premium shown) → answer. Called one
#: at a time.
Confirm = Callable[[int, str, str], Answer]


@dataclass(frozen=True)
class RunOptions:
    """How a run behaves: workers, retries, breaker, how many requests at most."""

    workers: int = 1
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker_threshold: int = 5
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.limit is not None and self.limit < 0:
            raise ValueError("limit must be 0 or more")


@dataclass(frozen=True)
class RunReport:
    """How a run ended: ``stopped`` says why it stopped early (None: nothing left to do)."""

    stopped: str | None
    entered: int
    counts: Counter[State]


class _OpenFailed(Exception):
    """Opening a portal session failed (the worker's, not one request's problem)."""

    def __init__(self, cause: BaseException) -> None:
        self.cause = cause
        super().__init__(str(cause))


class _HookFailed(Exception):
    """The journal could not record ``submitting``: the sale must not be finalised."""


class _Session:
    """A worker's portal session, opened on first use and reopened after a fault."""

    def __init__(self, factory: FlowFactory) -> None:
        self._factory = factory
        self._stack: ExitStack | None = None
        self._flow: FlowLike | None = None

    def flow(self) -> FlowLike:
        if self._flow is None:
            stack = ExitStack()
            try:
                self._flow = stack.enter_context(self._factory())
            except Exception as error:
                stack.close()
                raise _OpenFailed(error) from error
            self._stack = stack
        return self._flow

    def close(self) -> None:
        stack, self._stack, self._flow = self._stack, None, None
        if stack is not None:
            with suppress(Exception):  # a browser that will not close is gone anyway
                stack.close()


def _masker(request: ExtensionRequest, show: bool) -> Masker:
    """Masks this client's values in any text a portal or a browser error hands back."""
    masker = Masker(show=show)
    digits = request.phone
    masker.register(names=(request.first_name, request.last_name),
                    birth_date=request.birth_date.isoformat(), phone=digits, email=request.email)
    for shown in (f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", f"{digits[:3]}-{digits[3:6]}-"
                  f"{digits[6:]}", f"{digits[:3]} {digits[3:6]} {digits[6:]}"):
        masker.register(phone=shown)
    return masker


def _one_line(text: str, masker: Masker, limit: int = 300) -> str:
    """First line of an error (Playwright adds a call log below it), masked and shortened."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = masker.mask(re.sub(r"\s+", " ", first))
    return first if len(first) <= limit else first[: limit - 1] + "…"


@dataclass
class _Fault:
    message: str
    retryable: bool
    step: str | None = None
    artifacts: tuple[str, ...] = ()


class BulkRunner:
    """Enters the journal's pending requests with ``options.workers`` workers."""

    def __init__(
        self,
        journal: Journal,
        requests: Mapping[str, ExtensionRequest],
        factory: FlowFactory,
        options: RunOptions | None = None,
        *,
        confirm: Confirm | None = None,
        on_change: Callable[[Counter[State]], None] | None = None,
        show_personal_data: bool = False,
    ) -> None:
        self.journal = journal
        self.requests = requests
        self.factory = factory
        self.options = options or RunOptions()
        self.confirm = confirm
        self.on_change = on_change
        self.show_personal_data = show_personal_data
        self.breaker = CircuitBreaker(self.options.breaker_threshold)
        self._stop = threading.Event()
        self._stopped: str | None = None
        self._claim_lock = threading.Lock()
        self._confirm_lock = threading.Lock()
        self._entered = 0
        self._fatal: BaseException | None = None

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> RunReport:
        """Run the workers until nothing is pending, the limit is reached or the run stops.

        Ctrl-C stops claiming and lets each worker finish the request it holds; a second
        Ctrl-C leaves at once (the journal makes the next run check those requests).
        """
        self._notify()
        workers = [threading.Thread(target=self._work, args=(f"w{n}",), name=f"bulk-w{n}",
                                    daemon=True) for n in range(1, self.options.workers + 1)]
        for worker in workers:
            worker.start()
        try:
            self._join(workers)
        except KeyboardInterrupt:
            self.stop("interrupted (Ctrl-C): the requests not done stay pending")
            self._join(workers)
        if self._fatal is not None:
            raise self._fatal
        return RunReport(self._stopped, self._entered, self.journal.state_counts())

    def stop(self, reason: str) -> None:
        """Stop claiming; workers end the request they hold (a back-off ends at once)."""
        if self._stopped is None:
            self._stopped = reason
        self._stop.set()

    @property
    def stopped_reason(self) -> str | None:
        """Why the run stopped early (breaker, operator, Ctrl-C), or None."""
        return self._stopped

    @staticmethod
    def _join(workers: list[threading.Thread]) -> None:
        while any(worker.is_alive() for worker in workers):
            for worker in workers:
                worker.join(0.2)  # a short join keeps the main thread responsive to Ctrl-C

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change(self.journal.state_counts())

    def _work(self, worker: str) -> None:
        session = _Session(self.factory)
        try:
            while (claim := self._next_claim(worker)) is not None:
                self._handle(claim, session, worker)
                self._notify()
        except BaseException as error:  # a journal failure: nothing can be recorded any more
            if self._fatal is None:
                self._fatal = error
            self.stop(f"internal error: {error}")
        finally:
            session.close()

    def _next_claim(self, worker: str) -> Claim | None:
        with self._claim_lock:
            limit = self.options.limit
            if self._stop.is_set() or (limit is not None and self._entered >= limit):
                return None
            claim = self.journal.claim(worker)
            if claim is not None and not claim.check_first:
                self._entered += 1
            return claim

    # --- one request ------------------------------------------------------------------------

    def _handle(self, claim: Claim, session: _Session, worker: str) -> None:
        request = self.requests.get(claim.key)
        if request is None:  # listed and pending, yet not planned "enter": a bug, say so
            self.journal.finish(claim.key, State.FAILED, worker, check_first=claim.check_first,
                                message="not a request to enter in the current file")
            return
        masker = _masker(request, self.show_personal_data)
        check_first = claim.check_first
        attempt = 0
        while True:
            attempt += 1
            submitted = threading.Event()
            try:
                if check_first:
                    if self._reconcile(claim, request, session.flow(), worker, masker,
                                       release=attempt == 1):
                        return
                    check_first = False
                hook = self._hook(claim, worker, submitted)
                result = session.flow().run(request, before_finalise=hook)
            except _HookFailed:
                raise
            except _OpenFailed as failed:
                if not self._open_retryable(failed.cause):
                    reason = f"could not open a portal session: {_one_line(str(failed), masker)}"
                    self.journal.release(claim.key, worker, reason=reason,
                                         check_first=check_first)
                    self.stop(reason)
                    return
                fault = _Fault(_one_line(str(failed.cause), masker) or type(failed.cause).__name__,
                               True, "sign-in")
            except BusinessError as error:
                self._business(claim, worker, error, masker)
                return
            except Exception as error:
                session.close()  # the page may be anywhere: start the next try afresh
                fault = _Fault(_one_line(str(error), masker) or type(error).__name__,
                               bool(getattr(error, "retryable", True)),
                               getattr(error, "step", None))
            else:
                maybe = self._record(claim, worker, result, masker)
                if maybe is None:
                    return
                fault = maybe
            check_first = check_first or submitted.is_set()
            if not self._after_fault(claim, worker, fault, attempt, check_first):
                return

    def _open_retryable(self, cause: BaseException) -> bool:
        # No browser, or credentials refused: every other request would fail the same way.
        return not isinstance(cause, BrowserNotFound) and getattr(cause, "retryable", True)

    def _reconcile(self, claim: Claim, request: ExtensionRequest, flow: FlowLike, worker: str,
                   masker: Masker, *, release: bool) -> bool:
        """Ask the portal for this request's contract; True when the request is settled here."""
        found = flow.find_issued(request)
        self.breaker.success()
        if found is not None:
            self.journal.issued(claim.key, worker, contract_number=found.contract_number,
                                opportunity_name=found.opportunity_name, premium=found.premium,
                                message="already sold: found in the portal after an interrupted "
                                "attempt", reconciled=True)
            return True
        if release:
            # A request recovered from a dead run goes back in line, like the spec of a resume
            # says: checked first, then entered by whichever worker claims it next.
            self.journal.release(claim.key, worker, check_first=False,
                                 reason="reconciled: no contract in the portal; to be entered")
            return True
        self.journal.checked(claim.key, worker)
        return False

    def _hook(self, claim: Claim, worker: str, submitted: threading.Event
              ) -> Callable[[str, str], bool]:
        def before_finalise(opportunity_name: str, premium: str) -> bool:
            if self.confirm is not None:
                with self._confirm_lock:  # one question on the terminal at a time
                    answer = self.confirm(claim.row, claim.contract_number, premium)
                if answer is Answer.STOP:
                    self.stop("stopped by the operator")
                if answer is not Answer.FINALISE:
                    return False
            try:
                self.journal.submitting(claim.key, opportunity_name, worker)
            except Exception as error:
                raise _HookFailed(f"the journal could not record the sale: {error}") from error
            submitted.set()
            return True

        return before_finalise

    def _record(self, claim: Claim, worker: str, result: ResultLike, masker: Masker
                ) -> _Fault | None:
        """Write a flow result; a fault is returned for the retry logic instead."""
        message = _one_line(result.message, masker)
        artifacts = tuple(str(path) for path in result.artifacts)
        status = str(result.status)
        if status == "issued" and result.contract is not None:
            contract = result.contract
            self.journal.issued(claim.key, worker, contract_number=contract.contract_number,
                                opportunity_name=contract.opportunity_name,
                                premium=contract.premium, artifacts=artifacts,
                                # The flow's message names the opportunity (the client's name):
                                # results.csv has the contract number, which is what ops need.
                                message="contract issued")
        elif status in ("handed_off", "invalid"):
            self.journal.finish(claim.key, State(status), worker, message=message,
                                failed_step=result.failed_step, artifacts=artifacts)
        elif status == "skipped":
            self.journal.finish(claim.key, State.SKIPPED, worker, artifacts=artifacts,
                                message=f"skipped by the operator: not finalised; run again to "
                                f"enter it{f' ({message})' if message else ''}")
        elif status == "issued":
            return _Fault("the flow said issued but gave no contract number", True,
                          result.failed_step, artifacts)
        else:
            return _Fault(message or f"the flow ended {status}", result.retryable and
                          status == "failed", result.failed_step, artifacts)
        self.breaker.success()
        return None

    def _business(self, claim: Claim, worker: str, error: BusinessError, masker: Masker) -> None:
        state = State.HANDED_OFF if isinstance(error, NotAutomatable) else State.INVALID
        self.journal.finish(claim.key, state, worker, message=_one_line(str(error), masker))
        self.breaker.success()

    def _after_fault(self, claim: Claim, worker: str, fault: _Fault, attempt: int,
                     check_first: bool) -> bool:
        """Record a fault; True when the worker should try this request again now."""
        where = f" (step {fault.step})" if fault.step else ""
        message = f"{fault.message}{where}"
        tripped = self.breaker.fault(message)
        if tripped:
            self.stop(self.breaker.reason)
        if self._stop.is_set():
            self.journal.release(claim.key, worker, check_first=check_first,
                                 reason=f"not done, the run stopped: {message}")
            return False
        if not fault.retryable or attempt >= self.options.retry.max_attempts:
            tries = f" after {attempt} attempts" if attempt > 1 else ""
            self.journal.finish(claim.key, State.FAILED, worker, message=f"{message}{tries}",
                                failed_step=fault.step, artifacts=fault.artifacts,
                                check_first=check_first)
            return False
        self.journal.retrying(claim.key, worker, message=message, check_first=check_first)
        if not back_off(self.options.retry.delay(attempt), self._stop):
            self.journal.release(claim.key, worker, check_first=check_first,
                                 reason=f"not done, the run stopped: {message}")
            return False
        return True
