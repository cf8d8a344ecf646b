"""Sales: each automatable cell of the aide-mémoire, before and after departure, to a contract.

Issues real contracts on the target: refused (as an error) unless it is the simulator or a host
of PORTAL_SANDBOX_HOSTS (see conftest.py).
"""

from __future__ import annotations

import pytest

from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from flows.aide_memoire import ROWS, AideMemoireRow, Route
from flows.routing import route
from tests.regression import procedure
from tests.regression.conftest import sim_contracts

pytestmark = [pytest.mark.e2e, pytest.mark.sales]

COMPLEMENTARY = Route.COMPLEMENTARY_ESPACE_PARTENAIRE
CASES = [
    pytest.param(row, departed, id=f"{row.key}/{'after' if departed else 'before'}")
    for row in ROWS
    for departed in (False, True)
    if row.outcome(departed) is COMPLEMENTARY
]


@pytest.mark.parametrize(("row", "departed"), CASES)
def test_sells_the_top_up_contract(
    row: AideMemoireRow,
    departed: bool,
    session: PortalSession,
    portal_settings: Settings,
    portal_url: str,
    on_simulator: bool,
) -> None:
    request = procedure.request_for(row, departed, portal_settings)
    decision = route(request)
    assert decision.outcome is COMPLEMENTARY and decision.row == row, decision.rule
    trail = procedure.walk(session, request)
    number, opportunity = trail.contract_number, trail.opportunity_name
    assert procedure.CONTRACT.match(number), number
    # The hand-off outcome, as the portal shows it: the sale is on the client's account.
    rows = procedure.open_account(session, request).opportunity_rows()
    labels = session.labels
    assert any(r.get(labels.col_contract_number) == number for r in rows), number
    if on_simulator:
        sold = [c for c in sim_contracts(portal_url) if c["number"] == number]
        assert len(sold) == 1
        assert sold[0]["other_insurer_type"] == "legacy_qc_on"
        assert sold[0]["other_insurer_days"] == request.legacy_days
        assert sold[0]["opportunity_name"] == opportunity
