"""The automated extension: route a request, walk the procedure, say how it ended.

``ExtensionFlow(session).run(request)`` routes the request; when routing hands it off it stops
with the instructions; else it walks the procedure (``automation.runtime.walk``: seed steps 1–7,
from the global search to a finalised Assurance complémentaire contract with the insurance type
« Ancien système voyage QC ON ») for the request's ``Visit`` (``flows.visit``), with the request
traced by an ``EvidenceRecorder``.

Safety rules the flow keeps, whatever the caller does:
- it never picks between two matching accounts and never ticks a consent nobody gave (the walk
  stops, and the outcome says why);
- a fault at « Finaliser la vente » is resolved on the same opportunity (the walk's last step),
  so a retry never sells a second contract;
- on failure it keeps a screenshot and a Playwright trace and says which step failed; the trace
  is kept without the session cookies, and the password never reaches it: the session signs in,
  and signs in again after an expiry, in a separate untraced context.

Errors: portal errors and walk stops become results; anything else is a bug and propagates.
Progress is logged at INFO on ``flows.extension`` and ``automation.runtime.walk``: the logging
set-up of the command line masks the client's values in every record
(``automation.runtime.logging_setup``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from automation.errors import FormRejected, PortalError, WalkStopped
from automation.evidence.recorder import EvidenceRecorder
from automation.runtime.logging_setup import active_masker
from automation.runtime.session import PortalSession, open_session
from automation.runtime.settings import Settings
from automation.runtime.walk import Retry, Step, StepTiming, Trail, Walk
from flows.errors import ConsentMissing
from flows.language import say
from flows.masking import register_client
from flows.outcome import Outcome, outcome_of
from flows.request import ExtensionRequest, RoutingFacts
from flows.request.lock import request_lock
from flows.request.money import Money, parse_money
from flows.routing import Decision, route
from flows.visit import visit_for

__all__ = [
    "ExtensionFlow",
    "ExtensionResult",
    "FinaliseHook",
    "IssuedContract",
    "PendingSale",
    "handed_off",
    "open_extension_flow",
    "stop_before_portal",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedContract:
    """A sold Assurance complémentaire contract, as read back from the portal."""

    contract_number: str
    opportunity_name: str
    premium: Money | None = None  # a number and its currency; text only for people


@dataclass(frozen=True)
class ExtensionResult:
    """What happened to one request; ``message`` says why in words a person can act on."""

    status: Outcome
    decision: Decision | None
    message: str
    contract: IssuedContract | None = None
    failed_step: str | None = None
    artifacts: tuple[Path, ...] = field(default_factory=tuple)
    retryable: bool = False
    opportunity_name: str | None = None
    already_sold: bool = False  # the contract was found on the account, not sold now
    timings: tuple[StepTiming, ...] = ()  # each step the walk went through


@dataclass(frozen=True)
class PendingSale:
    """A sale ready for « Finaliser la vente », as the hook is told of it.

    ``screenshot`` takes a picture of the page as it stands (the Voyage step, filled in, with
    the premium) only when asked: a run that asks for none pays nothing for it. The picture
    shows the client's data: it goes to an owner-only file, never to a log or a report.
    """

    opportunity_name: str
    premium: str  # as the portal shows it (« 607,20 $ »)
    shoot: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)

    def screenshot(self, path: Path) -> bool:
        """Write the page as a PNG to ``path`` (owner-only, replaced whole); False when there
        is no page to take (a scripted flow).

        Call it from the thread the hook was called on: a Playwright page belongs to it.
        """
        if self.shoot is None:
            return False
        picture = self.shoot()
        temporary = path.with_name(f".{path.name}.tmp")
        fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(picture)
        os.replace(temporary, path)  # a reader sees the whole picture or none
        return True


# Called when the sale is ready, just before « Finaliser la vente », with the opportunity name
# and the premium shown (and a way to take the page's picture): bulk records "submitting"
# there, --assist asks the operator. Returning False leaves the sale unfinalised.
FinaliseHook = Callable[[PendingSale], bool]


class ExtensionFlow:
    """Runs requests one after the other on a signed-in portal session."""

    def __init__(self, session: PortalSession, *, artifacts_root: Path | None = None) -> None:
        self.session = session
        self.evidence = EvidenceRecorder(session, artifacts_root or session.settings.artifacts_dir)

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: FinaliseHook | None = None,
        dry_run: bool = False,
        sell_again: bool = False,
        stop: threading.Event | None = None,
        retry: Retry | None = None,
    ) -> ExtensionResult:
        """Route, then (when automated) walk the procedure and finalise the sale.

        The walk first looks at the client's account: a sale for this trip ends the request as
        issued (``already_sold``) unless ``sell_again``; an unfinished opportunity of this trip
        is continued. The request's lock (``flows.request.lock``) is held meanwhile. When
        ``stop`` is set (Ctrl-C), the walk ends before its next step: a step under way, the
        sale included, is finished first. ``retry`` lets the walk try a failing step again on
        the same opportunity (``automation.runtime.walk.Walk.run``; ``flows.attempts.Attempts``
        counts the tries).
        """
        decision = route(request)
        early = stop_before_portal(request, decision)
        if early is not None:
            return early
        _register_client(request)
        logger.info(
            say(fr="%s : dirigée vers %s (%s)", en="%s: routed to %s (%s)"),
            request.contract_number,
            decision.outcome.value,
            decision.rule,
        )
        visit = replace(visit_for(request, self.session.labels), sell_again=sell_again)
        walk = Walk(self.session, visit)

        def before(step: Step, trail: Trail) -> bool:
            if stop is not None and stop.is_set():
                return False
            if step is not Step.FINALISE or before_finalise is None:
                return True
            return before_finalise(
                PendingSale(trail.opportunity_name, trail.premium, self._screenshot)
            )

        self.evidence.start()
        try:
            with request_lock(self.session.settings.artifacts_dir, request):
                trail = walk.run(
                    stop_before=Step.FINALISE if dry_run else None, before=before, retry=retry
                )
        except (WalkStopped, FormRejected) as refused:
            self.evidence.discard()
            return ExtensionResult(
                outcome_of(refused),
                decision,
                str(refused),
                failed_step=refused.step or None,
                opportunity_name=walk.trail.opportunity_name or None,
                timings=tuple(walk.trail.timings),
            )
        except PortalError as fault:
            step = fault.step or str(walk.trail.step or "start")
            logger.info(
                say(fr="%s : échec à l’étape %s : %s", en="%s: failed at step %s: %s"),
                request.contract_number,
                step,
                fault.detail,
            )
            return ExtensionResult(
                Outcome.FAILED,
                decision,
                say(
                    fr=f"échec à l’étape « {step} » : {fault.detail}",
                    en=f"failed at step « {step} »: {fault.detail}",
                ),
                failed_step=step,
                artifacts=self.evidence.keep(step),
                retryable=fault.retryable,
                opportunity_name=walk.trail.opportunity_name or None,
                timings=tuple(walk.trail.timings),
            )
        self.evidence.discard()
        interrupted = stop is not None and stop.is_set()
        result = _result(trail, decision, dry_run=dry_run, interrupted=interrupted)
        logger.info("%s: %s — %s", request.contract_number, result.status.value, result.message)
        return result

    def _screenshot(self) -> bytes:
        """The page as it stands, as a PNG (the visible part: the step being filled)."""
        return self.session.page.screenshot()

    def find_issued(self, request: ExtensionRequest) -> IssuedContract | None:
        """A contract already sold for this request (same client, same trip dates), if any.

        The walk's own ledger check, alone: reconciles a request caught between « finalise »
        and « recorded » after a crash.
        """
        visit = visit_for(request, self.session.labels)
        found = Walk(self.session, visit).run(stop_before=Step.NEW_OPPORTUNITY).found_sale
        return IssuedContract(found.contract_number, found.opportunity_name) if found else None


def _result(
    trail: Trail, decision: Decision, *, dry_run: bool, interrupted: bool
) -> ExtensionResult:
    name, timings = trail.opportunity_name, tuple(trail.timings)
    if trail.found_sale is not None and trail.sold_here:
        found = trail.found_sale
        return ExtensionResult(
            Outcome.ISSUED,
            decision,
            say(
                fr=f"contrat {found.contract_number} émis ({found.opportunity_name}) ; "
                "confirmé sur le compte après la perte de la réponse du portail",
                en=f"contract {found.contract_number} issued ({found.opportunity_name}); "
                "confirmed on the account after the portal's answer was lost",
            ),
            contract=IssuedContract(found.contract_number, found.opportunity_name),
            opportunity_name=found.opportunity_name,
            timings=timings,
        )
    if trail.found_sale is not None:
        found = trail.found_sale
        return ExtensionResult(
            Outcome.ISSUED,
            decision,
            say(
                fr=f"déjà vendu : {found.contract_number} (opportunité "
                f"{found.opportunity_name}), pas vendu une seconde fois",
                en=f"already sold: {found.contract_number} (opportunity "
                f"{found.opportunity_name}), not sold again",
            ),
            contract=IssuedContract(found.contract_number, found.opportunity_name),
            opportunity_name=found.opportunity_name,
            already_sold=True,
            timings=timings,
        )
    if interrupted and trail.stopped_before is not None:
        step = trail.stopped_before
        message = say(
            fr=f"interrompu (Ctrl-C) avant l’étape « {step} » : rien n’a été "
            "finalisé ; la relancer continue la même opportunité",
            en=f"interrupted (Ctrl-C) before step « {step} »: nothing was "
            "finalised; running it again continues the same opportunity",
        )
        return ExtensionResult(
            Outcome.SKIPPED, decision, message, opportunity_name=name, timings=timings
        )
    if trail.stopped_before is Step.FINALISE:
        message = (
            say(
                fr="essai à blanc : tout est rempli, vente non finalisée",
                en="dry run: everything filled in, sale not finalised",
            )
            if dry_run
            else say(
                fr="non finalisée : l’opérateur a refusé", en="not finalised: the operator declined"
            )
        )
        return ExtensionResult(
            Outcome.SKIPPED, decision, message, opportunity_name=name, timings=timings
        )
    number = trail.contract_number
    return ExtensionResult(
        Outcome.ISSUED,
        decision,
        say(fr=f"contrat {number} émis ({name})", en=f"contract {number} issued ({name})"),
        contract=IssuedContract(number, name, _premium(trail.premium)),
        opportunity_name=name,
        timings=timings,
    )


def _premium(shown: str) -> Money | None:
    """The premium the walk read, as a number; None when the portal showed none or no amount.

    An unreadable premium must not turn a sold contract into a failure: the sale is final, and
    the contract number is what operations act on.
    """
    if not shown:
        return None
    try:
        return parse_money(shown)
    except ValueError:
        logger.warning("premium shown is not an amount in dollars: %r", shown)
        return None


def handed_off(decision: Decision) -> ExtensionResult:
    """The result of a request routing hands off: where to go, and why, in the run's language."""
    return ExtensionResult(
        Outcome.HANDED_OFF, decision, f"{decision.handoff.where} — {decision.reason}"
    )


def stop_before_portal(request: RoutingFacts, decision: Decision) -> ExtensionResult | None:
    """The result when the request must not reach the portal at all, else None.

    Routing first: a hand-off needs only the routing facts; an automated request must be a
    full ``ExtensionRequest`` by then (its Québec consent is checked here).
    """
    if not decision.automated:
        return handed_off(decision)
    if isinstance(request, ExtensionRequest) and request.needs_privacy_consent:
        return ExtensionResult(Outcome.INVALID, decision, str(ConsentMissing("privacy_consent")))
    return None


def _register_client(request: ExtensionRequest) -> None:
    """Let the logging set-up mask this client's values in every record from now on."""
    masker = active_masker()
    if masker is not None:
        register_client(masker, request)


@contextmanager
def open_extension_flow(settings: Settings, base_url: str) -> Iterator[ExtensionFlow]:
    """A browser signed in to ``base_url`` and an ``ExtensionFlow`` on it."""
    with open_session(settings, base_url) as session:
        yield ExtensionFlow(session)
