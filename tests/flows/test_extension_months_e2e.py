"""``extend`` issues a contract whatever the months of the trip, on the Aura and LWR look-alikes.

Issue 21: on an LWR site in French a trip ending in July never issued. Intl's fr-CA medium style
(what LWR date inputs show) writes « 31 juill. 2027 », the toolkit's hand list had Aura's
« juil. », and the Voyage step failed with "did not keep the date typed". Six trips, each from
one month into the next (December into January, February's leap day, June into July as the
issue measured it), make every month a trip start or a trip end once; they are sold on
``--profile lwr`` in French and in English and on ``--profile aura`` in French, one signed-in
session per site. Each sale is checked in the simulator's record of issued contracts.

``./run test`` sells nine of the eighteen: the June–July trip on every site, and two more trips
per site so that each of the six trips (every month) is sold on one site at least. ``-m variants``
sells the other nine: every month on every site. The date property tests (test_portal_dates.py)
read and write every day of 2026–2029 in each site's date style and both locales.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.extension import ExtensionFlow
from flows.outcome import Outcome
from flows.request import parse_extension_request
from tests.flows.test_extension_e2e import JEAN

pytestmark = [pytest.mark.e2e, pytest.mark.sales]


# Start in one month, end in the next: the twelve months once each, over 2026-2029.
TRIPS: tuple[tuple[str, str], ...] = (
    ("2026-12-31", "2027-01-31"),  # a year's end crossed
    ("2028-02-29", "2028-03-31"),  # the leap day
    ("2029-04-01", "2029-05-31"),
    ("2027-06-01", "2027-07-31"),  # the issue's trip: « 31 juill. 2027 » on an LWR site
    ("2027-08-31", "2027-09-30"),
    ("2029-10-01", "2029-11-30"),
)

# (profile, locale): an LWR site in both languages, an Aura site in French.
SITES = (("lwr", "fr"), ("lwr", "en"), ("aura", "fr"))

#: The trips each site sells in every run (indexes into TRIPS): June–July on all three, and the
#: other five trips spread so that each is sold somewhere. The rest are sold under -m variants.
EVERY_RUN: dict[tuple[str, str], tuple[int, ...]] = {
    ("lwr", "fr"): (3, 0, 1),
    ("lwr", "en"): (3, 2, 4),
    ("aura", "fr"): (3, 5, 0),
}


def _cases() -> list[Any]:
    every_run = {i for trips in EVERY_RUN.values() for i in trips}
    # Kept true by construction: a trip taken out of every run is a month no run sells.
    assert every_run == set(range(len(TRIPS))) and all(3 in t for t in EVERY_RUN.values())
    cases = []
    for site in SITES:
        for index, (start, end) in enumerate(TRIPS):
            marks = () if index in EVERY_RUN[site] else (pytest.mark.variants,)
            cases.append(
                pytest.param(site, start, end, marks=marks, id=f"{'-'.join(site)}-{start}..{end}")
            )
    return cases


class _Site:
    """One simulator of a profile and locale, and its signed-in flow."""

    def __init__(self, browser: Browser, profile: str, locale: Locale, state: Path) -> None:
        options = SimOptions(profile=profile, locale=locale, minified=True)
        self.simulator: RunningSimulator = start_in_thread(options)
        settings = Settings(_env_file=None, locale=Locale(locale), storage_state=state)
        self.session = PortalSession(browser, settings, self.simulator.url)
        self.session.start()
        self.flow = ExtensionFlow(self.session)

    def close(self) -> None:
        self.session.close()
        self.simulator.stop()


class _Sites:
    """This worker's sites, each started and signed in when a test first needs it."""

    def __init__(self, browser: Browser, scratch: Path) -> None:
        self.browser, self.scratch = browser, scratch
        self.started: dict[tuple[str, str], _Site] = {}

    def __getitem__(self, site: tuple[str, str]) -> _Site:
        if site not in self.started:
            profile, locale = site
            state = self.scratch / f"{profile}-{locale}.json"
            self.started[site] = _Site(self.browser, profile, Locale(locale), state)
        return self.started[site]

    def close(self) -> None:
        for site in self.started.values():
            site.close()


@pytest.fixture(scope="module")
def sites(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Sites]:
    """One signed-in session per site for the whole module."""
    started = _Sites(browser, tmp_path_factory.mktemp("months-auth"))
    yield started
    started.close()


@pytest.mark.parametrize(("site", "start", "end"), _cases())
def test_a_trip_in_any_month_is_issued(
    site: tuple[str, str], start: str, end: str, sites: _Sites
) -> None:
    running = sites[site]
    request = parse_extension_request({**JEAN, "trip_start": start, "trip_end": end})
    result = running.flow.run(request)
    assert result.status is Outcome.ISSUED, result.message
    assert result.contract is not None
    sold = httpx.get(f"{running.simulator.url}/__sim__/contracts").json()
    issued = [c for c in sold if c["number"] == result.contract.contract_number]
    assert len(issued) == 1
    assert (issued[0]["trip_start"], issued[0]["trip_end"]) == (start, end)
