"""Requests after the first move inside the app: no full page load per request (issue 14).

A full page load boots the whole app again (seconds on a real Experience Cloud site), so each
request starts from the header's search of whatever screen the last one left. What the last
request left must not leak into the next: an error toast costs a fresh home page (else it would
be read as the next screen's fault), and an expired session is still mended by signing in again.
Counted by the simulator (``page_loads`` of ``/__sim__/stats``), not timed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Route

from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.extension import ExtensionFlow, ExtensionResult
from flows.outcome import Outcome
from flows.request import parse_extension_request
from tests.flows.desk.conftest import contracts

pytestmark = pytest.mark.e2e

JEAN: dict[str, object] = {
    "contract_number": "LH12345", "product": "single_trip", "coverages": "emc",
    "departed": "no", "claim": "none", "request_date": "2026-11-20", "first_name": "Jean",
    "last_name": "Bonjour", "birth_date": "1950-01-01", "phone": "(514) 467-3193",
    "postal_code": "H3A 2Y1", "province": "QC", "language": "fr", "destination": "DE",
    "trip_reason": "study", "trip_start": "2026-12-01", "trip_end": "2027-01-30",
    "legacy_days": 15, "buyer_travelling": "oui", "all_canadian_residents": "oui",
    "all_provincial_plan": "oui", "privacy_consent": "oui",
}  # fmt: skip
NEW_CLIENT: dict[str, object] = {
    **JEAN,
    "contract_number": "LH12346",
    "first_name": "Aline",
    "last_name": "Navigue",
    "birth_date": "1971-03-09",
    "phone": "(514) 555-0148",
    "postal_code": "H2X 1Y4",
}


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with start_in_thread(SimOptions()) as running:
        yield running


@pytest.fixture
def flow(browser: Browser, sim: RunningSimulator, tmp_path: Path) -> Iterator[ExtensionFlow]:
    """A flow signed in with the password (no saved session), its artifacts in a scratch dir."""
    settings = Settings(
        _env_file=None, storage_state=tmp_path / "state.json", artifacts_dir=tmp_path / "artifacts"
    )
    session = PortalSession(browser, settings, sim.url)
    session.start()
    yield ExtensionFlow(session)
    session.close()


def _page_loads(sim: RunningSimulator) -> int:
    return int(httpx.get(f"{sim.url}/__sim__/stats").json()["page_loads"])


def _extend(flow: ExtensionFlow, request: dict[str, object]) -> ExtensionResult:
    return flow.run(parse_extension_request(request))


def test_requests_after_sign_in_load_no_page(flow: ExtensionFlow, sim: RunningSimulator) -> None:
    before = _page_loads(sim)
    found = _extend(flow, JEAN)  # a client the search finds: from the account
    new = _extend(flow, NEW_CLIENT)  # a new client: « Accueil », then « Nouvelle opportunité »
    again = _extend(flow, {**JEAN, "trip_end": "2027-02-02"})  # from the last sale's screen
    assert [r.status for r in (found, new, again)] == [Outcome.ISSUED] * 3, (
        found.message,
        new.message,
        again.message,
    )
    assert _page_loads(sim) == before


def test_an_error_toast_left_behind_is_not_blamed_on_the_next_request(
    flow: ExtensionFlow, sim: RunningSimulator
) -> None:
    httpx.post(f"{sim.url}/__sim__/faults", json={"fault_rate": 1.0}).raise_for_status()
    failed = _extend(flow, JEAN)
    assert failed.status is Outcome.FAILED
    assert not flow.session.home.is_clean()  # its error toast stays until closed
    httpx.post(f"{sim.url}/__sim__/faults", json={"fault_rate": 0.0}).raise_for_status()
    before = _page_loads(sim)
    sold = _extend(flow, JEAN)
    assert sold.status is Outcome.ISSUED, sold.message
    assert _page_loads(sim) == before + 1  # the home page afresh: the toast went with it


def test_a_session_expired_between_requests_signs_in_again_and_sells(
    flow: ExtensionFlow, sim: RunningSimulator
) -> None:
    first = _extend(flow, JEAN)
    httpx.post(f"{sim.url}/__sim__/expire-sessions").raise_for_status()
    second = _extend(flow, {**JEAN, "trip_end": "2027-02-03"})
    assert (first.status, second.status) == (Outcome.ISSUED, Outcome.ISSUED), second.message
    assert flow.session.sign_ins == 2  # at the start, and once more for the expired session


# (the API call the session expires before, as the simulator's UI makes it)
_EXPIRED_AT = {
    "start": ("POST", r"/api/opportunities$"),
    "opportunity shown": ("GET", r"/api/opportunities/[^/]+$"),
    "mark stage complete": ("POST", r"/complete-stage$"),
    "finalise": ("POST", r"/finalize$"),
}


@pytest.mark.parametrize("moment", list(_EXPIRED_AT))
def test_a_session_expired_mid_request_signs_in_again_and_sells_once(
    flow: ExtensionFlow, sim: RunningSimulator, moment: str
) -> None:
    # Signed in again, the portal shows its page afresh: without the Voyage fields that « Marquer
    # l'étape comme terminée » sends, or on the opportunity « Démarrer » created. Running the
    # step again there failed the request (after waiting out the limit); the walk now starts
    # again from the search and takes the opportunity up.
    method, path = _EXPIRED_AT[moment]
    expired: list[str] = []

    def expire_first(route: Route) -> None:
        if route.request.method == method and not expired:
            expired.append(route.request.url)
            httpx.post(f"{sim.url}/__sim__/expire-sessions").raise_for_status()
        route.continue_()

    flow.session.page.route(re.compile(path), expire_first)
    before = contracts(sim)
    result = _extend(flow, JEAN)
    assert expired, f"no {method} {path} was made"
    assert result.status is Outcome.ISSUED, result.message
    assert flow.session.sign_ins == 2  # at the start, and once more for the expired session
    sold = [number for number in contracts(sim) if number not in before]
    assert result.contract is not None and sold == [result.contract.contract_number]
