"""Requests of the aide-mémoire for the test client, and the walk with the suite's stop points.

Requests are built for the configured test client (``PORTAL_TEST_CLIENT_*``) from one cell of
the aide-mémoire (``flows.aide_memoire.ROWS``). The suite walks the same procedure as
``ExtensionFlow`` and ``prolong probe`` (``automation.runtime.walk``), with its own stop points, so
a failure names the step that broke, and it runs in pytest-playwright's traced context.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace
from datetime import date, timedelta

from automation.pages import AccountPage, ClientDetails
from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from automation.runtime.walk import Step, Trail, Visit, Walk
from flows.aide_memoire import AideMemoireRow, CoverageLine, ProductGroup
from flows.request import ExtensionRequest, SoldIn, parse_extension_request
from flows.visit import visit_for

CONTRACT = re.compile(r"^AA\d{8}$")

# Each request gets trip dates of its own, in this run and against earlier runs on a sandbox:
# the portal is the ledger, and a trip the test client already bought is not sold again.
_RUN_OFFSET = random.SystemRandom().randrange(0, 120)
_REQUEST_NUMBER = itertools.count()

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
    The trip's end differs for every request (see ``_RUN_OFFSET``).
    """
    product, annual = _PRODUCTS[row.group]
    today = max(date.today(), date(2026, 6, 1))
    start = today - timedelta(days=10) if departed else today + timedelta(days=5)
    legacy = "LH12345" if row.sold_in is SoldIn.INFO_PARTENAIRES else "AA12345678"
    quebec = settings.test_client_province.upper() == "QC"
    return parse_extension_request(
        {
            "contract_number": legacy,
            "product": product,
            "annual_extension": annual,
            "coverages": _COVERAGES[row.coverage_line],
            "departed": departed,
            "claim": "none",
            "request_date": today.isoformat(),
            "first_name": settings.test_client_first_name,
            "last_name": settings.test_client_last_name,
            "birth_date": settings.test_client_birth_date.isoformat(),
            "phone": settings.test_client_phone,
            "postal_code": settings.test_client_postal_code,
            "province": settings.test_client_province,
            "language": settings.locale.value,
            "destination": "FR",
            "trip_reason": "vacation",
            "trip_start": start.isoformat(),
            "trip_end": (
                start + timedelta(days=59 + _RUN_OFFSET + next(_REQUEST_NUMBER))
            ).isoformat(),
            "legacy_days": 15,
            "buyer_travelling": True,
            "all_canadian_residents": True,
            "all_provincial_plan": True,
            # A test client of a sandbox: the consent is the test's own.
            "privacy_consent": True if quebec else None,
        }
    )


def visit(session: PortalSession, request: ExtensionRequest) -> Visit:
    """The request in the portal's words, keeping the test account's own values.

    The test client exists on the portal: the form is left as the portal prefills it, but for
    the address fields the request carries (the province decides the Québec consent).
    """
    full = visit_for(request, session.labels)
    return replace(
        full,
        client=ClientDetails(
            postal_code=request.postal_code,
            province=request.province.value,
            language=request.language.value,
        ),
    )


def open_account(session: PortalSession, request: ExtensionRequest) -> AccountPage:
    """Seed steps 1–2: the test client's account, found by name and birth date."""
    trail = Walk(session, visit(session, request)).run(stop_before=Step.NEW_OPPORTUNITY)
    assert trail.account is not None, "the test client's account was not found"
    return trail.account


def walk(
    session: PortalSession, request: ExtensionRequest, *, stop_before: Step | None = None
) -> Trail:
    """Walk the procedure for ``request``, to the sale or to ``stop_before``."""
    return Walk(session, visit(session, request)).run(stop_before=stop_before)
