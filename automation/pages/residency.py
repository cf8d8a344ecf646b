"""The resident questionnaire (step 5): three Oui/Non questions, then « Démarrer »."""

from __future__ import annotations

from playwright.sync_api import Locator

from automation.lightning import RadioGroup, activate
from automation.pages.base import PortalPage, ProbePoint
from automation.pages.client_fields import client_fields
from automation.pages.opportunity import OpportunityPage

__all__ = ["ResidencyPage"]


class ResidencyPage(PortalPage):
    """« Faites-vous partie du voyage? » and the two residency questions."""

    step = "resident questionnaire"

    @property
    def marker(self) -> Locator:
        """The first question, « Faites-vous partie du voyage? »."""
        return self.questions()["buyer_travelling"].control

    def questions(self) -> dict[str, RadioGroup]:
        """The three questions, by what they ask."""
        labels = self.labels
        return {
            "buyer_travelling": RadioGroup(
                self.page, labels.q_buyer_travelling, key="q_buyer_travelling"
            ),
            "all_canadian_residents": RadioGroup(
                self.page, labels.q_all_canadian_residents, key="q_all_canadian_residents"
            ),
            "all_provincial_plan": RadioGroup(
                self.page, labels.q_all_provincial_plan, key="q_all_provincial_plan"
            ),
        }

    @property
    def start_button(self) -> Locator:
        """« Démarrer » (creates the opportunity: the probe only looks at it)."""
        return self.page.get_by_role("button", name=self.labels.start, exact=True)

    def probe_points(self) -> list[ProbePoint]:
        """The three questions, « Précédent » and « Démarrer »."""
        labels = self.labels
        return [
            *(
                ProbePoint(f"{name} « {question.label} »", question.control)
                for name, question in self.questions().items()
            ),
            ProbePoint(
                f"previous button « {labels.previous} »",
                self.page.get_by_role("button", name=labels.previous, exact=True),
            ),
            ProbePoint(f"start button « {labels.start} »", self.start_button),
        ]

    @property
    def resident_message(self) -> Locator:
        """« Vous vous dirigez vers le flux résident »."""
        return self.page.get_by_text(self.labels.resident_flow, exact=True)

    @property
    def non_resident_message(self) -> Locator:
        """The message shown when an answer leads to the non-resident flow."""
        return self.page.get_by_text(self.labels.non_resident_flow, exact=True)

    def answer_residency(
        self, *, buyer_travelling: bool, all_canadian_residents: bool, all_provincial_plan: bool
    ) -> bool:
        """Answer the three questions; True when the portal says « flux résident »."""
        answers = {
            "buyer_travelling": buyer_travelling,
            "all_canadian_residents": all_canadian_residents,
            "all_provincial_plan": all_provincial_plan,
        }
        for name, question in self.questions().items():
            question.choose(self.labels.yes if answers[name] else self.labels.no)
        self.resident_message.or_(self.non_resident_message).first.wait_for(timeout=self.timeout)
        return self.resident_message.is_visible()

    def start(self) -> OpportunityPage:
        """« Démarrer »: the portal creates the opportunity; return it at its Voyage step.

        The portal validates the client form only now; when it refuses, it goes back to that
        form with the fields marked, and ``FormRejected`` carries every field error.
        """
        opportunity = OpportunityPage(self.page, self.labels)
        activate(self.expect_shown(self.start_button, self.labels.shown("start")))
        self.submitted(opportunity.trip_section, client_fields(self.page, self.labels))
        return opportunity.at_trip_step()
