"""The procedure of the seed, steps 1 to 7, written once.

``Walk(session, visit).run()`` goes from the global search to a finalised sale through the page
objects, one named ``Step`` after the other. Whoever walks the procedure runs this walk and
chooses where to stop:

- the extension flow walks it to the end (``stop_before=Step.FINALISE`` for a dry run, and a
  ``before`` hook that may decline the sale);
- ``prolong probe`` stops before « Démarrer » (``Step.START``: nothing is created) and checks
  every screen the walk shows (``on_screen``);
- the regression suite walks it to the end, or to the account to look at its opportunities.

Step names come from ``Step`` alone: a failure, a log line and a timing all use them. Each step
runs inside ``automation.runtime.boundary.portal_errors`` (Playwright's errors become portal errors
naming the step) and through ``PortalSession.step`` (a bounce to the sign-in page is mended by
signing in again and re-running the step).

A ``Visit`` says what to enter, in the portal's words; it knows nothing of requests or routing
(``flows`` builds it). What the portal shows that a person must decide — two matching accounts,
the non-resident flow, a consent the client has not given — stops the walk with
``automation.errors.WalkStopped``.

The portal is the ledger: on the client's account (step 2), before « Nouvelle opportunité », the
walk reads the account's opportunities. One for the visit's trip dates with a contract ends the
walk there (``Trail.found_sale``: already sold, never sold again); one for those dates without a
contract, at the Voyage or Couverture stage, is continued instead of opening another, so a retry
leaves no draft behind. ``Visit.sell_again`` (a person's decision) sells even when this trip is
sold already; an unfinished opportunity of the trip is still continued.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Final, TypeVar

from automation.errors import (
    ClientAmbiguous,
    ConsentNotGiven,
    NotResident,
    PortalError,
    PortalFault,
    SignedInAgain,
)
from automation.ledger import FoundSale, read_ledger
from automation.lightning import TableRow
from automation.pages import (
    AccountPage,
    ClientDetails,
    ClientFormPage,
    OpportunityPage,
    PortalPage,
    ResidencyPage,
    SearchResultsPage,
    TripDetails,
)
from automation.portal_dates import read_day
from automation.runtime.boundary import portal_errors
from automation.runtime.session import PortalSession
from automation.text import fold

__all__ = [
    "FoundSale",
    "Residency",
    "Step",
    "StepTiming",
    "Trail",
    "Visit",
    "Walk",
]

logger = logging.getLogger(__name__)

P = TypeVar("P", bound=PortalPage)


class Step(StrEnum):
    """The named steps of the procedure, in the order they are walked (the seed's step number
    after each)."""

    SEARCH = "search"  # seed 1: global search, most precise term first
    ACCOUNT = "account"  # seed 2: the client's account, by name and birth date
    NEW_OPPORTUNITY = "new opportunity"  # seed 3: « Nouvelle opportunité »
    CLIENT_FORM = "client form"  # seed 4: the client form and the Québec consents
    QUESTIONNAIRE = "resident questionnaire"  # seed 5: three answers → « flux résident »
    START = "start"  # seed 5: « Démarrer » creates the opportunity
    VOYAGE = "Voyage step"  # seed 6: trip, legacy days, « Ancien système voyage QC ON »
    MARK_COMPLETE = "mark stage complete"  # seed 7: the Voyage stage is complete
    FINALISE = "finalise"  # seed 7: « Finaliser la vente », the new AA contract


#: The steps that cannot run again on the page the portal shows afresh after a new sign-in:
#: the questionnaire and « Démarrer » act on answers given on the screen before, « Démarrer »
#: may have moved the portal to the opportunity it created, and « Marquer l'étape comme
#: terminée » sends the Voyage fields typed before. Expired there, the walk signs in again and
#: starts again from the search, where the account's ledger takes up the opportunity.
_WALKED_AGAIN: Final = frozenset({Step.QUESTIONNAIRE, Step.START, Step.MARK_COMPLETE})
#: How many times one walk starts again after such a sign-in before the expiry is a fault.
_SIGN_INS_PER_WALK: Final = 2


@dataclass(frozen=True)
class Residency:
    """The resident questionnaire's three answers."""

    buyer_travelling: bool = True
    all_canadian_residents: bool = True
    all_provincial_plan: bool = True


@dataclass(frozen=True)
class Visit:
    """What the walk enters, in the portal's words.

    ``client`` is typed over the form the portal prefills (None keeps the portal's value; the
    birth date is typed only for a client the search did not find). A consent is ticked only
    when it is True here *and* the portal asks for it; the portal asking for one that is not
    True stops the walk. ``trip`` is needed from the Voyage step on.
    """

    account_name: str
    birth_date: date
    search_terms: tuple[str, ...]
    client: ClientDetails = field(default_factory=ClientDetails)
    privacy_consent: bool = False
    dsr_disclosure: bool = False
    residency: Residency = field(default_factory=Residency)
    trip: TripDetails | None = None
    trip_days: int | None = None  # the days the portal must compute for the trip
    sell_again: bool = False  # a person decided to sell even though this trip is sold


@dataclass(frozen=True)
class StepTiming:
    """When one step started and how long it took."""

    step: Step
    started_at: datetime
    seconds: float


@dataclass
class Trail:
    """Where the walk went and what it read on the way."""

    step: Step | None = None  # the step under way, or the last one done
    screen: PortalPage | None = None  # what the portal shows now
    account: AccountPage | None = None  # the client's account, when the search found it
    opportunity_name: str = ""
    premium: str = ""
    contract_number: str = ""
    found_sale: FoundSale | None = None  # already sold: the walk ended at the account
    sold_here: bool = False  # the sale found is this walk's own, whose answer was lost
    continued: bool = False  # an unfinished opportunity of this trip was taken up again
    stopped_before: Step | None = None  # where a stop point or a hook ended the walk
    timings: list[StepTiming] = field(default_factory=list)

    @property
    def done(self) -> list[Step]:
        """The steps completed, in order."""
        return [timing.step for timing in self.timings]


#: Called before each step with the trail so far; returning False stops the walk there.
Before = Callable[[Step, Trail], bool]
#: Called after each step with the screen it ends on.
OnScreen = Callable[[Step, PortalPage], None]
#: Told of each retryable fault (the step, the error): True walks again. The caller counts the
#: tries: one count per request, whatever layer retries (``flows.attempts``).
Retry = Callable[[Step, PortalError], bool]


class Walk:
    """One walk of the procedure for one visit, on a signed-in session."""

    def __init__(self, session: PortalSession, visit: Visit) -> None:
        self.session = session
        self.visit = visit
        self.trail = Trail()
        self._match = ""  # the client's account name as the search results show it
        # This trip's unsold opportunity, with the account whose ledger listed it.
        self._unfinished: tuple[AccountPage, Mapping[str, str]] | None = None
        # The account's opportunities before this walk created any (None: not read yet; empty
        # for a client the search did not find, whose account this walk creates).
        self._known: set[str] | None = None
        self._skip: set[Step] = set()
        self._actions: dict[Step, Callable[[], PortalPage]] = {
            Step.SEARCH: self._search,
            Step.ACCOUNT: self._account,
            Step.NEW_OPPORTUNITY: self._new_opportunity,
            Step.CLIENT_FORM: self._client_form,
            Step.QUESTIONNAIRE: self._questionnaire,
            Step.START: self._start,
            Step.VOYAGE: self._voyage,
            Step.MARK_COMPLETE: self._mark_complete,
            Step.FINALISE: self._finalise,
        }

    def run(
        self,
        *,
        stop_before: Step | None = None,
        before: Before | None = None,
        on_screen: OnScreen | None = None,
        retry: Retry | None = None,
    ) -> Trail:
        """Walk the procedure from the search until ``stop_before`` (or to the sale).

        Raises the portal errors of ``automation.errors`` naming the step that failed (the
        trail, ``self.trail``, says how far the walk went), and ``WalkStopped`` when the portal
        shows something a person must decide.

        With ``retry``, a retryable portal error is told to it (the step, the error) and, when
        it answers True, the walk starts again from the search: the account's ledger then takes
        up the opportunity this walk created (a lost answer at « Démarrer » included), so it
        resumes at the failing step on the same opportunity instead of opening another; a sale
        it finds there on an opportunity of its own is its own (``Trail.sold_here``).
        """
        signed_in_again = 0
        while True:
            try:
                return self._walk(stop_before, before, on_screen)
            except PortalError as fault:
                if isinstance(fault, SignedInAgain) and signed_in_again < _SIGN_INS_PER_WALK:
                    # Not a failed try: the portal did nothing wrong, the screen was reloaded.
                    signed_in_again += 1
                    logger.info(
                        "session expired at « %s »: signed in again, walking again from the search",
                        self.trail.step,
                    )
                    self._start_again()
                    continue
                step = self.trail.step or Step.SEARCH
                if retry is None or not fault.retryable or not retry(step, fault):
                    raise
                logger.info(
                    "step « %s » failed (%s): walking again from the search", step, fault.detail
                )
                self._start_again()

    def _walk(
        self, stop_before: Step | None, before: Before | None, on_screen: OnScreen | None
    ) -> Trail:
        trail = self.trail
        for step in Step:
            if step in self._skip:
                continue
            if (
                trail.found_sale is not None
                or step is stop_before
                or (before is not None and not before(step, trail))
            ):
                trail.stopped_before = step
                break
            trail.step = step
            started, clock = datetime.now(UTC), time.perf_counter()
            with portal_errors(step.value):
                trail.screen = self.session.step(
                    self._actions[step], rerun=step not in _WALKED_AGAIN
                )
            seconds = time.perf_counter() - clock
            trail.timings.append(StepTiming(step, started, seconds))
            logger.info("step « %s » done in %.2f s", step.value, seconds)
            if on_screen is not None:
                on_screen(step, trail.screen)
        return trail

    def _start_again(self) -> None:
        """Forget where the walk was, not what it saw: the opportunities the account had
        before this walk (``_known``) tell its own draft apart from older ones."""
        self._match, self._unfinished, self._skip = "", None, set()
        trail = self.trail
        trail.step, trail.screen, trail.account = None, None, None
        trail.opportunity_name, trail.premium, trail.continued = "", "", False

    # the steps, seed 1 to 7 ---------------------------------------------------------------------
    def _search(self) -> PortalPage:
        """Seed 1: search each term, most precise first, until a result is the client."""
        session, visit = self.session, self.visit
        # The header's search of whatever screen shows, in the app: a full page load boots the
        # whole app again (seconds on a real site). An expired session shows when the search
        # asks for data (PortalSession.step signs in again and redoes this step); what the last
        # request left (an error toast, a dialog) costs a fresh home page instead.
        home = session.home.from_here(session.base_url)
        results: SearchResultsPage | None = None
        for term in visit.search_terms:
            logger.info("searching the portal for %s", term)
            results = home.search(term)
            matches = [row for row in results.account_rows() if self._is_client(row)]
            if len(matches) > 1:
                raise ClientAmbiguous(len(matches))
            if matches:
                self._match = matches[0][session.labels.col_account_name]
                return results
        self._match = ""
        if self._known is None:
            self._known = set()  # a new client: whatever its account will show is this walk's
        return results or home

    def _is_client(self, row: TableRow) -> bool:
        """Whether a search result row is the visit's client: same name, same birth date."""
        labels, visit = self.session.labels, self.visit
        born = read_day(row.get(labels.col_birth_date, ""), labels.locale)
        return fold(row.get(labels.col_account_name, "")) == fold(visit.account_name) and (
            born == visit.birth_date
        )

    def _account(self) -> PortalPage:
        """Seed 2: open the client's account (nothing to open for a client not found) and look
        there for this trip's opportunities: the portal is the ledger."""
        screen = self.trail.screen
        if not (self._match and isinstance(screen, SearchResultsPage)):
            return self._screen(PortalPage)
        account = screen.open_account(self._match, self.visit.birth_date.isoformat())
        self.trail.account = account
        if self.visit.trip is not None:
            self._read_ledger(account, self.visit.trip)
        return account

    def _read_ledger(self, account: AccountPage, trip: TripDetails) -> None:
        rows = account.opportunity_rows()
        if self._known is None:
            self._known = {row.get(self.session.labels.col_opportunity_name, "") for row in rows}
        ledger = read_ledger(
            rows,
            self.session.labels,
            (trip.trip_start, trip.trip_end),
            known=self._known,
            sell_again=self.visit.sell_again,
        )
        if ledger.sold is not None:
            logger.info("already sold for this trip: %s", ledger.sold.contract_number)
            # On an opportunity the account did not show before this walk: an earlier try of
            # this walk sold it and the portal's answer was lost.
            self.trail.sold_here = ledger.sold.opportunity_name not in self._known
        self.trail.found_sale = ledger.sold
        # Kept with the account it was read on: the only page that can open it.
        self._unfinished = None if ledger.unfinished is None else (account, ledger.unfinished)

    def _new_opportunity(self) -> PortalPage:
        """Seed 3: « Nouvelle opportunité » on the account, or on the home page for a new client;
        or this trip's unfinished opportunity, taken up where it stopped."""
        if self._unfinished is not None:
            return self._continue(*self._unfinished)
        if self.trail.account is not None:
            return self.trail.account.new_opportunity()
        session = self.session
        return session.home.go_home(session.base_url).new_opportunity()

    def _continue(self, account: AccountPage, row: Mapping[str, str]) -> PortalPage:
        labels, trail = self.session.labels, self.trail
        name = row.get(labels.col_opportunity_name, "")
        opportunity = account.open_opportunity(name)
        trail.opportunity_name, trail.continued = opportunity.name(), True
        logger.info("continuing this trip's unfinished opportunity")
        # The client form, the questionnaire and « Démarrer » are behind it.
        self._skip = {Step.CLIENT_FORM, Step.QUESTIONNAIRE, Step.START}
        if fold(row.get(labels.col_stage, "")) == fold(labels.stage_coverage):
            # The Voyage stage is complete: only the sale is left.
            self._skip |= {Step.VOYAGE, Step.MARK_COMPLETE}
            trail.premium = opportunity.premium()
        return opportunity

    def _client_form(self) -> PortalPage:
        """Seed 4: the client form and, for Québec, the consents the client gave; « Suivant »."""
        form = self._screen(ClientFormPage)
        visit = self.visit
        client = visit.client
        if self.trail.account is not None:
            client = replace(client, birth_date=None)  # the account's own, never retyped
        form.fill(client)
        if form.consent_is_asked() and not visit.privacy_consent:
            raise ConsentNotGiven("privacy_consent")
        form.give_consents(privacy=visit.privacy_consent, dsr=visit.dsr_disclosure)
        return form.next()

    def _questionnaire(self) -> PortalPage:
        """Seed 5: the three answers; the portal must offer the resident flow."""
        residency = self._screen(ResidencyPage)
        answers = self.visit.residency
        if not residency.answer_residency(
            buyer_travelling=answers.buyer_travelling,
            all_canadian_residents=answers.all_canadian_residents,
            all_provincial_plan=answers.all_provincial_plan,
        ):
            raise NotResident()
        return residency

    def _start(self) -> PortalPage:
        """Seed 5: « Démarrer »; the opportunity is created and shows its Voyage step."""
        opportunity = self._screen(ResidencyPage).start()
        self.trail.opportunity_name = opportunity.name()
        return opportunity

    def _voyage(self) -> PortalPage:
        """Seed 6: the Voyage step, checked against the days the portal computes."""
        opportunity = self._screen(OpportunityPage).at_trip_step()
        visit = self.visit
        if visit.trip is None:
            raise ValueError("the Voyage step needs the visit's trip")
        opportunity.fill_trip(visit.trip)
        if visit.trip_days is not None and (shown := opportunity.trip_days()) != visit.trip_days:
            raise PortalFault(
                f"the portal computed {shown} trip days, the request has {visit.trip_days}"
            )
        return opportunity

    def _mark_complete(self) -> PortalPage:
        """Seed 7: « Marquer l'étape comme terminée »; read the premium shown."""
        opportunity = self._screen(OpportunityPage).mark_stage_complete()
        self.trail.premium = opportunity.premium()
        return opportunity

    def _finalise(self) -> PortalPage:
        """Seed 7: « Finaliser la vente »; a fault is resolved on this same opportunity.

        The portal's finalisation of one opportunity is idempotent: after a fault the page is
        read again, and the sale is either finalised again or found already done.
        """
        opportunity = self._screen(OpportunityPage)
        try:
            number = opportunity.finalise()
        except PortalFault:
            self.session.page.reload()
            opportunity = opportunity.loaded()
            number = (
                opportunity.finalise()
                if opportunity.finalise_button.is_visible()
                else opportunity.contract_number()
            )
        self.trail.contract_number = number
        return opportunity

    def _screen(self, kind: type[P]) -> P:
        screen = self.trail.screen
        if not isinstance(screen, kind):
            raise TypeError(f"the walk expected {kind.__name__}, the portal shows {screen!r}")
        return screen
