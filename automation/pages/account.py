"""The person account page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from automation.labels import Labels
from automation.lightning import Datatable, TableRow, activate
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
        """« Nouvelle opportunité » (or the seed's English « New Opportunity »), top right."""
        return self.button("new_opportunity", self.page.get_by_role("main"))

    @property
    def more_actions(self) -> Locator:
        """« Afficher plus d'actions »: where a narrow window puts the header's actions."""
        return self.button("more_actions", self.page.get_by_role("main"))

    def _action(self, key: str) -> Locator:
        """A header action, as a button or, on a narrow window, as an item of the overflow
        menu (opened here): whichever the page shows."""
        labels = self.labels
        button = self.button(key, self.page.get_by_role("main"))
        self.expect_shown(
            button.or_(self.more_actions), f"{labels.shown(key)} or {labels.shown('more_actions')}"
        )
        if button.first.is_visible():
            return button.first
        self.more_actions.first.click()
        item = self.page.get_by_role("menuitem", name=labels.any_of(key))
        return self.expect_shown(item, labels.shown(key)).first

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
                f"new opportunity button {labels.shown('new_opportunity')} (or "
                f"{labels.shown('more_actions')})",
                self.new_opportunity_button.or_(self.more_actions),
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
        activate(self._action("new_opportunity"))
        return ClientFormPage(self.page, self.labels).loaded()

    def open_opportunity(self, name: str) -> OpportunityPage:
        """Open the client's opportunity called ``name`` from the related list; return it."""
        exact = re.compile(rf"^\s*{re.escape(name)}\s*$")
        link = self.opportunities.grid.get_by_role("link", name=exact)
        # A click: lightning-datatable keeps Enter in a cell for its own keyboard navigation.
        self.expect_shown(link, "the opportunity's link").first.click()
        return OpportunityPage(self.page, self.labels).loaded()
