"""The person account page."""

from __future__ import annotations

from playwright.sync_api import Locator

from automation.lightning import Datatable
from automation.pages.base import PortalPage, ProbePoint

__all__ = ["AccountPage"]


class AccountPage(PortalPage):
    """« Compte personnel »: the client's details, opportunities and « Nouvelle opportunité »."""

    step = "account"

    def heading(self, name: str) -> Locator:
        """The account name as the page title."""
        return self.page.get_by_role("main").get_by_role("heading", name=name, level=1)

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

    def probe_points(self, name: str = "") -> list[ProbePoint]:
        """The account title, « Nouvelle opportunité » and the related opportunities (shown
        only when the client has some)."""
        labels = self.labels
        return [
            ProbePoint("account title", self.heading(name)),
            ProbePoint(
                f"new opportunity button « {labels.new_opportunity} »", self.new_opportunity_button
            ),
            ProbePoint(
                f"opportunities list « {labels.related_opportunities} »",
                self.opportunities.grid,
                optional=True,
            ),
        ]

    def wait_for(self, name: str) -> None:
        """Wait until the account called ``name`` is shown."""
        self.arrive(self.heading(name))

    def opportunity_rows(self) -> list[dict[str, str]]:
        """The client's opportunities as {column title: text}."""
        if self.opportunities.grid.count() == 0:
            return []
        return self.opportunities.rows()

    def new_opportunity(self) -> None:
        """Click « Nouvelle opportunité »."""
        self.new_opportunity_button.click()
