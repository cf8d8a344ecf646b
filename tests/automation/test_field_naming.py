"""A page-object failure names the field by its expected label and catalogue key.

The simulator renames one label (``label_overrides``), as an org's admin would: the walk must
stop at the Voyage step naming « Jours couverts par l'autre assureur » (other_insurer_days),
not with a Playwright call log that names no field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from automation.errors import UnexpectedScreen
from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.aide_memoire import ROWS, Route
from tests.regression import procedure

pytestmark = [pytest.mark.e2e, pytest.mark.smoke]

AUTOMATABLE = [
    row
    for row in ROWS
    if Route.COMPLEMENTARY_ESPACE_PARTENAIRE in (row.before_departure, row.after_departure)
]


@pytest.fixture(scope="module")
def renamed() -> Iterator[RunningSimulator]:
    """A simulator whose Voyage step calls other_insurer_days « Jours garantis ailleurs »."""
    options = SimOptions(label_overrides={"other_insurer_days": "Jours garantis ailleurs"})
    with start_in_thread(options) as running:
        yield running


def test_a_renamed_field_is_named_by_label_and_key(
    browser: Browser, renamed: RunningSimulator, tmp_path: Path
) -> None:
    # A short limit: the field will not come, and the test need not wait 15 s to learn it.
    settings = Settings(_env_file=None, storage_state=tmp_path / "state.json", timeout_ms=3_000)
    session = PortalSession(browser, settings, renamed.url)
    try:
        session.start()
        request = procedure.request_for(AUTOMATABLE[0], False, settings)
        with pytest.raises(UnexpectedScreen) as failed:
            procedure.walk(session, request)
    finally:
        session.close()
    assert str(failed.value) == (
        "Voyage step: field « Jours couverts par l'autre assureur » (other_insurer_days) not found"
    )
