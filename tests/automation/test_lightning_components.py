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

from automation.errors import FormRejected, UnexpectedScreen
from automation.lightning import (
    Checkbox,
    Combobox,
    Datatable,
    DateInput,
    Path,
    RadioGroup,
    TextInput,
)
from automation.pages import ClientFormPage, OpportunityPage
from automation.portal_dates import day_patterns, read_day
from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings
from fixtures.portal.run import RunningSimulator

pytestmark = [pytest.mark.e2e, pytest.mark.smoke]


@pytest.fixture
def session(
    browser: Browser,
    simulator: RunningSimulator,
    portal_variant: Any,
    tmp_path: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PortalSession]:
    """A signed-in session in the variant's locale.

    The first test of a variant (per pytest-xdist worker) signs in and saves the session; the
    next ones load it: one page load each instead of two and a sign-in (these tests are about
    the widgets, test_session_state.py about signing in).
    """
    state = tmp_path_factory.getbasetemp() / "auth-lightning" / f"{portal_variant}.json"
    settings = Settings(
        _env_file=None,
        locale=Locale(portal_variant.locale),
        storage_state=state,
        artifacts_dir=tmp_path,
    )
    # The site's base URL, under its prefix when --sim-switch site_prefix=… gives one.
    base_url = simulator.url + simulator.options.variant.site_prefix
    signed_in = PortalSession(browser, settings, base_url)
    signed_in.start()
    yield signed_in
    signed_in.close()


def _open_client_form(session: PortalSession) -> ClientFormPage:
    results = session.home.search("(514) 467-3193")
    return results.open_account("Jean Bonjour", "1950-01-01").new_opportunity()


def test_datatable_reads_rows_by_column_title(session: PortalSession) -> None:
    labels = session.labels
    rows = session.home.search("(514) 467-3193").account_rows()
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
    # Whatever style the field shows (Aura's or Intl's medium, short), it shows that day.
    birth = DateInput(page, labels.birth_date, key="birth_date", shown=day_patterns(labels.locale))
    birth.fill(date(1951, 3, 4))
    assert read_day(birth.control.input_value(), labels.locale) == date(1951, 3, 4)
    consent = Checkbox(page, labels.privacy_consent)
    consent.set(True)
    consent.set(False)
    expect(consent.control).not_to_be_checked()


def test_an_option_the_combobox_does_not_offer_is_refused_by_name(
    session: PortalSession,
) -> None:
    _open_client_form(session)
    language = Combobox(session.page, session.labels.language)
    with pytest.raises(UnexpectedScreen, match="option « Klingon » not offered"):
        language.select("Klingon")
    language.select(session.labels.languages["en"])  # the list still answers the next choice
    assert language.value() == session.labels.languages["en"]


def test_radio_group_answers_by_text(session: PortalSession) -> None:
    form = _open_client_form(session)
    form.give_consents(privacy=True, dsr=False)
    form.next()
    question = RadioGroup(session.page, session.labels.q_buyer_travelling)
    question.choose(session.labels.no)
    question.choose(session.labels.yes)
    expect(question.control.get_by_role("radio", name=session.labels.no)).not_to_be_checked()


def test_rejected_form_reports_the_field_errors(session: PortalSession) -> None:
    # The portal checks the client form when the opportunity is created (« Démarrer »).
    residency = _open_client_form(session).next()
    residency.answer_residency(
        buyer_travelling=True, all_canadian_residents=True, all_provincial_plan=True
    )
    with pytest.raises(FormRejected) as rejected:
        residency.start()
    assert list(rejected.value.errors) == ["privacy_consent"]
    assert rejected.value.errors["privacy_consent"]


def test_a_box_the_screen_no_longer_shows_has_no_error(session: PortalSession) -> None:
    # After « Démarrer » the portal shows the opportunity: when its load fails, the client
    # form's boxes are read for errors on a screen without them. Reading one waited the whole
    # wait limit for it (30 s of a failed step, two boxes) and then raised.
    _open_client_form(session).next()
    session.page.context.set_default_timeout(1_000)  # the old wait fails fast here
    assert Checkbox(session.page, session.labels.privacy_consent).error() is None


def test_path_reads_the_current_stage(session: PortalSession) -> None:
    # The seed's own opportunity « QUO - Jean Bonjour - 2026-02-5 - 6947291 » is at Couverture.
    session.page.goto(session.base_url + "/s/opportunity/006Sim000000000001")
    OpportunityPage(session.page, session.labels).loaded()
    labels = session.labels
    path = Path(
        session.page,
        mark_complete=labels.any_of("mark_stage_complete"),
        options=labels.any_of("path_options"),
    )
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


def test_datatable_refuses_a_row_that_does_not_match_its_headers(page: Any) -> None:
    # A missing cell would shift every value after it into the wrong column.
    page.set_content(
        "<table role='grid' aria-label='Comptes'><tr><th>NOM</th><th>NAISSANCE</th>"
        "<th>TÉLÉPHONE</th></tr><tr><td>Jean Bonjour</td><td>(514) 467-3193</td></tr></table>"
    )
    with pytest.raises(UnexpectedScreen, match="« Comptes »: row 1 has 2 cells for 3 columns"):
        Datatable(page, "Comptes").rows()


def test_datatable_rows_are_read_by_title_whatever_its_case(page: Any) -> None:
    # SLDS capitalises headers with CSS: the accessible name keeps the markup's case.
    page.set_content(
        "<table role='grid' aria-label='Comptes'><tr><th>Nom du compte</th></tr>"
        "<tr><td>Jean Bonjour</td></tr></table>"
    )
    (row,) = Datatable(page, "Comptes").rows()
    assert row["NOM DU COMPTE"] == row["Nom du compte"] == "Jean Bonjour"
    assert "NOM DU COMPTE" in row and "PRÉNOM" not in row
