"""Smoke: sign in, search, open the account and the forms; nothing is created.

Safe on any org, production included: « Démarrer » is never clicked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from automation.probe import probe_portal
from automation.session import PortalSession
from automation.settings import Settings
from flows.aide_memoire import ROWS, Outcome
from tests.regression import procedure

pytestmark = [pytest.mark.e2e, pytest.mark.smoke]

AUTOMATABLE = [row for row in ROWS if Outcome.COMPLEMENTARY_ESPACE_PARTENAIRE in
               (row.before_departure, row.after_departure)]


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
    procedure.open_account(session, portal_settings)
    before = session.account.opportunity_rows()
    request = procedure.request_for(AUTOMATABLE[0], False, portal_settings)
    procedure.to_questionnaire(session, request)
    assert procedure.answer_questionnaire(session), "the portal did not offer the resident flow"
    expect(session.residency.start_button).to_be_enabled()
    # Leave without « Démarrer »: the account must list exactly the same opportunities.
    procedure.open_account(session, portal_settings)
    assert session.account.opportunity_rows() == before
