"""The procedure of the aide-mémoire, walked through the page objects, for the regression tests.

Requests are built for the configured test client (``PORTAL_TEST_CLIENT_*``) from one cell of
the aide-mémoire (``flows.aide_memoire.ROWS``). The walk uses the same page-object verbs as
``ExtensionFlow``, one step at a time, so a failure names the screen that broke, and it runs in
pytest-playwright's traced context.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from automation.pages import ClientDetails
from automation.session import PortalSession
from automation.settings import Settings
from flows.aide_memoire import AideMemoireRow, CoverageLine, ProductGroup
from flows.extension import ExtensionFlow
from flows.request import ExtensionRequest, SoldIn, parse_extension_request

CONTRACT = re.compile(r"^AA\d{8}$")

_PRODUCTS = {
    ProductGroup.SINGLE_TRIP: ("single_trip", None),
    ProductGroup.ANNUAL_NEW: ("annual_multi_trip", "new"),
    ProductGroup.ANNUAL_EXISTING: ("annual_multi_trip", "existing"),
    ProductGroup.TOP_UP: ("top_up", None),
    ProductGroup.VISITORS_TO_CANADA: ("visitors_to_canada", None),
}
_COVERAGES = {
    CoverageLine.EMC_ONLY: "emc",
    CoverageLine.EMC_REDUCED_STABILITY: "emc_reduced_stability",
    CoverageLine.OTHER_COVERAGES: "emc;baggage",
}


def client_name(settings: Settings) -> str:
    """The test client's account name."""
    return f"{settings.test_client_first_name} {settings.test_client_last_name}"


def request_for(row: AideMemoireRow, departed: bool, settings: Settings) -> ExtensionRequest:
    """A request that falls in ``row`` of the aide-mémoire, for the test client.

    Dates are taken from today (at the earliest the day the new process came into force), so
    the legacy coverage is still running: 15 days from a departure 10 days ago or 5 days ahead.
    """
    product, annual = _PRODUCTS[row.group]
    today = max(date.today(), date(2026, 6, 1))
    start = today - timedelta(days=10) if departed else today + timedelta(days=5)
    legacy = "LH12345" if row.sold_in is SoldIn.INFO_PARTENAIRES else "AA12345678"
    quebec = settings.test_client_province.upper() == "QC"
    return parse_extension_request({
        "contract_number": legacy, "product": product, "annual_extension": annual,
        "coverages": _COVERAGES[row.coverage_line], "departed": departed, "claim": "none",
        "request_date": today.isoformat(),
        "first_name": settings.test_client_first_name,
        "last_name": settings.test_client_last_name,
        "birth_date": settings.test_client_birth_date.isoformat(),
        "phone": settings.test_client_phone, "postal_code": settings.test_client_postal_code,
        "province": settings.test_client_province, "language": settings.locale.value,
        "destination": "FR", "trip_reason": "vacation",
        "trip_start": start.isoformat(), "trip_end": (start + timedelta(days=59)).isoformat(),
        "legacy_days": 15, "buyer_travelling": True, "all_canadian_residents": True,
        "all_provincial_plan": True,
        # A test client of a sandbox: the consent is the test's own.
        "privacy_consent": True if quebec else None,
    })


def open_account(session: PortalSession, settings: Settings) -> None:
    """Steps 1–2: search the test client by name and open the account (name and birth date)."""
    name = client_name(settings)
    session.home.open(session.base_url)
    session.home.search(name)
    session.search_results.wait_for(name)
    session.search_results.open_account(name, settings.test_client_birth_date.isoformat())
    session.account.wait_for(name)


def to_questionnaire(session: PortalSession, request: ExtensionRequest) -> None:
    """Steps 3–4: « Nouvelle opportunité », the client form and its consents, « Suivant »."""
    session.account.new_opportunity()
    form = session.client_form
    form.wait_for()
    form.fill(ClientDetails(
        postal_code=request.postal_code, province=request.province.value,
        language=request.language.value,
    ))
    form.give_consents(privacy=request.privacy_consent is True, dsr=False)
    form.next(then=session.residency.questions()["buyer_travelling"].control)


def answer_questionnaire(session: PortalSession) -> bool:
    """Step 5 without « Démarrer »: True when the portal says « flux résident »."""
    session.residency.wait_for()
    return session.residency.answer_residency(
        buyer_travelling=True, all_canadian_residents=True, all_provincial_plan=True
    )


def sell(session: PortalSession, request: ExtensionRequest) -> tuple[str, str]:
    """Steps 5–7 from the questionnaire: « Démarrer », the Voyage step, the sale.

    Returns (opportunity name, contract number).
    """
    session.residency.start_button.click()
    opportunity = session.opportunity
    name = opportunity.wait_for_trip_step()
    opportunity.fill_trip(ExtensionFlow(session).trip_details(request))
    assert opportunity.trip_days() == request.trip_days, "trip days computed by the portal"
    opportunity.mark_stage_complete()
    number = opportunity.finalise()
    return name, number
