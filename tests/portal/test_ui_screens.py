"""Browser tests of the simulator's Lightning UI, screen by screen (seed steps 1–7).

Every locator is a role, label or text locator built from the label catalogue
(``fixtures.portal.labels``), so each test runs in every variant the shared ``simulator``
fixture provides: synthetic and native shadow DOM, fr-CA and en-CA.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from fixtures.portal.labels import labels_for
from fixtures.portal.options import Locale, SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread

pytestmark = pytest.mark.e2e

USERNAME = "agent@exemple.ca"
PASSWORD = "demo-Portail-2026"


def required(text: str) -> re.Pattern[str]:
    """Match a label or name exactly, with or without the "*" a required Lightning field shows."""
    # "/" escaped too: Playwright's role selector parser ends a regex at an unescaped "/".
    return re.compile(r"^(\*\s*)?" + re.escape(text).replace("/", r"\/") + "$")


class Ui:
    """Drives the simulator's widgets the way the page objects will (role + name + label)."""

    def __init__(self, page: Page, simulator: RunningSimulator) -> None:
        self.page = page
        self.variant = simulator.options.variant
        # The site's URL: under the site prefix when the simulator has one (switch site_prefix).
        self.url = simulator.url + self.variant.site_prefix
        self.locale = simulator.options.locale
        self.t = labels_for(self.locale, simulator.options.label_overrides, self.variant)

    def sign_in(self, path: str = "/s/") -> None:
        """Open ``path``, get bounced to the sign-in page and sign in."""
        self.page.goto(self.url + path)
        self.page.get_by_label(self.t["login_username"]).fill(USERNAME)
        self.page.get_by_label(self.t["login_password"]).fill(PASSWORD)
        self.page.get_by_role("button", name=self.t["login_submit"]).click()
        expect(self.page.get_by_role("navigation", name=self.t["nav_label"])).to_be_visible()

    def input(self, label_key: str) -> Locator:
        """The control labelled ``t[label_key]``. A required Lightning field's label starts with
        an ``<abbr>*</abbr>``, so its label text is "*Prénom": match with or without it."""
        return self.page.get_by_label(required(self.t[label_key]))

    def search_box(self) -> Locator:
        """The global search input: a searchbox, or SLDS's textbox inside a combobox."""
        if self.variant.search == "combobox":
            return self.page.get_by_role("textbox", name=self.t["search_label"])
        return self.page.get_by_role("searchbox", name=self.t["search_label"])

    def search(self, term: str) -> None:
        box = self.search_box()
        box.fill(term)
        box.press("Enter")

    def button(self, key: str) -> Locator:
        return self.page.get_by_role("button", name=self.t[key], exact=True)

    def pick(self, label_key: str, option: str) -> None:
        """Choose ``option`` in the lightning-combobox labelled ``t[label_key]``."""
        combo = self.page.get_by_role("combobox", name=required(self.t[label_key]))
        combo.click()
        self.page.get_by_role("option", name=option, exact=True).click()
        expect(combo).to_have_text(option)

    def answer(self, question_key: str, yes: bool) -> None:
        """Answer a lightning-radio-group by clicking its Oui/Non label."""
        group = self.page.get_by_role("radiogroup", name=required(self.t[question_key]))
        choice = self.t["yes"] if yes else self.t["no"]
        group.get_by_text(choice, exact=True).click()
        expect(group.get_by_role("radio", name=choice, exact=True)).to_be_checked()

    def date(self, label_key: str, iso: str) -> None:
        """Type an ISO date (the short format of fr-CA and en-CA) and leave the field."""
        field = self.input(label_key)
        field.fill(iso)
        field.press("Tab")

    def tick(self, label_key: str) -> None:
        """Tick a lightning-input checkbox by its label (the SLDS faux box takes the click)."""
        self.page.get_by_text(self.t[label_key], exact=True).click()
        expect(self.input(label_key)).to_be_checked()

    def field(self, label_key: str) -> Locator:
        """A read-only record field in the record's highlights panel."""
        region = self.page.get_by_role("region", name=self.t["record_highlights"])
        return region.get_by_label(self.t[label_key], exact=True)

    def open_jean_bonjour(self) -> None:
        self.search("Bonjour")
        accounts = self.page.get_by_role("grid", name=self.t["search_accounts"])
        accounts.get_by_role("link", name="Jean Bonjour", exact=True).click()
        expect(self.page.get_by_role("heading", name="Jean Bonjour", level=1)).to_be_visible()

    def fill_trip(self, days: str = "15") -> None:
        """Seed step 6: Allemagne, Études, 2026-05-01..2026-06-30, top-up for ``days`` days."""
        self.pick("trip_destination", self.t["country_de"])
        self.pick("trip_reason", self.t["reason_study"])
        self.date("trip_start", "2026-05-01")
        self.date("trip_end", "2026-06-30")
        expect(self.input("trip_days")).to_have_value("61")
        self.answer("q_other_insurer", yes=True)
        self.input("other_insurer_days").fill(days)
        self.pick("other_insurer_type", self.t["insurance_type_legacy_qc_on"])
        self.answer("q_health_coverage", yes=True)
        self.answer("q_cancellation_coverage", yes=False)

    def start_opportunity_for_jean(self) -> None:
        """Seed steps 3–5 for Jean Bonjour (Québec): consent, questionnaire, « Démarrer »."""
        self.open_jean_bonjour()
        self.button("new_opportunity").click()
        expect(self.input("client_first_name")).to_have_value("Jean")
        self.tick("privacy_consent")
        self.button("next").click()
        for key in ("q_buyer_travelling", "q_all_canadian_residents", "q_all_provincial_plan"):
            self.answer(key, yes=True)
        expect(self.page.get_by_text(self.t["resident_flow"], exact=True)).to_be_visible()
        self.button("start").click()
        expect(self.button("mark_stage_complete")).to_be_visible()


def _post(url: str, body: object = None) -> None:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data or b"", method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture
def ui(page: Page, simulator: RunningSimulator) -> Ui:
    """A fresh browser context on this test's simulator variant (not signed in)."""
    page.set_default_timeout(15_000)
    return Ui(page, simulator)


def test_sign_in_rejects_bad_password_then_returns_to_start_url(ui: Ui) -> None:
    page, t = ui.page, ui.t
    page.goto(ui.url + "/s/global-search/Bonjour")
    expect(page).to_have_url(re.compile(r"/s/login\?startURL=%2Fs%2Fglobal-search%2FBonjour$"))
    expect(page.locator("html")).to_have_attribute("lang", f"{ui.locale}-CA")
    page.get_by_label(t["login_username"]).fill(USERNAME)
    page.get_by_label(t["login_password"]).fill("wrong password")
    page.get_by_role("button", name=t["login_submit"]).click()
    expect(page.get_by_role("alert")).to_have_text(t["login_error"])
    page.get_by_label(t["login_password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["login_submit"]).click()
    expect(page).to_have_url(ui.url + "/s/global-search/Bonjour")
    expect(page.get_by_role("grid", name=t["search_accounts"])).to_be_visible()


def test_required_field_message_is_localised(ui: Ui) -> None:
    page, t = ui.page, ui.t
    page.goto(ui.url + "/s/login")
    page.get_by_role("button", name=t["login_submit"]).click()
    message = "Renseignez ce champ." if ui.locale == "fr" else "Complete this field."
    expect(page.get_by_text(message).first).to_be_visible()


def test_shell_has_nav_tabs_search_and_new_opportunity(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    nav = page.get_by_role("navigation", name=t["nav_label"])
    for key in (
        "nav_home",
        "nav_accounts",
        "nav_opportunities",
        "nav_contracts",
        "nav_reports",
        "nav_training",
        "nav_resources",
    ):
        expect(nav.get_by_role("link", name=t[key], exact=True)).to_be_visible()
    ui.button("new_opportunity").click()
    expect(page).to_have_url(ui.url + "/s/opportunity/new")
    expect(page.get_by_role("heading", name=t["client_section"])).to_be_visible()
    expect(ui.input("client_first_name")).to_have_value("")
    ui.search("Bonjour")
    expect(page).to_have_url(ui.url + "/s/global-search/Bonjour")


def test_search_results_tables(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    ui.search("(514) 467-3193")
    accounts = page.get_by_role("grid", name=t["search_accounts"])
    for key in (
        "col_account_name",
        "col_client_number",
        "col_birth_date",
        "col_phone",
        "col_email",
        "col_postal_code",
    ):
        expect(accounts.get_by_role("columnheader", name=t[key])).to_be_attached()
    jean = accounts.get_by_role("row").filter(has_text="Jean Bonjour")
    expect(jean).to_contain_text("1950-01-01")
    expect(accounts.get_by_role("row").filter(has_text="Nighal")).to_contain_text("1980-01-01")
    count = accounts.get_by_role("row").count() - 1
    expected = t["result_count_one" if count == 1 else "result_count_other"].format(count)
    expect(page.get_by_text(expected, exact=False).last).to_be_visible()
    ui.search("Bonjour")
    opportunities = page.get_by_role("grid", name=t["search_opportunities"])
    for key in (
        "col_opportunity_name",
        "col_record_type",
        "col_stage",
        "col_close_date",
        "col_contract_number",
    ):
        expect(opportunities.get_by_role("columnheader", name=t[key])).to_be_attached()
    expect(opportunities.get_by_role("row").nth(1)).to_contain_text("PV Quote")
    quote = opportunities.get_by_role("link", name=re.compile(r"^QUO - Jean Bonjour"))
    expect(quote.first).to_be_visible()


def test_account_page_and_prefilled_client_form(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    ui.open_jean_bonjour()
    expect(page.get_by_text(t["account_type_person"], exact=True).first).to_be_visible()
    expect(ui.field("field_pv_account_number")).to_have_text("005331409PV")
    expect(ui.field("field_language")).to_have_text(t["language_fr"])
    expect(ui.field("field_birth_date")).to_have_text("1950-01-01")
    expect(ui.field("field_email")).to_have_text("jeanbonjour@pv.bleuelab.ca")
    expect(ui.field("field_phone")).to_have_text("(514) 467-3193")
    expect(ui.field("field_age")).to_have_text(re.compile(r"^\d+$"))
    ui.button("new_opportunity").click()
    expect(page).to_have_url(re.compile(r"/s/opportunity/new\?accountId="))
    expect(ui.input("client_last_name")).to_have_value("Bonjour")
    # The seed's screen: « Date de naissance: janv. 1, 1950 » (medium date format).
    shown = "janv. 1, 1950" if ui.locale == "fr" else "Jan 1, 1950"
    expect(ui.input("client_birth_date")).to_have_value(shown)
    province = page.get_by_role("combobox", name=required(t["client_province"]))
    expect(province).to_have_text(t["province_qc"])
    expect(page.get_by_role("combobox", name=required(t["client_language"]))).to_have_text(
        t["language_fr"]
    )
    expect(ui.input("privacy_consent")).not_to_be_checked()
    expect(ui.input("dsr_disclosure")).not_to_be_checked()


def test_consent_checkboxes_only_for_quebec(ui: Ui) -> None:
    ui.sign_in()
    t = ui.t
    ui.button("new_opportunity").click()
    ui.pick("client_province", t["province_on"])
    expect(ui.input("privacy_consent")).to_have_count(0)
    ui.pick("client_province", t["province_qc"])
    expect(ui.input("privacy_consent")).to_be_visible()
    expect(ui.input("dsr_disclosure")).to_be_visible()


def test_questionnaire_texts_and_previous_keeps_the_form(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    ui.open_jean_bonjour()
    ui.button("new_opportunity").click()
    ui.tick("privacy_consent")
    ui.button("next").click()
    ui.answer("q_buyer_travelling", yes=True)
    ui.answer("q_all_canadian_residents", yes=False)
    ui.answer("q_all_provincial_plan", yes=True)
    expect(page.get_by_text(t["non_resident_flow"], exact=True)).to_be_visible()
    ui.answer("q_all_canadian_residents", yes=True)
    expect(page.get_by_text(t["resident_flow"], exact=True)).to_be_visible()
    ui.button("previous").click()
    expect(ui.input("client_first_name")).to_have_value("Jean")
    expect(ui.input("privacy_consent")).to_be_checked()


def test_trip_step_shows_server_field_errors(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    ui.start_opportunity_for_jean()
    ui.fill_trip(days="61")  # must be fewer than the trip's 61 days
    ui.button("mark_stage_complete").click()
    days = ui.input("other_insurer_days")
    expect(days).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text=t["toast_fix_errors"])).to_be_visible()
    path = page.get_by_role("option", selected=True)
    expect(path).to_contain_text(t["stage_voyage"])
    days.fill("15")
    ui.button("mark_stage_complete").click()
    expect(ui.button("finalize_sale")).to_be_visible()


def test_full_walk_steps_1_to_7_issues_a_contract(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    ui.start_opportunity_for_jean()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^QUO - Jean Bonjour - "))
    ui.fill_trip()
    ui.button("mark_stage_complete").click()
    saved = page.get_by_role("status").filter(has_text=t["toast_stage_completed"])
    # titled with what happened, as an org's toasts are, never with the variant's name
    expect(saved.get_by_role("heading")).to_have_text(t["toast_stage_completed_title"])
    expect(page.get_by_role("option", selected=True)).to_contain_text(t["stage_couverture"])
    coverage = page.get_by_label(t["field_product"], exact=True)
    expect(coverage).to_have_text(t["product_top_up"])
    currency = r"^607,20\s\$$" if ui.locale == "fr" else r"^\$607\.20$"
    expect(page.get_by_label(t["field_premium"], exact=True)).to_have_text(re.compile(currency))
    ui.button("finalize_sale").click()
    number = ui.field("field_contract_number")
    expect(number).to_have_text(re.compile(r"^AA\d{8}$"))
    contract = number.text_content() or ""
    toast = page.get_by_role("status").filter(has_text=contract)
    expect(toast).to_contain_text(t["toast_sale_finalized"].format(contract))
    expect(toast.get_by_role("heading")).to_have_text(t["toast_sale_finalized_title"])
    expect(page.get_by_role("option", selected=True)).to_contain_text(t["stage_vendue"])
    contracts = page.get_by_role("grid", name=t["contracts_title"])
    expect(contracts.get_by_role("row").filter(has_text=contract)).to_contain_text("2026-06-30")


def test_session_expiry_goes_to_sign_in_and_back(ui: Ui) -> None:
    ui.sign_in()
    page, t = ui.page, ui.t
    _post(ui.url + "/__sim__/expire-sessions")
    ui.search("Bonjour")
    expect(page).to_have_url(re.compile(r"/s/login\?startURL=%2Fs%2Fglobal-search%2FBonjour$"))
    page.get_by_label(t["login_username"]).fill(USERNAME)
    page.get_by_label(t["login_password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["login_submit"]).click()
    expect(page.get_by_role("grid", name=t["search_accounts"])).to_be_visible()


@pytest.fixture(params=["synthetic", "native"])
def slow_renamed_simulator(request: pytest.FixtureRequest) -> Iterator[RunningSimulator]:
    """A simulator whose API is slow (spinner stays up) and whose « Nouvelle opportunité » was
    renamed, as a portal release would rename a label."""
    options = SimOptions(
        shadow=request.param,
        locale=Locale.FR,
        spinner_ms=300,
        latency_ms=150,
        label_overrides={"new_opportunity": "Créer une opportunité"},
    )
    running = start_in_thread(options)
    yield running
    running.stop()


def test_spinner_and_renamed_label(page: Page, slow_renamed_simulator: RunningSimulator) -> None:
    ui = Ui(page, slow_renamed_simulator)
    ui.sign_in()
    spinner = page.get_by_role("status").filter(has_text=ui.t["spinner_alt"])
    expect(page.get_by_role("button", name="Créer une opportunité")).to_be_visible()
    expect(page.get_by_role("button", name="Nouvelle opportunité")).to_have_count(0)
    ui.search("Bonjour")
    expect(spinner).to_be_attached()
    expect(spinner).to_have_count(0)
    ui.page.get_by_role("grid", name=ui.t["search_accounts"]).get_by_role(
        "link", name="Jean Bonjour", exact=True
    ).click()
    expect(page.get_by_role("button", name="Créer une opportunité")).to_be_visible()
