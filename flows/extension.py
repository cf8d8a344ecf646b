"""The automated extension (seed steps 1–7) and what it returns.

``ExtensionFlow(session).run(request)`` routes the request; when routing hands it off it stops
with the instructions; else it drives the page objects from the global search to a finalised
Assurance complémentaire contract with the insurance type « Ancien système voyage QC ON ».

Safety rules the flow keeps, whatever the caller does:
- it never picks between two matching accounts and never ticks a consent nobody gave;
- a fault at « Finaliser la vente » is resolved on the same opportunity (the portal's
  finalisation of one opportunity is idempotent), so a retry never sells a second contract;
- on failure it keeps a screenshot and a Playwright trace and says which step failed; the trace
  is kept without the session cookies (``redact_trace``), and the password never reaches it: the
  session signs in, and signs in again after an expiry, in a separate untraced context.

Progress is logged at INFO on ``flows.extension`` (search terms included): the logging set-up of
the command line masks the client's values in every record (``automation.logging_setup``).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from automation.artifacts import private_file, redact_trace, run_dir
from automation.errors import FormRejected, PortalError, PortalFault
from automation.logging_setup import active_masker
from automation.pages import ClientDetails, TripDetails
from automation.session import PortalSession, open_session
from automation.settings import Settings
from flows.errors import BusinessError, ClientAmbiguous, ConsentMissing, NotResident
from flows.request import DESTINATIONS, ExtensionRequest
from flows.routing import Decision, route

__all__ = [
    "ExtensionFlow",
    "ExtensionResult",
    "FinaliseHook",
    "IssuedContract",
    "Status",
    "open_extension_flow",
    "stop_before_portal",
]

logger = logging.getLogger(__name__)


class Status(StrEnum):
    """How one request ended."""

    ISSUED = "issued"  # a new AA contract was sold (or found already sold: reconciled)
    HANDED_OFF = "handed_off"  # routing, or what the portal showed, sends it to a person
    INVALID = "invalid"  # the data is wrong or incomplete (a missing consent included)
    FAILED = "failed"  # portal or automation fault
    SKIPPED = "skipped"  # not finalised: the operator declined (--assist) or a dry run


@dataclass(frozen=True)
class IssuedContract:
    """A sold Assurance complémentaire contract, as read back from the portal."""

    contract_number: str
    opportunity_name: str
    premium: str | None = None


@dataclass(frozen=True)
class ExtensionResult:
    """What happened to one request; ``message`` says why in words a person can act on."""

    status: Status
    decision: Decision | None
    message: str
    contract: IssuedContract | None = None
    failed_step: str | None = None
    artifacts: tuple[Path, ...] = field(default_factory=tuple)
    retryable: bool = False
    opportunity_name: str | None = None


# Called when the sale is ready, just before « Finaliser la vente », with the opportunity name
# and the premium shown: bulk records "submitting" there, --assist asks the operator. Returning
# False leaves the sale unfinalised.
FinaliseHook = Callable[[str, str], bool]


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.casefold().replace("-", " ").split())


def _display_phone(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


class ExtensionFlow:
    """Runs requests one after the other on a signed-in portal session."""

    def __init__(self, session: PortalSession, *, artifacts_root: Path | None = None) -> None:
        self.session = session
        self.artifacts_root = artifacts_root or session.settings.artifacts_dir
        self._cookies_at_start: list[str] = []

    # the whole procedure ----------------------------------------------------------------------
    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: FinaliseHook | None = None,
        dry_run: bool = False,
    ) -> ExtensionResult:
        """Route, then (when automated) enter the request and finalise the sale."""
        decision = route(request)
        stop = stop_before_portal(request, decision)
        if stop is not None:
            return stop
        _register_client(request)
        logger.info("%s: routed to %s (%s)", request.contract_number, decision.outcome.value,
                    decision.rule)
        tracing = self.session.context.tracing
        # The cookies the trace will record; a re-sign-in may replace them before it is kept.
        self._cookies_at_start = self._cookie_values()
        tracing.start(screenshots=True, snapshots=True)
        progress = _Progress()
        try:
            result = self._enter(request, decision, progress, before_finalise, dry_run)
        except (BusinessError, FormRejected) as refused:
            tracing.stop()
            status = Status.INVALID if isinstance(refused, ConsentMissing | FormRejected) else (
                Status.HANDED_OFF
            )
            return ExtensionResult(
                status, decision, str(refused), opportunity_name=progress.opportunity
            )
        except (PortalError, PlaywrightError, AssertionError) as fault:
            # AssertionError: a web-first expectation of a page object ran out of time.
            step = getattr(fault, "step", "") or progress.step
            # INFO, not WARNING: with no logging set up, Python prints warnings unmasked.
            logger.info("%s: failed at step %s: %s", request.contract_number, step,
                        _first_line(fault))
            artifacts = self._keep_evidence(step)
            retryable = getattr(fault, "retryable", True)
            return ExtensionResult(
                Status.FAILED,
                decision,
                f"failed at step « {step} »: {_first_line(fault)}",
                failed_step=step,
                artifacts=artifacts,
                retryable=retryable,
                opportunity_name=progress.opportunity,
            )
        tracing.stop()
        logger.info("%s: %s — %s", request.contract_number, result.status.value, result.message)
        return result

    def _enter(
        self,
        request: ExtensionRequest,
        decision: Decision,
        progress: _Progress,
        before_finalise: FinaliseHook | None,
        dry_run: bool,
    ) -> ExtensionResult:
        session = self.session
        progress.step = "search"
        found = session.step(lambda: self._open_account(request))
        progress.step = "client form"
        session.step(lambda: self._new_opportunity(found))
        session.step(lambda: self._fill_client(request, new_client=not found))
        progress.step = "resident questionnaire"
        progress.opportunity = session.step(lambda: self._answer_residency(request))
        progress.step = "Voyage step"
        session.step(lambda: self._fill_trip(request))
        progress.step = "mark stage complete"
        session.step(session.opportunity.mark_stage_complete)
        premium = session.opportunity.premium()
        name = progress.opportunity
        if dry_run:
            return ExtensionResult(
                Status.SKIPPED, decision, "dry run: everything filled in, sale not finalised",
                opportunity_name=name,
            )
        if before_finalise is not None and not before_finalise(name, premium):
            return ExtensionResult(
                Status.SKIPPED, decision, "not finalised: the operator declined",
                opportunity_name=name,
            )
        progress.step = "finalise"
        number = session.step(self._finalise)
        contract = IssuedContract(number, name, premium)
        return ExtensionResult(
            Status.ISSUED, decision, f"contract {number} issued ({name})",
            contract=contract, opportunity_name=name,
        )

    # steps ------------------------------------------------------------------------------------
    def _open_account(self, request: ExtensionRequest) -> bool:
        """Steps 1–2: find the client's account and open it; False when there is none."""
        session = self.session
        # A fresh home page each time: it checks the session (a bounce to sign-in shows here,
        # not half-way through typing) and drops the last request's toasts, which would cover
        # « Nouvelle opportunité ».
        session.home.open(session.base_url)
        for term in self._search_terms(request):
            logger.info("%s: searching the portal for %s", request.contract_number, term)
            session.home.search(term)
            results = session.search_results
            results.wait_for(term)
            matches = [row for row in results.account_rows() if self._is_client(row, request)]
            if len(matches) > 1:
                raise ClientAmbiguous(len(matches))
            if matches:
                name = matches[0][session.labels.col_account_name]
                results.open_account(name, request.birth_date.isoformat())
                session.account.wait_for(name)
                return True
        return False

    @staticmethod
    def _search_terms(request: ExtensionRequest) -> list[str]:
        # Most precise first: a client number is unique, a phone is shared by few, a name by many.
        terms = [request.client_number, request.phone, f"{request.first_name} {request.last_name}"]
        return [term for term in terms if term]

    def _is_client(self, row: dict[str, str], request: ExtensionRequest) -> bool:
        labels = self.session.labels
        same_name = _fold(row.get(labels.col_account_name, "")) == _fold(
            f"{request.first_name} {request.last_name}"
        )
        return same_name and row.get(labels.col_birth_date, "") == request.birth_date.isoformat()

    def _new_opportunity(self, found: bool) -> None:
        """Step 3: « Nouvelle opportunité » on the account, or on the home page for a new client."""
        session = self.session
        if found:
            session.account.new_opportunity()
        else:
            session.home.open(session.base_url)
            session.home.new_opportunity()
        session.client_form.wait_for()

    def _fill_client(self, request: ExtensionRequest, *, new_client: bool) -> None:
        """Step 4: the client form and, for Québec, the consents the client gave."""
        form = self.session.client_form
        form.fill(
            ClientDetails(
                first_name=request.first_name,
                last_name=request.last_name,
                birth_date=request.birth_date if new_client else None,
                email=request.email,
                phone=_display_phone(request.phone),
                province=request.province.value,
                postal_code=request.postal_code,
                language=request.language.value,
            )
        )
        if form.consent_is_asked() and request.privacy_consent is not True:
            raise ConsentMissing("privacy_consent")
        form.give_consents(privacy=request.privacy_consent is True,
                           dsr=request.dsr_disclosure is True)
        form.next(then=self.session.residency.questions()["buyer_travelling"].control)

    def _answer_residency(self, request: ExtensionRequest) -> str:
        """Step 5: the resident questionnaire, then « Démarrer »; returns the opportunity name."""
        residency = self.session.residency
        residency.wait_for()
        resident = residency.answer_residency(
            buyer_travelling=request.buyer_travelling,
            all_canadian_residents=request.all_canadian_residents,
            all_provincial_plan=request.all_provincial_plan,
        )
        if not resident:
            raise NotResident()
        opportunity = self.session.opportunity
        residency.start(then=opportunity.trip_section)
        return opportunity.wait_for_trip_step()

    def _fill_trip(self, request: ExtensionRequest) -> None:
        """Step 6: the Voyage step, with the legacy days and « Ancien système voyage QC ON »."""
        opportunity = self.session.opportunity
        opportunity.wait_for_trip_step()
        opportunity.fill_trip(self.trip_details(request))
        shown = opportunity.trip_days()
        if shown != request.trip_days:
            raise PortalFault(
                f"the portal computed {shown} trip days, the request has {request.trip_days}",
                step="Voyage step",
            )

    def trip_details(self, request: ExtensionRequest) -> TripDetails:
        """The Voyage step's answers in the portal's words for this request."""
        labels = self.session.labels
        names = DESTINATIONS.get(request.destination)
        french, english = (names[0], names[1]) if names else (request.destination,) * 2
        assert request.legacy_days is not None  # a legacy request always has them (validated)
        return TripDetails(
            destination=french if labels.locale == "fr" else english,
            trip_reason=labels.trip_reasons[request.trip_reason.value],
            trip_start=request.trip_start,
            trip_end=request.trip_end,
            other_insurer_days=request.legacy_days,
            other_insurer_type=labels.legacy_insurance_type,
        )

    def _finalise(self) -> str:
        """Step 7: finalise; a fault is resolved on this same opportunity, never on a new one."""
        opportunity = self.session.opportunity
        try:
            return opportunity.finalise()
        except PortalFault:
            # The sale may have gone through with its answer lost: read the opportunity again.
            self.session.page.reload()
            opportunity.arrive(opportunity.title)
            if opportunity.finalise_button.is_visible():
                return opportunity.finalise()
            return opportunity.contract_number()

    # reconciliation ---------------------------------------------------------------------------
    def find_issued(self, request: ExtensionRequest) -> IssuedContract | None:
        """A contract already sold for this request (same client, same trip dates), if any.

        Reconciles a request caught between « finalise » and « recorded » after a crash.
        """
        session = self.session
        if not session.step(lambda: self._open_account(request)):
            return None
        labels = session.labels
        for row in session.account.opportunity_rows():
            if (
                row.get(labels.col_contract_number, "").startswith("AA")
                and row.get(labels.col_trip_start) == request.trip_start.isoformat()
                and row.get(labels.col_trip_end) == request.trip_end.isoformat()
            ):
                return IssuedContract(
                    row[labels.col_contract_number], row.get(labels.col_opportunity_name, "")
                )
        return None

    # evidence ---------------------------------------------------------------------------------
    def _cookie_values(self) -> list[str]:
        try:
            return [cookie.get("value", "") for cookie in self.session.context.cookies()]
        except PlaywrightError:
            return []  # the context is gone: nothing more can reach a trace

    def _keep_evidence(self, step: str) -> tuple[Path, ...]:
        folder = run_dir(self.artifacts_root, "failure")
        kept: list[Path] = []
        screenshot = folder / "screenshot.png"
        trace = folder / "trace.zip"
        try:
            self.session.page.screenshot(path=screenshot, full_page=True)
            kept.append(screenshot)
        except PlaywrightError:
            pass  # the page may be gone; the trace still says what happened
        try:
            self.session.context.tracing.stop(path=trace)
        except PlaywrightError:
            pass
        else:
            # A trace records the session cookie (request headers, add_cookies after a
            # re-sign-in): whoever read it could use the session. Keep it without them.
            secrets = [*self._cookies_at_start, *self._cookie_values(),
                       self.session.settings.password.get_secret_value()]
            kept.append(redact_trace(trace, secrets))
        private_file(folder / "step.txt").write_text(step + "\n", encoding="utf-8")
        for path in kept:
            path.chmod(0o600)
        return tuple(kept)


def stop_before_portal(request: ExtensionRequest, decision: Decision) -> ExtensionResult | None:
    """The result when the request must not reach the portal at all, else None."""
    if not decision.automated:
        return ExtensionResult(
            Status.HANDED_OFF, decision, f"{decision.handoff.where_en} — {decision.reason_en}"
        )
    if request.needs_privacy_consent:
        return ExtensionResult(Status.INVALID, decision, str(ConsentMissing("privacy_consent")))
    return None


@dataclass
class _Progress:
    step: str = "start"
    opportunity: str = ""


def _register_client(request: ExtensionRequest) -> None:
    """Let the logging set-up mask this client's values in every record from now on."""
    masker = active_masker()
    if masker is not None:
        masker.register(names=(request.first_name, request.last_name),
                        birth_date=request.birth_date.isoformat(), phone=request.phone,
                        email=request.email)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


@contextmanager
def open_extension_flow(settings: Settings, base_url: str) -> Iterator[ExtensionFlow]:
    """A browser signed in to ``base_url`` and an ``ExtensionFlow`` on it."""
    with open_session(settings, base_url) as session:
        yield ExtensionFlow(session)
