"""Each Lightning component object against the simulator's real base components.

These pin the widgets' quirks (required-field stars, slotted Path options, grids read from the
accessibility tree, faux checkboxes, locale date formats) in both shadow modes and locales.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from automation.errors import FormRejected
from automation.lightning import (
    Checkbox,
    Combobox,
    Datatable,
    DateInput,
    Path,
    RadioGroup,
    TextInput,
)
from automation.session import PortalSession
from automation.settings import Locale, Settings
from fixtures.portal.run import RunningSimulator

pytestmark = [pytest.mark.e2e, pytest.mark.smoke]


@pytest.fixture
def session(
    browser: Browser, simulator: RunningSimulator, portal_variant: Any, tmp_path: Any
) -> Iterator[PortalSession]:
    """A signed-in session in the variant's locale."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, locale=Locale(portal_variant.locale),
        storage_state=tmp_path / "state.json", artifacts_dir=tmp_path,
    )
    signed_in = PortalSession(browser, settings, simulator.url)
    signed_in.start()
    yield signed_in
    signed_in.close()


def _open_client_form(session: PortalSession) -> None:
    session.home.search("(514) 467-3193")
    session.search_results.wait_for("(514) 467-3193")
    session.search_results.open_account("Jean Bonjour", "1950-01-01")
    session.account.wait_for("Jean Bonjour")
    session.account.new_opportunity()
    session.client_form.wait_for()


def test_datatable_reads_rows_by_column_title(session: PortalSession) -> None:
    session.home.search("(514) 467-3193")
    session.search_results.wait_for("(514) 467-3193")
    labels = session.labels
    rows = session.search_results.account_rows()
    by_name = {row[labels.col_account_name]: row for row in rows}
    assert set(by_name) == {"Jean Bonjour", "Test F.Int Nighal"}
    assert by_name["Jean Bonjour"][labels.col_birth_date] == "1950-01-01"
    assert by_name["Test F.Int Nighal"][labels.col_phone] == "(514) 467-3193"


def test_form_widgets_take_and_show_values(session: PortalSession) -> None:
    _open_client_form(session)
    page, labels = session.page, session.labels
    first_name = TextInput(page, labels.first_name)  # a required field: label « *Prénom »
    assert first_name.value() == "Jean"
    first_name.fill("Jeanne")
    language = Combobox(page, labels.language)
    language.select(labels.languages["en"])
    assert language.value() == labels.languages["en"]
    birth = DateInput(page, labels.birth_date, shown=labels.medium_date)
    birth.fill(date(1951, 3, 4))
    expect(birth.control).to_have_value(labels.medium_date(date(1951, 3, 4)))
    consent = Checkbox(page, labels.privacy_consent)
    consent.set(True)
    consent.set(False)
    expect(consent.control).not_to_be_checked()


def test_radio_group_answers_by_text(session: PortalSession) -> None:
    _open_client_form(session)
    session.client_form.give_consents(privacy=True, dsr=False)
    session.client_form.next(then=session.residency.questions()["buyer_travelling"].control)
    question = RadioGroup(session.page, session.labels.q_buyer_travelling)
    question.choose(session.labels.no)
    question.choose(session.labels.yes)
    expect(question.control.get_by_role("radio", name=session.labels.no)).not_to_be_checked()


def test_rejected_form_reports_the_field_errors(session: PortalSession) -> None:
    # The portal checks the client form when the opportunity is created (« Démarrer »).
    _open_client_form(session)
    session.client_form.next(then=session.residency.questions()["buyer_travelling"].control)
    session.residency.answer_residency(
        buyer_travelling=True, all_canadian_residents=True, all_provincial_plan=True
    )
    with pytest.raises(FormRejected) as rejected:
        session.residency.start(then=session.opportunity.trip_section)
    assert list(rejected.value.errors) == ["privacy_consent"]
    assert rejected.value.errors["privacy_consent"]


def test_path_reads_the_current_stage(session: PortalSession) -> None:
    # The seed's own opportunity « QUO - Jean Bonjour - 2026-02-5 - 6947291 » is at Couverture.
    session.page.goto("/s/opportunity/006Sim000000000001")
    opportunity = session.opportunity
    opportunity.arrive(opportunity.title)
    path = Path(session.page, mark_complete=session.labels.mark_stage_complete)
    path.expect_current(session.labels.stage_coverage)
    assert path.current() == session.labels.stage_coverage


def test_datatable_keeps_colons_and_apostrophes_in_cells(page: Any) -> None:
    # YAML quotes such cells in the accessibility snapshot; the reader must undo it.
    page.set_content(
        "<table role='grid' aria-label='Comptes'><tr><th>NOM</th><th>NOTE</th></tr>"
        "<tr><td>Sarah O'Connor</td><td>Étape : Voyage</td></tr></table>"
    )
    rows = Datatable(page, "Comptes").rows()
    assert rows == [{"NOM": "Sarah O'Connor", "NOTE": "Étape : Voyage"}]
