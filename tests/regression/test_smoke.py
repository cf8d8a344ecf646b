"""Smoke: sign in, search, open the account and the forms; nothing is created.

Safe on any org, production included: « Démarrer » is never clicked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from automation.diagnostics.probe import probe_portal
from automation.pages import ResidencyPage
from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from automation.runtime.walk import Step
from flows.aide_memoire import ROWS, Route
from tests.regression import procedure

pytestmark = [pytest.mark.e2e, pytest.mark.smoke]

AUTOMATABLE = [
    row
    for row in ROWS
    if Route.COMPLEMENTARY_ESPACE_PARTENAIRE in (row.before_departure, row.after_departure)
]


def test_every_locator_of_every_screen_is_found(
    browser: Browser, portal_settings: Settings, portal_url: str
) -> None:
    report = probe_portal(browser, portal_settings, portal_url)
    broken = [f"{r.screen} / {r.element}: {r.status.value}" for r in report.failures]
    assert not broken, "broken locators:\n" + "\n".join(broken)


def test_home_shows_search_and_new_opportunity(session: PortalSession) -> None:
    for element, locator, *_ in session.home.probe_points():
        expect(locator, element).to_be_visible()


def test_walks_to_the_resident_flow_and_creates_nothing(
    session: PortalSession, portal_settings: Settings
) -> None:
    request = procedure.request_for(AUTOMATABLE[0], False, portal_settings)
    before = procedure.open_account(session, request).opportunity_rows()
    trail = procedure.walk(session, request, stop_before=Step.START)
    # The questionnaire was answered and the portal offered the resident flow.
    assert trail.done[-1] is Step.QUESTIONNAIRE, trail.done
    assert isinstance(trail.screen, ResidencyPage)
    expect(trail.screen.start_button).to_be_enabled()
    # Leave without « Démarrer »: the account must list exactly the same opportunities.
    assert procedure.open_account(session, request).opportunity_rows() == before
