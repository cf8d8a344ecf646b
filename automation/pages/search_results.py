"""Search results: an Opportunités table and a Comptes table."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Locator, Page

from automation.labels import Labels
from automation.lightning import Datatable, TableRow
from automation.pages.account import AccountPage
from automation.pages.base import PortalPage, ProbePoint
from automation.portal_dates import day_pattern

__all__ = ["SearchResultsPage"]


class SearchResultsPage(PortalPage):
    """Results of the global search for ``term``, grouped as on the portal."""

    step = "search results"

    def __init__(self, page: Page, labels: Labels, term: str = "") -> None:
        super().__init__(page, labels)
        self.term = term

    @property
    def marker(self) -> Locator:
        """The page title repeating the search term."""
        return self.heading.filter(has_text=self.term)

    @property
    def accounts_heading(self) -> Locator:
        """The Comptes section's title, shown once the results have come."""
        return self.page.get_by_role("main").get_by_role(
            "heading", name=self.labels.accounts_table, exact=True
        )

    def loaded(self) -> SearchResultsPage:
        """Wait for the title for the term, then for the results themselves: the title shows
        before them, and reading an empty page would take a found client for a new one."""
        super().loaded()
        self.arrive(
            self.accounts_heading, what=f"results section {self.labels.shown('accounts_table')}"
        )
        return self

    @property
    def heading(self) -> Locator:
        """The page title, which repeats the search term."""
        return self.page.get_by_role("main").get_by_role("heading", level=1)

    @property
    def accounts(self) -> Datatable:
        """The Comptes table."""
        return Datatable(self.page, self.labels.accounts_table)

    @property
    def opportunities(self) -> Datatable:
        """The Opportunités table."""
        return Datatable(self.page, self.labels.opportunities_table)

    def probe_points(self, name: str = "") -> list[ProbePoint]:
        """The heading for the term, the Comptes table with the columns the flow reads, and
        the link to the account called ``name`` (the term, unless given)."""
        labels = self.labels
        grid = self.accounts.grid
        name = name or self.term
        points = [
            ProbePoint("results heading", self.marker),
            ProbePoint(f"accounts table « {labels.accounts_table} »", grid),
        ]
        for column in (labels.col_account_name, labels.col_birth_date):
            # Without case: SLDS upper-cases the headers with CSS, the names keep the markup's.
            title = re.compile(rf"^\s*{re.escape(column)}\s*$", re.IGNORECASE)
            header = grid.get_by_role("columnheader", name=title)
            # Lightning draws the header text in a child: the header itself has no box.
            points.append(ProbePoint(f"accounts column « {column} »", header, visible=False))
        if name:
            link = grid.get_by_role("link", name=re.compile(rf"^{re.escape(name)}$", re.I))
            points.append(ProbePoint("test client's account link", link.first))
        return points

    def account_rows(self) -> list[TableRow]:
        """Every account found, as {column title: text} (none when the table is absent)."""
        if self.accounts.grid.count() == 0:
            return []
        return self.accounts.rows()

    def open_account(self, name: str, birth_date: str | date) -> AccountPage:
        """Open the account called ``name`` whose row shows ``birth_date`` (a date, or ISO
        text) in whatever style the table uses; return it."""
        day = birth_date if isinstance(birth_date, date) else date.fromisoformat(birth_date)
        row = self.accounts.row(day_pattern(day, self.labels.locale, whole=False))
        link = row.get_by_role("link", name=re.compile(rf"^{re.escape(name)}$", re.IGNORECASE))
        # A click: lightning-datatable keeps Enter in a cell for its own keyboard navigation.
        self.expect_shown(link, f"account link in « {self.labels.accounts_table} »").first.click()
        return AccountPage(self.page, self.labels, name).loaded()
