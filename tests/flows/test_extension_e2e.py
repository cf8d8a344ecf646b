"""The extension flow end to end: real Chromium, the simulator, every variant (shadow × locale).

Each sale is checked in the simulator's own record of issued contracts (``/__sim__/contracts``):
days covered by the legacy contract, insurance type « Ancien système voyage QC ON », trip dates.
Each stop is checked to have sold nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings
from automation.runtime.walk import Step
from fixtures.portal.run import RunningSimulator
from flows.extension import ExtensionFlow, ExtensionResult
from flows.language import say
from flows.outcome import Outcome
from flows.request import parse_extension_request
from flows.routing import Route

pytestmark = pytest.mark.e2e

JEAN: dict[str, object] = {
    "contract_number": "LH12345",
    "product": "single_trip",
    "coverages": "emc",
    "departed": "no",
    "claim": "none",
    "request_date": "2026-11-20",
    "first_name": "Jean",
    "last_name": "Bonjour",
    "birth_date": "1950-01-01",
    "phone": "(514) 467-3193",
    "postal_code": "H3A 2Y1",
    "province": "QC",
    "language": "fr",
    "destination": "DE",
    "trip_reason": "study",
    "trip_start": "2026-12-01",
    "trip_end": "2027-01-30",
    "legacy_days": 15,
    "buyer_travelling": "oui",
    "all_canadian_residents": "oui",
    "all_provincial_plan": "oui",
    "privacy_consent": "oui",
}


@pytest.fixture(scope="module")
def _signed_in() -> Iterator[dict[str, PortalSession]]:
    """This module's signed-in sessions, one per variant, closed at the module's end."""
    sessions: dict[str, PortalSession] = {}
    yield sessions
    for session in sessions.values():
        session.close()


@pytest.fixture
def flow(
    browser: Browser,
    simulator: RunningSimulator,
    portal_variant: Any,
    tmp_path_factory: pytest.TempPathFactory,
    _signed_in: dict[str, PortalSession],
    request: pytest.FixtureRequest,
) -> Iterator[ExtensionFlow]:
    """A signed-in flow in the variant's locale: one context per variant, reused by the next
    test as a bulk worker reuses its own for the next request (a fresh context and page load
    per test cost a second each, for nothing the tests check). A test that fails closes it,
    so the next one starts clean and a failure cannot spread."""
    key = str(portal_variant)
    if key not in _signed_in:
        locale = Locale(portal_variant.locale)
        # The session saved per variant and process, not in the repository's .auth/ that every
        # pytest-xdist worker (and the developer's own `prolong login`) would overwrite.
        state = tmp_path_factory.getbasetemp() / "auth" / f"{portal_variant}.json"
        settings = Settings(_env_file=None, locale=locale, storage_state=state)
        session = PortalSession(browser, settings, simulator.url)
        session.start()
        _signed_in[key] = session
    failed = request.session.testsfailed
    yield ExtensionFlow(_signed_in[key])
    if request.session.testsfailed != failed:
        _signed_in.pop(key).close()


def _contracts(simulator: RunningSimulator) -> list[dict[str, Any]]:
    return httpx.get(f"{simulator.url}/__sim__/contracts").json()  # type: ignore[no-any-return]


def _extend(flow: ExtensionFlow, **changes: object) -> ExtensionResult:
    return flow.run(parse_extension_request({**JEAN, **changes}))


def _assert_sold(simulator: RunningSimulator, result: ExtensionResult, **expected: object) -> None:
    assert result.status is Outcome.ISSUED, result.message
    assert result.contract is not None
    number = result.contract.contract_number
    sold = [c for c in _contracts(simulator) if c["number"] == number]
    assert len(sold) == 1, f"{number} not in /__sim__/contracts"
    contract = sold[0]
    assert contract["other_insurer_type"] == "legacy_qc_on"
    assert contract["opportunity_name"] == result.contract.opportunity_name
    for key, value in expected.items():
        assert contract[key] == value, key


SALES: dict[str, tuple[dict[str, object], dict[str, object]]] = {
    "quebec-client-found-by-name": (
        # The phone is new to the portal, so the name finds her among two homonyms.
        {
            "first_name": "Marie",
            "last_name": "Tremblay",
            "birth_date": "1988-11-02",
            "phone": "(438) 555-0100",
            "postal_code": "H7N 5H9",
            "legacy_days": 20,
        },
        {"account_name": "Marie Tremblay", "birth_date": "1988-11-02", "other_insurer_days": 20},
    ),
    "ontario-client-no-consent": (
        {
            "first_name": "John",
            "last_name": "Smith",
            "birth_date": "1958-04-18",
            "phone": "(416) 555-0137",
            "postal_code": "M5V 2T6",
            "province": "ON",
            "language": "en",
            "privacy_consent": None,
            "destination": "US",
            "trip_reason": "vacation",
            "trip_start": "2027-01-05",
            "trip_end": "2027-03-05",
            "legacy_days": 30,
        },
        {
            "account_name": "John Smith",
            "trip_start": "2027-01-05",
            "trip_end": "2027-03-05",
            "other_insurer_days": 30,
        },
    ),
    "found-by-phone-among-two-accounts": (
        {},
        {
            "account_name": "Jean Bonjour",
            "birth_date": "1950-01-01",
            "trip_start": "2026-12-01",
            "trip_end": "2027-01-30",
            "other_insurer_days": 15,
        },
    ),
    "new-client": (
        {
            "first_name": "Nadia",
            "last_name": "Roy",
            "birth_date": "1979-02-28",
            "phone": "(514) 555-0111",
            "postal_code": "H2T 1S4",
            "destination": "Mexique",
            "trip_reason": "vacation",
            "legacy_days": 10,
        },
        {"account_name": "Nadia Roy", "birth_date": "1979-02-28", "other_insurer_days": 10},
    ),
    "annual-existing-extension-faq1": (
        {
            "first_name": "Gaétan",
            "last_name": "Côté",
            "birth_date": "1947-07-22",
            "phone": "(819) 555-0117",
            "postal_code": "J1H 1A1",
            "product": "annual_multi_trip",
            "annual_extension": "existing",
            "departed": "yes",
            "trip_start": "2026-11-01",
            "trip_end": "2027-02-28",
            "legacy_end": "2026-12-15",
            "legacy_days": None,
        },
        {
            "account_name": "Gaétan Côté",
            "trip_start": "2026-11-01",
            "trip_end": "2027-02-28",
            "other_insurer_days": 45,
        },
    ),
}


@pytest.mark.sales
@pytest.mark.parametrize("case", list(SALES))
def test_issues_the_top_up_contract(
    case: str, flow: ExtensionFlow, simulator: RunningSimulator
) -> None:
    changes, expected = SALES[case]
    result = _extend(flow, **changes)
    _assert_sold(simulator, result, **expected)


AUTOMATED = Route.COMPLEMENTARY_ESPACE_PARTENAIRE
# What the message says: one text, or (French, English) where the run's language decides it.
STOPS: dict[str, tuple[dict[str, object], Outcome, Route, str | tuple[str, str]]] = {
    "ambiguous-client": (
        {
            "first_name": "Luc",
            "last_name": "Gagnon",
            "birth_date": "1975-06-15",
            "phone": "(514) 555-0199",
            "postal_code": "H1V 3R2",
        },
        Outcome.HANDED_OFF,
        AUTOMATED,
        "choose",
    ),
    # Trips of their own: Jean's own trip may be sold by a test above, and found sold.
    "missing-quebec-consent": (
        {"privacy_consent": None, "trip_end": "2027-01-31"},
        Outcome.INVALID,
        AUTOMATED,
        "privacy_consent",
    ),
    "non-resident": (
        {"all_canadian_residents": "non", "trip_end": "2027-02-01"},
        Outcome.HANDED_OFF,
        AUTOMATED,
        "non-resident",
    ),
    "espace-partenaire-contract": (
        {"contract_number": "AA12345678"},
        Outcome.HANDED_OFF,
        Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
        "standard",
    ),
    "other-coverage-info-partenaires": (
        {"coverages": "emc_reduced_stability"},
        Outcome.HANDED_OFF,
        Route.EXTEND_ON_INFO_PARTENAIRES,
        "Info-partenaires",
    ),
    "claim-contact-insurer": (
        {"claim": "filed"},
        Outcome.HANDED_OFF,
        Route.CONTACT_INSURER,
        ("assureur", "insurer"),
    ),
}


@pytest.mark.sales
@pytest.mark.parametrize("case", list(STOPS))
def test_stops_cleanly_and_sells_nothing(
    case: str, flow: ExtensionFlow, simulator: RunningSimulator
) -> None:
    changes, status, outcome, says = STOPS[case]
    before = _contracts(simulator)
    result = _extend(flow, **changes)
    assert result.status is status, result.message
    assert result.decision is not None and result.decision.outcome is outcome
    expected = says if isinstance(says, str) else say(fr=says[0], en=says[1])
    assert expected.lower() in result.message.lower()
    assert result.contract is None
    assert _contracts(simulator) == before


@pytest.mark.sales
def test_the_same_trip_is_found_sold_and_not_sold_again(
    flow: ExtensionFlow, simulator: RunningSimulator
) -> None:
    trip = {"trip_end": "2027-02-02"}
    first = _extend(flow, **trip)
    _assert_sold(simulator, first)
    before = _contracts(simulator)
    again = _extend(flow, **trip)
    assert again.status is Outcome.ISSUED and again.already_sold, again.message
    assert first.contract is not None and again.contract is not None
    assert again.contract.contract_number == first.contract.contract_number
    assert _contracts(simulator) == before
    assert [timing.step for timing in again.timings] == [Step.SEARCH, Step.ACCOUNT]
