"""The opportunity record: the Path, the Voyage step (6), the Couverture step and the sale (7)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Locator

from automation.errors import PortalFault, SessionExpired
from automation.lightning import (
    Combobox,
    Datatable,
    DateInput,
    LightningField,
    Path,
    RadioGroup,
    TextInput,
    activate,
)
from automation.pages.base import PortalPage
from automation.portal_dates import day_patterns

__all__ = ["CONTRACT_NUMBER", "OpportunityPage", "TripDetails", "TripForm"]

#: An Espace partenaire contract number, as the portal shows it.
CONTRACT_NUMBER = re.compile(r"AA\d{8}")


@dataclass(frozen=True)
class TripDetails:
    """What the Voyage step asks, in the portal's own words (option texts, not codes)."""

    destination: str
    trip_reason: str
    trip_start: date
    trip_end: date
    other_insurer_days: int
    other_insurer_type: str
    trip_cost: str | None = None
    health_coverage: bool = True
    cancellation_coverage: bool = False


@dataclass(frozen=True)
class TripForm:
    """The Voyage step's fields, one component object each."""

    destination: Combobox
    trip_reason: Combobox
    trip_start: DateInput
    trip_end: DateInput
    trip_cost: TextInput
    other_insurer: RadioGroup
    other_insurer_days: TextInput
    other_insurer_type: Combobox
    health_coverage: RadioGroup
    cancellation_coverage: RadioGroup

    def by_name(self) -> dict[str, LightningField]:
        """The fields as a mapping, to collect every error at once."""
        return dict(vars(self))


class OpportunityPage(PortalPage):
    """An opportunity: its name, its stage, the Voyage form and the sale."""

    step = "opportunity"

    @property
    def marker(self) -> Locator:
        """The Path, which only an opportunity shows."""
        return self.path.listbox

    @property
    def title(self) -> Locator:
        """The opportunity name (« QUO - Prénom Nom - date - numéro »)."""
        return self.page.get_by_role("main").get_by_role("heading", level=1)

    @property
    def path(self) -> Path:
        """The Path: Voyage → Couverture → Vendue."""
        return Path(
            self.page.get_by_role("main"),
            mark_complete=self.labels.any_of("mark_stage_complete"),
            options=self.labels.any_of("path_options"),
        )

    @property
    def trip_section(self) -> Locator:
        """« Où voyagez-vous ? »."""
        return self.page.get_by_role("heading", name=self.labels.trip_section)

    @property
    def contracts(self) -> Datatable:
        """The Contrats related list."""
        return Datatable(self.page.get_by_role("main"), self.labels.contracts_table)

    def at_trip_step(self) -> OpportunityPage:
        """Wait for the Voyage step's form; return this page."""
        self.step = "Voyage step"
        self.arrive(self.trip_section, what=f"section {self.labels.shown('trip_section')}")
        return self

    def name(self) -> str:
        """The opportunity's name as its title shows it."""
        return " ".join(self.title.inner_text().split())

    @property
    def trip_form(self) -> TripForm:
        """The fields of the Voyage step."""
        labels, page = self.labels, self.page
        # The seed's Voyage step shows its dates short, its client form medium: a date field
        # is checked by the day it shows, in any style (automation/portal_dates.py).
        shown = day_patterns(labels.locale)
        return TripForm(
            destination=Combobox(page, labels.destination, key="destination"),
            trip_reason=Combobox(page, labels.trip_reason, key="trip_reason"),
            trip_start=DateInput(page, labels.trip_start, key="trip_start", shown=shown),
            trip_end=DateInput(page, labels.trip_end, key="trip_end", shown=shown),
            trip_cost=TextInput(page, labels.trip_cost, key="trip_cost"),
            other_insurer=RadioGroup(page, labels.q_other_insurer, key="q_other_insurer"),
            other_insurer_days=TextInput(page, labels.other_insurer_days, key="other_insurer_days"),
            other_insurer_type=Combobox(page, labels.other_insurer_type, key="other_insurer_type"),
            health_coverage=RadioGroup(page, labels.q_health_coverage, key="q_health_coverage"),
            cancellation_coverage=RadioGroup(
                page, labels.q_cancellation_coverage, key="q_cancellation_coverage"
            ),
        )

    def trip_days(self) -> int:
        """« Durée du voyage » as the portal computed it."""
        return int(TextInput(self.page, self.labels.trip_days).value() or 0)

    def fill_trip(self, trip: TripDetails) -> None:
        """Fill the Voyage step: dates of the whole stay, Oui to the top-up question, the days
        the legacy contract covers and the insurance type."""
        form = self.trip_form
        yes_no = {True: self.labels.yes, False: self.labels.no}
        form.destination.select(trip.destination)
        form.trip_reason.select(trip.trip_reason)
        form.trip_start.fill(trip.trip_start)
        form.trip_end.fill(trip.trip_end)
        if trip.trip_cost is not None:
            form.trip_cost.fill(trip.trip_cost)
        form.other_insurer.choose(self.labels.yes)
        form.other_insurer_days.fill(trip.other_insurer_days)
        form.other_insurer_type.select(trip.other_insurer_type)
        form.health_coverage.choose(yes_no[trip.health_coverage])
        form.cancellation_coverage.choose(yes_no[trip.cancellation_coverage])

    def mark_stage_complete(self) -> OpportunityPage:
        """« Marquer l'étape comme terminée »: return this page at the Couverture step, ready to
        finalise; raise ``FormRejected`` with every field error."""
        self.step = "mark stage complete"
        self.path.mark_complete()
        self.submitted(self.finalise_button, self.trip_form.by_name())
        return self

    @property
    def finalise_button(self) -> Locator:
        """« Finaliser la vente »."""
        return self.page.get_by_role("button", name=self.labels.finalise_sale, exact=True)

    def premium(self) -> str:
        """The premium shown on the Couverture step, as displayed (« 607,20 $ »)."""
        premium = self.expect_shown(self._field(self.labels.premium), self.labels.shown("premium"))
        return " ".join(premium.inner_text().split())

    def finalise(self) -> str:
        """« Finaliser la vente »; return the new contract number shown on the opportunity."""
        self.step = "finalise"
        activate(self.expect_shown(self.finalise_button, self.labels.shown("finalise_sale")))
        highlights = self.page.get_by_role("region", name=self.labels.highlights)
        number = highlights.get_by_text(CONTRACT_NUMBER)
        # The sign-in page too: a session that expired at the click bounces there, and the
        # step is then run again once signed in (the portal's finalisation is idempotent).
        number.or_(self.toast.errors).or_(self._sign_in_button).first.wait_for(timeout=self.timeout)
        if self._sign_in_button.first.is_visible():
            raise SessionExpired("the portal asked to sign in again", step=self.step)
        self.settle()
        return self.contract_number()

    def contract_number(self) -> str:
        """The opportunity's contract number (raises ``PortalFault`` when there is none)."""
        # Read in the highlights: the Contrats table has a column of the same name.
        highlights = self.page.get_by_role("region", name=self.labels.highlights)
        value = highlights.get_by_label(self.labels.contract_number, exact=True)
        found = CONTRACT_NUMBER.search(value.inner_text()) if value.count() else None
        if not found:
            raise PortalFault("no contract number on the opportunity", step=self.step)
        return found.group(0)

    def _field(self, label: str) -> Locator:
        return self.page.get_by_role("main").get_by_label(label, exact=True)
