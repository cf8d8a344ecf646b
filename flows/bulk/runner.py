"""The bulk runner: N workers, each with its own portal session, entering the journal's requests.

Each worker is a thread with its own flow (``FlowFactory`` opens one browser session per
worker: Playwright's sync API allows one instance per thread; ``flows.bulk.target``'s factory
has them share one Chromium, ``flows.bulk.browsers``), so a SIGKILL ends the whole run at
once and nothing is left behind but rows ``in_progress``/``submitting`` that the next run checks.

For every request it claims, a worker:

1. if the request may already be sold (``check_first``), asks the portal (``find_issued``):
   found → ``issued`` with that contract; not found → back to pending, entered by a later claim;
2. runs the flow; the flow's ``before_finalise`` hook writes ``submitting`` in the journal (and
   in ``--assist`` asks the operator first: a terminal's questions one at a time, the desk's
   side by side, ``flows.bulk.asking``; a question still waiting when the run stops gives the
   request back, pending); the result is written at once;
3. on a portal fault tries again after a back-off, ``RetryPolicy.max_attempts`` tries of a
   step in all (``flows.attempts.Attempts``, one count per request): a failing step inside the
   walk, on the same opportunity; a session that will not open, or a flow that ended failed,
   from the start, checking the portal first when the fault came after ``submitting``; bad
   data is never retried.

The seam is ``FlowLike`` (``run`` and ``find_issued`` of ``flows.extension.ExtensionFlow``,
in ``flows.bulk.seam``): the runner only knows these two calls and the fields of their results.

The error boundary — what an exception out of the flow means:

- ``automation.errors.PortalError`` (``.retryable``, ``.step``): a portal fault, retried while
  ``retryable`` and counted by the circuit breaker; unless ``outcome_of`` says the portal
  refused the data (``FormRejected``: invalid).
- ``flows.errors.BusinessError``: ends the row with ``outcome_of(error)`` (handed off or
  invalid), as the flow does; never retried.
- Anything else is a bug: the row ends ``failed`` with "internal error: <type>: <first line>",
  the traceback goes to the log (masked with the client's masker), it is neither retried nor
  counted by the breaker, and the run goes on with the next row: one row's bug must not cost
  the others their turn, and a bug is no sign that the portal is down. If it came after
  ``submitting`` the row is checked in the portal before it is entered again. A bug while
  opening a portal session gives the row back and stops the run: every row would meet it.
- Errors of the journal itself stop the run and are raised: nothing could be recorded
  (``JournalUnavailable`` when its database stayed away). One is not: ``ClaimLost``, a request
  whose lease ran out and that another worker (another machine) took over: the worker leaves it
  to that one and claims the next.

On a shared journal (PostgreSQL) a worker claims only the requests of its own file, and one
that finds nothing to claim waits while requests are still pending or in flight elsewhere: a
claim of a machine that died comes free when its lease runs out.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial

from automation.errors import PortalError, WalkStopped
from automation.evidence.privacy import Masker
from automation.runtime.browser import BrowserNotFound
from automation.text import first_line
from flows.attempts import Attempts, Failure, RetryPolicy
from flows.bulk.asking import Answer, Asking, Confirm, Question, asking
from flows.bulk.journal import Claim, ClaimLost, Journal, JournalUnavailable, Standing
from flows.bulk.policy import CircuitBreaker
from flows.bulk.seam import (
    ContractLike,
    FlowBug,
    FlowFactory,
    FlowLike,
    HookFailed,
    OpenFailed,
    ResultLike,
    SaleHook,
    SaleLike,
    Session,
    flow_outcome,
    guarded,
)
from flows.errors import BusinessError
from flows.internal_errors import internal_error, log_internal_error
from flows.interrupts import CtrlC
from flows.language import say
from flows.masking import client_masker
from flows.outcome import Outcome, outcome_of
from flows.request import ExtensionRequest

__all__ = [
    "Answer",
    "Asking",
    "BulkRunner",
    "Confirm",
    "ContractLike",
    "FlowFactory",
    "FlowLike",
    "Question",
    "ResultLike",
    "RunOptions",
    "RunReport",
]

logger = logging.getLogger(__name__)


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
    counts: Counter[Standing]


def _claim_lost(error: BaseException) -> bool:
    """True for a request another worker took over (raised directly or through the hook)."""
    return isinstance(error, ClaimLost) or isinstance(error.__cause__, ClaimLost)


def _one_line(text: BaseException | str, masker: Masker) -> str:
    """First line of an error (Playwright adds a call log below it), masked, then shortened:
    masked before it is cut, so a cut never leaves part of a name showing."""
    return first_line(masker.mask(first_line(text)), limit=300)


def _internal(error: BaseException, masker: Masker) -> str:
    """How a bug is reported on its row (``flows.internal_errors``, as ``prolong extend``)."""
    return internal_error(error, masker)


class BulkRunner:
    """Enters the journal's pending requests with ``options.workers`` workers."""

    def __init__(
        self,
        journal: Journal,
        requests: Mapping[str, ExtensionRequest],
        factory: FlowFactory,
        options: RunOptions | None = None,
        *,
        confirm: Confirm | Asking | None = None,
        on_change: Callable[[Counter[Standing]], None] | None = None,
        show_personal_data: bool = False,
    ) -> None:
        self.journal = journal
        self.requests = requests
        self.factory = factory
        self.options = options or RunOptions()
        self.asking = asking(confirm) if confirm is not None else None
        self.on_change = on_change
        self.show_personal_data = show_personal_data
        self.breaker = CircuitBreaker(self.options.breaker_threshold)
        self._stop = threading.Event()
        self._stopped: str | None = None
        self._claim_lock = threading.Lock()
        # A terminal has one prompt: its questions take turns. The desk's wait side by side.
        self._confirm_lock = threading.Lock()
        self._entered = 0
        self._fatal: BaseException | None = None
        self._keys = frozenset(requests)

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> RunReport:
        """Run the workers until nothing is pending, the limit is reached or the run stops.

        Ctrl-C stops claiming and lets each worker finish the request it holds; a second
        Ctrl-C leaves at once, exit 3 (every state change is committed as it happens, and the
        next run checks the requests that were in flight in the portal before entering them).
        """
        self._notify()
        workers = [
            threading.Thread(target=self._work, args=(f"w{n}",), name=f"bulk-w{n}", daemon=True)
            for n in range(1, self.options.workers + 1)
        ]
        for worker in workers:
            worker.start()

        def interrupted() -> None:
            self.stop(
                say(
                    fr="interrompu (Ctrl-C) : les demandes en cours ont été finies et "
                    "enregistrées ; les autres restent à faire",
                    en="interrupted (Ctrl-C): the requests in flight were finished and "
                    "recorded; the others stay pending",
                )
            )

        with CtrlC(notice=interrupted, hurry=lambda: os._exit(3)):
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
        session = Session(self.factory)
        masker = Masker(show=self.show_personal_data)  # the client of the request in hand
        try:
            while (claim := self._next_claim(worker)) is not None:
                if (request := self.requests.get(claim.key)) is not None:
                    masker = client_masker(request, show=self.show_personal_data)
                try:
                    self._handle(claim, session, worker)
                except (ClaimLost, HookFailed) as error:
                    if not _claim_lost(error):
                        raise
                    session.close()  # the page may be anywhere: the next request starts afresh
                    logger.warning("row %d: %s", claim.row, _one_line(error, masker))
                self._notify()
        except BaseException as error:  # a journal failure: nothing can be recorded any more
            if isinstance(error, HookFailed) and isinstance(error.__cause__, JournalUnavailable):
                error = error.__cause__
            if self._fatal is None:
                self._fatal = error
            # The reason is shown and kept: masked like every error text, its first line only.
            self.stop(
                _one_line(error, masker)
                if isinstance(error, JournalUnavailable)
                else _internal(error, masker)
            )
        finally:
            session.close()

    def _next_claim(self, worker: str) -> Claim | None:
        while True:
            with self._claim_lock:
                limit = self.options.limit
                if self._stop.is_set() or (limit is not None and self._entered >= limit):
                    return None
                claim = self.journal.claim(worker, among=self._keys)
                if claim is not None and not claim.check_first:
                    self._entered += 1
                if claim is not None:
                    return claim
            if not (self.journal.shared and self.journal.unsettled(self._keys)):
                return None
            # Other machines hold the rest, or a dead one's claims are waiting to expire.
            if self._stop.wait(min(5.0, max(0.5, self.journal.lease_s / 4))):
                return None

    # --- one request ------------------------------------------------------------------------

    def _handle(self, claim: Claim, session: Session, worker: str) -> None:
        request = self.requests.get(claim.key)
        if request is None:  # listed and pending, yet not planned "enter": a bug, say so
            self.journal.finish(
                claim.key,
                Outcome.FAILED,
                worker,
                check_first=claim.check_first,
                message=say(
                    fr="pas une demande à saisir dans le fichier actuel",
                    en="not a request to enter in the current file",
                ),
            )
            return
        masker = client_masker(request, show=self.show_personal_data)
        check_first = claim.check_first
        submitted = threading.Event()  # set by the hook: a try may have sold it
        unanswered = threading.Event()  # set by the hook: the run stopped before an answer

        def may_be_sold() -> bool:
            return check_first or submitted.is_set()

        def fault(failure: Failure) -> None:
            if self.breaker.fault(_fault_line(failure, masker)):
                self.stop(self.breaker.reason)

        def retrying(_tried: int, failure: Failure, _pause: float) -> None:
            self.journal.retrying(
                claim.key, worker, message=_fault_line(failure, masker), check_first=may_be_sold()
            )

        attempts = Attempts(self.options.retry, stop=self._stop, on_fault=fault, on_retry=retrying)

        def once() -> Failure | None:
            """One try: a ``Failure`` to try again, or None once the row is settled (or given
            back, the run stopping)."""
            nonlocal check_first
            check_first = may_be_sold()
            try:
                if check_first:
                    # A row recovered from a dead run goes back in line when nothing is found.
                    if self._reconcile(
                        claim, request, session, worker, release=attempts.tried == 1
                    ):
                        return None
                    check_first = False
                    submitted.clear()
                flow = session.flow()  # OpenFailed, not a bug, when it will not open
                result = guarded(
                    partial(
                        flow.run,
                        request,
                        before_finalise=self._hook(claim, worker, submitted, unanswered),
                        retry=attempts.retry,
                    )
                )
            except OpenFailed as failed:
                return self._open_failed(claim, worker, failed.cause, masker, may_be_sold())
            except (BusinessError, WalkStopped, PortalError) as error:
                outcome = outcome_of(error)
                if outcome is not Outcome.FAILED or not isinstance(error, PortalError):
                    self._refused(claim, worker, outcome, error, masker, check_first=may_be_sold())
                    return None
                session.close()  # the page may be anywhere: start the next try afresh
                return Failure.of(error)
            except FlowBug as bug:
                session.close()
                self._bug(claim, worker, bug.cause, masker, check_first=may_be_sold())
                return None
            self.journal.record_timings(claim.key, attempts.tried, result.timings)
            if unanswered.is_set():
                self._unanswered(claim, worker, check_first=may_be_sold())
                return None
            return self._record(claim, worker, result, masker)

        last = attempts.run(once)
        if last is not None:
            self._give_up(claim, worker, last, attempts.tried, masker, may_be_sold())

    def _open_failed(
        self, claim: Claim, worker: str, cause: BaseException, masker: Masker, check_first: bool
    ) -> Failure | None:
        """A session that would not open: a failed try, or None once the run is stopped.

        No browser, refused credentials or a bug: every other request would fail the same way.
        """
        if isinstance(cause, PortalError) and cause.retryable:
            return Failure.of(cause, "sign-in")
        if isinstance(cause, PortalError | BrowserNotFound):
            why = _one_line(cause, masker)
        else:
            self._log_bug(claim, cause, masker)
            why = _internal(cause, masker)
        reason = say(
            fr=f"impossible d’ouvrir une session du portail : {why}",
            en=f"could not open a portal session: {why}",
        )
        self.journal.release(claim.key, worker, reason=reason, check_first=check_first)
        self.stop(reason)
        return None

    def _reconcile(
        self,
        claim: Claim,
        request: ExtensionRequest,
        session: Session,
        worker: str,
        *,
        release: bool,
    ) -> bool:
        """Ask the portal for this request's contract; True when the request is settled here."""
        found = guarded(partial(session.flow().find_issued, request))
        self.breaker.success()
        if found is not None:
            self.journal.issued(
                claim.key,
                worker,
                contract_number=found.contract_number,
                opportunity_name=found.opportunity_name,
                premium=found.premium,
                message=say(
                    fr="déjà vendu : trouvé dans le portail après une tentative interrompue",
                    en="already sold: found in the portal after an interrupted attempt",
                ),
                reconciled=True,
            )
            return True
        if release:
            # A request recovered from a dead run goes back in line, like the spec of a resume
            # says: checked first, then entered by whichever worker claims it next.
            self.journal.release(
                claim.key,
                worker,
                check_first=False,
                reason=say(
                    fr="vérifiée : aucun contrat dans le portail ; à saisir",
                    en="reconciled: no contract in the portal; to be entered",
                ),
            )
            return True
        self.journal.checked(claim.key, worker)
        return False

    def _hook(
        self,
        claim: Claim,
        worker: str,
        submitted: threading.Event,
        unanswered: threading.Event,
    ) -> SaleHook:
        def before_finalise(sale: SaleLike) -> bool:
            if self.asking is not None:
                question = Question(
                    claim.key, claim.row, claim.contract_number, sale.premium, self._stop, sale
                )
                turn: AbstractContextManager[object] = (
                    nullcontext() if self.asking.concurrent else self._confirm_lock
                )
                with turn:
                    answer = self.asking.ask(question)
                if answer is Answer.STOP:
                    self.stop(say(fr="arrêté par l'opérateur", en="stopped by the operator"))
                if answer is Answer.UNANSWERED:
                    unanswered.set()
                if answer is not Answer.FINALISE:
                    return False
            try:
                self.journal.submitting(claim.key, sale.opportunity_name, worker)
            except ClaimLost as lost:
                raise HookFailed(
                    say(fr=f"non finalisée : {lost}", en=f"not finalised: {lost}")
                ) from lost
            except Exception as error:
                raise HookFailed(
                    say(
                        fr=f"le journal n’a pas pu enregistrer la vente : {error}",
                        en=f"the journal could not record the sale: {error}",
                    )
                ) from error
            submitted.set()
            return True

        return before_finalise

    def _unanswered(self, claim: Claim, worker: str, *, check_first: bool) -> None:
        """The run stopped while the sale waited for a person: back to pending, unsold."""
        self.journal.release(
            claim.key,
            worker,
            check_first=check_first,
            reason=say(
                fr="la course s’est arrêtée avant la réponse de l’opérateur : non finalisée ; "
                "à saisir",
                en="the run stopped before the operator answered: not finalised; to be entered",
            ),
        )

    def _record(
        self, claim: Claim, worker: str, result: ResultLike, masker: Masker
    ) -> Failure | None:
        """Write a flow result; a failed try is returned for ``Attempts`` instead."""
        message = _one_line(result.message, masker)
        artifacts = tuple(str(path) for path in result.artifacts)
        status = str(result.status)
        outcome = flow_outcome(status)
        if outcome is Outcome.ISSUED and result.contract is not None:
            contract = result.contract
            self.journal.issued(
                claim.key,
                worker,
                contract_number=contract.contract_number,
                opportunity_name=contract.opportunity_name,
                premium=contract.premium,
                artifacts=artifacts,
                # The flow's message names the opportunity (the client's name):
                # results.csv has the contract number, which is what ops need.
                message=say(
                    fr="déjà vendu : trouvé sur le compte du client, pas vendu de nouveau",
                    en="already sold: found on the client's account, not sold again",
                )
                if result.already_sold
                else say(fr="contrat émis", en="contract issued"),
                reconciled=result.already_sold,
            )
        elif outcome in (Outcome.HANDED_OFF, Outcome.INVALID):
            self.journal.finish(
                claim.key,
                outcome,
                worker,
                message=message,
                failed_step=result.failed_step,
                artifacts=artifacts,
            )
        elif outcome is Outcome.SKIPPED:
            self.journal.finish(
                claim.key,
                Outcome.SKIPPED,
                worker,
                artifacts=artifacts,
                message=say(
                    fr="passé par l'opérateur : non finalisé ; relancer pour le saisir",
                    en="skipped by the operator: not finalised; run again to enter it",
                )
                + (f" ({message})" if message else ""),
            )
        elif outcome is Outcome.ISSUED:
            return Failure(
                say(
                    fr="le flux dit émis sans donner de numéro de contrat",
                    en="the flow said issued but gave no contract number",
                ),
                result.failed_step,
                True,
                artifacts,
            )
        else:
            return Failure(
                message or say(fr=f"le flux a fini {status}", en=f"the flow ended {status}"),
                result.failed_step,
                result.retryable and outcome is Outcome.FAILED,
                artifacts,
            )
        self.breaker.success()
        return None

    def _refused(
        self,
        claim: Claim,
        worker: str,
        outcome: Outcome,
        error: Exception,
        masker: Masker,
        *,
        check_first: bool,
    ) -> None:
        """A business error, or data the portal refused: the row ends as ``outcome_of`` says.

        ``check_first`` is kept: if an earlier attempt may have sold it, a changed row is looked
        up in the portal before it is entered.
        """
        step = (error.step or None) if isinstance(error, PortalError) else None
        self.journal.finish(
            claim.key,
            outcome,
            worker,
            message=_one_line(error, masker),
            failed_step=step,
            check_first=check_first,
        )
        self.breaker.success()  # the portal answered: it is up

    def _bug(
        self, claim: Claim, worker: str, error: Exception, masker: Masker, *, check_first: bool
    ) -> None:
        """A bug met on this row: failed, logged, not retried, not counted by the breaker."""
        self._log_bug(claim, error, masker)
        self.journal.finish(
            claim.key,
            Outcome.FAILED,
            worker,
            message=_internal(error, masker),
            check_first=check_first,
        )

    @staticmethod
    def _log_bug(claim: Claim, error: BaseException, masker: Masker) -> None:
        log_internal_error(logger, f"row {claim.row} ({claim.contract_number})", error, masker)

    def _give_up(
        self,
        claim: Claim,
        worker: str,
        failure: Failure,
        tries: int,
        masker: Masker,
        check_first: bool,
    ) -> None:
        """The last try failed: the row ends failed, or goes back to pending if the run stops.

        The breaker counted each failed try already (``Attempts``' ``on_fault``).
        """
        message = _fault_line(failure, masker)
        if self._stop.is_set():
            self.journal.release(
                claim.key,
                worker,
                check_first=check_first,
                reason=say(
                    fr=f"non fait, la course s’est arrêtée : {message}",
                    en=f"not done, the run stopped: {message}",
                ),
            )
            return
        if tries > 1:
            message += say(fr=f" après {tries} essais", en=f" after {tries} attempts")
        self.journal.finish(
            claim.key,
            Outcome.FAILED,
            worker,
            message=message,
            failed_step=failure.step,
            artifacts=failure.artifacts,
            check_first=check_first,
        )


def _fault_line(failure: Failure, masker: Masker) -> str:
    """A failed try as its row says it: the message, masked, and the step it failed in."""
    message = _one_line(failure.message, masker)
    if not failure.step:
        return message
    return message + say(fr=f" (étape {failure.step})", en=f" (step {failure.step})")
