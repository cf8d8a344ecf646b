"""The home page and the header every page shares (global search, navigation tabs)."""

from __future__ import annotations

from playwright.sync_api import Locator

from automation.lightning import activate
from automation.pages.base import PortalPage, ProbePoint
from automation.pages.client_form import ClientFormPage
from automation.pages.search_results import SearchResultsPage

__all__ = ["HomePage"]


class HomePage(PortalPage):
    """Accueil: navigation tabs, the global search bar and « Nouvelle opportunité »."""

    step = "home"
    path = "/s/"

    @property
    def marker(self) -> Locator:
        """« Nouvelle opportunité », shown on the home page only."""
        return self.new_opportunity_button

    @property
    def search_box(self) -> Locator:
        """The global search bar in the header: a ``searchbox``, or SLDS's global search, a
        ``textbox`` inside a ``combobox`` (with typeahead suggestions)."""
        name = self.labels.any_of("search")
        searchbox = self.page.get_by_role("searchbox", name=name)
        in_combobox = self.page.get_by_role("combobox").get_by_role("textbox", name=name)
        return searchbox.or_(in_combobox)

    @property
    def new_opportunity_button(self) -> Locator:
        """« Nouvelle opportunité » (creates a client when none is found)."""
        return self.button("new_opportunity")

    def nav_tab(self, name: str) -> Locator:
        """One of the navigation tabs (Accueil, Comptes, …)."""
        nav = self.page.get_by_role("navigation", name=self.labels.navigation)
        return nav.get_by_role("link", name=name, exact=True)

    def probe_points(self) -> list[ProbePoint]:
        """The search bar, « Nouvelle opportunité » and the navigation tabs."""
        labels = self.labels
        return [
            ProbePoint(f"search box « {labels.search} »", self.search_box),
            ProbePoint(
                f"new opportunity button « {labels.new_opportunity} »", self.new_opportunity_button
            ),
            *(
                ProbePoint(f"navigation tab « {tab} »", self.nav_tab(tab))
                for tab in labels.nav_tabs
            ),
        ]

    @property
    def home_tab(self) -> Locator:
        """The first navigation tab, « Accueil »: the app's own link to the home page."""
        return self.nav_tab(self.labels.nav_tabs[0])

    def open(self, base_url: str) -> HomePage:
        """Go to the home page (a full page load) and return it, loaded."""
        self.page.goto(base_url + self.path)
        return self.loaded()

    def go_home(self, base_url: str) -> HomePage:
        """The home page through the app's own link, without a full page load (one only when
        the header shows no « Accueil » tab); returned loaded."""
        if self.marker.first.is_visible():
            return self
        tab = self.home_tab.first
        if not tab.is_visible():
            return self.open(base_url)
        activate(tab)
        return self.loaded()

    def from_here(self, base_url: str) -> HomePage:
        """The header of whatever screen shows, for the next search: no full page load, unless
        no clean portal screen shows (nothing loaded yet, the sign-in page or its notice, an
        error toast or a dialog a previous request left), then the home page afresh.

        A full page load is the price of a whole app boot on a real site (seconds): one per
        session, not one per request. A stale error toast would be read as the next screen's
        fault, a dialog would cover the header: those, and only those, cost a reload.
        """
        if (
            self.search_box.first.is_visible()
            and not self._sign_in_button.first.is_visible()
            and self.is_clean()
        ):
            return self
        return self.open(base_url)

    def search(self, term: str) -> SearchResultsPage:
        """Type ``term`` in the global search bar, submit it and return the results for it."""
        # Or learn now that the portal wants a new sign-in.
        self.arrive(self.search_box, what=f"search box {self.labels.shown('search')}")
        if SearchResultsPage(self.page, self.labels, term).marker.first.is_visible():
            # The results for this very term show already: the new ones could not be told
            # from them (each search mounts a fresh page), so leave them first, in the app.
            activate(self.home_tab.first)
            self.loaded()
        box = self.search_box.first
        box.fill(term)
        # Enter runs the full search; a typeahead suggestion is never clicked (one would open
        # a record, not the results the walk reads).
        box.press("Enter")
        return SearchResultsPage(self.page, self.labels, term).loaded()

    def new_opportunity(self) -> ClientFormPage:
        """Start a new opportunity for a client who is not in the portal yet."""
        activate(
            self.expect_shown(self.new_opportunity_button, self.labels.shown("new_opportunity"))
        )
        return ClientFormPage(self.page, self.labels).loaded()
