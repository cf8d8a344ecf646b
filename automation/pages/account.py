"""The person account page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from automation.labels import Labels
from automation.lightning import Datatable, TableRow
from automation.pages.base import PortalPage, ProbePoint
from automation.pages.client_form import ClientFormPage
from automation.pages.opportunity import OpportunityPage

__all__ = ["AccountPage"]


class AccountPage(PortalPage):
    """« Compte personnel »: the client's details, opportunities and « Nouvelle opportunité »."""

    step = "account"

    def __init__(self, page: Page, labels: Labels, name: str = "") -> None:
        super().__init__(page, labels)
        self.name = name

    @property
    def marker(self) -> Locator:
        """The account's name as the page title."""
        return self.heading

    @property
    def heading(self) -> Locator:
        """The account name as the page title (any title when the name is not known)."""
        main = self.page.get_by_role("main")
        if not self.name:
            return main.get_by_role("heading", level=1)
        exact = re.compile(rf"^\s*{re.escape(self.name)}\s*$", re.IGNORECASE)
        return main.get_by_role("heading", name=exact, level=1)

    @property
    def new_opportunity_button(self) -> Locator:
        """« Nouvelle opportunité », top right."""
        return self.page.get_by_role("main").get_by_role(
            "button", name=self.labels.new_opportunity, exact=True
        )

    @property
    def opportunities(self) -> Datatable:
        """The related list of the client's opportunities."""
        return Datatable(self.page.get_by_role("main"), self.labels.related_opportunities)

    def probe_points(self) -> list[ProbePoint]:
        """The account title, « Nouvelle opportunité » and the related opportunities (shown
        only when the client has some)."""
        labels = self.labels
        return [
            ProbePoint("account title", self.heading),
            ProbePoint(
                f"new opportunity button « {labels.new_opportunity} »", self.new_opportunity_button
            ),
            ProbePoint(
                f"opportunities list « {labels.related_opportunities} »",
                self.opportunities.grid,
                optional=True,
            ),
        ]

    def opportunity_rows(self) -> list[TableRow]:
        """The client's opportunities as {column title: text}."""
        if self.opportunities.grid.count() == 0:
            return []
        return self.opportunities.rows()

    def new_opportunity(self) -> ClientFormPage:
        """« Nouvelle opportunité »: return the client form, prefilled from the account."""
        self.new_opportunity_button.click()
        return ClientFormPage(self.page, self.labels).loaded()

    def open_opportunity(self, name: str) -> OpportunityPage:
        """Open the client's opportunity called ``name`` from the related list; return it."""
        exact = re.compile(rf"^\s*{re.escape(name)}\s*$")
        self.opportunities.grid.get_by_role("link", name=exact).first.click()
        return OpportunityPage(self.page, self.labels).loaded()
