"""Hand-offs: every cell of the aide-mémoire that prolong does not enter stops before the portal
with the right instructions (no browser, nothing created: runs on any target)."""

from __future__ import annotations

import pytest

from automation.runtime.settings import Settings
from flows.aide_memoire import ROWS, AideMemoireRow, Route
from flows.extension import stop_before_portal
from flows.language import say
from flows.outcome import Outcome
from flows.routing import route
from tests.regression import procedure

pytestmark = pytest.mark.smoke

HAND_OFFS = [
    pytest.param(row, departed, id=f"{row.key}/{'after' if departed else 'before'}")
    for row in ROWS
    for departed in (False, True)
    if row.outcome(departed) is not Route.COMPLEMENTARY_ESPACE_PARTENAIRE
]


@pytest.mark.parametrize(("row", "departed"), HAND_OFFS)
def test_hands_off_with_the_aide_memoire_outcome(row: AideMemoireRow, departed: bool) -> None:
    settings = Settings(_env_file=None)
    request = procedure.request_for(row, departed, settings)
    decision = route(request)
    assert decision.outcome is row.outcome(departed), decision.rule
    assert decision.row == row
    stopped = stop_before_portal(request, decision)
    assert stopped is not None and stopped.status is Outcome.HANDED_OFF
    where = decision.handoff
    assert say(fr=where.where_fr, en=where.where_en) in stopped.message
