"""Each simulator switch and profile in a real Chromium: what it changes, read as the page
objects read it (roles, accessible names, placeholders) — fixtures/portal/variants.py.

One test per switch, each on its own simulator with only that switch set (plus the two
profiles walked end to end); shadow modes and locales are spread over the tests, both shadow
modes where the switch works differently in each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from tests.conftest import sim_build_options
from tests.portal.test_api import JEAN_FORM, RESIDENT, SEED_TRIP
from tests.portal.test_ui_screens import PASSWORD, USERNAME, Ui, _post, required

pytestmark = pytest.mark.e2e

Start = Callable[..., Ui]


@pytest.fixture
def start(page: Page, pytestconfig: pytest.Config) -> Iterator[Start]:
    """Start a simulator with these options and give a ``Ui`` on it (stopped after the test),
    serving the UI build ``--sim-build`` chooses (minified unless told)."""
    running: list[RunningSimulator] = []

    def start_ui(**options: Any) -> Ui:
        simulator = start_in_thread(SimOptions(**{**sim_build_options(pytestconfig), **options}))
        running.append(simulator)
        page.set_default_timeout(15_000)
        return Ui(page, simulator)

    yield start_ui
    for simulator in running:
        simulator.stop()


def jean_opportunity(ui: Ui, *, priced: bool = False) -> str:
    """A new opportunity for Jean Bonjour made through the API with the page's session (the
    screens before it are not what these tests are about); its id."""
    api = ui.page.request
    accounts = api.get(f"{ui.url}/api/search", params={"q": "Bonjour"}).json()["accounts"]
    jean = next(a for a in accounts if a["name"] == "Jean Bonjour")
    answer = api.post(
        f"{ui.url}/api/opportunities",
        data={
            "account_id": jean["id"],
            "client": JEAN_FORM,
            "privacy_consent": True,
            "dsr_disclosure": False,
            "residency": RESIDENT,
        },
    )
    assert answer.status == 201, answer.text()
    opp_id: str = answer.json()["id"]
    if priced:
        done = api.post(
            f"{ui.url}/api/opportunities/{opp_id}/complete-stage", data={"trip": SEED_TRIP}
        )
        assert done.status == 200, done.text()
    return opp_id


# ---- date_style -----------------------------------------------------------------------------


def test_date_style_per_field(start: Start) -> None:
    """birth_date=short in the client form, tables=medium in grids and highlights (Aura)."""
    ui = start(locale="fr", switches={"date_style": "birth_date=short,tables=medium"})
    ui.sign_in()
    ui.search("Bonjour")
    accounts = ui.page.get_by_role("grid", name=ui.t["search_accounts"])
    expect(accounts.get_by_role("row").filter(has_text="Jean Bonjour")).to_contain_text(
        "janv. 1, 1950"
    )
    accounts.get_by_role("link", name="Jean Bonjour", exact=True).click()
    expect(ui.field("field_birth_date")).to_have_text("janv. 1, 1950")
    ui.button("new_opportunity").click()
    expect(ui.input("client_birth_date")).to_have_value("1950-01-01")


def test_date_style_lwr_medium_is_intl_without_aura(start: Start) -> None:
    """lwr-medium: no $A on the page, lightning-input formats with Intl (« 1 janv. 1950 »),
    and typed ISO text is reformatted the same way."""
    ui = start(locale="fr", shadow="native", switches={"date_style": "lwr-medium"})
    ui.sign_in()
    assert ui.page.evaluate("() => typeof window.$A") == "undefined"
    ui.search("Bonjour")
    accounts = ui.page.get_by_role("grid", name=ui.t["search_accounts"])
    expect(accounts.get_by_role("row").filter(has_text="Jean Bonjour")).to_contain_text(
        "1 janv. 1950"
    )
    accounts.get_by_role("link", name="Jean Bonjour", exact=True).click()
    ui.button("new_opportunity").click()
    birth = ui.input("client_birth_date")
    expect(birth).to_have_value("1 janv. 1950")
    ui.date("client_birth_date", "1950-01-02")
    expect(birth).to_have_value("2 janv. 1950")


# ---- toast, toast_ms ------------------------------------------------------------------------


def test_toast_aura_is_an_alertdialog_for_every_type_and_leaves(start: Start) -> None:
    ui = start(locale="en", switches={"toast": "aura", "toast_ms": 1500})
    page, t = ui.page, ui.t
    ui.sign_in()
    ui.search("x")  # too short: the results page gets a 422, shown as an error toast
    error = page.get_by_role("alertdialog", name=t["toast_search_failed_title"])
    expect(error).to_have_attribute("data-key", "error")
    expect(error).to_have_count(0)  # Aura toasts are dismissible: errors leave too
    page.goto(f"{ui.url}/s/opportunity/{jean_opportunity(ui, priced=True)}")
    ui.button("finalize_sale").click()
    success = page.get_by_role("alertdialog", name=t["toast_sale_finalized_title"])
    expect(success).to_have_attribute("data-key", "success")
    expect(success).to_contain_text(re.compile(r"AA\d{8}"))
    sold = page.get_by_role("status").filter(has_text=t["toast_sale_finalized_title"])
    expect(sold).to_have_count(0)
    expect(success).to_have_count(0)


@pytest.mark.parametrize(("shadow", "toast_ms"), [("synthetic", None), ("native", 1500)])
def test_toast_lwr_is_lightning_toast_role_alert(
    start: Start, shadow: str, toast_ms: int | None
) -> None:
    """lightning/toast: role=alert for success and error; the success leaves (after its own
    4,800 ms, or toast_ms), the error stays."""
    switches: dict[str, object] = {"toast": "lwr"}
    if toast_ms:
        switches["toast_ms"] = toast_ms
    ui = start(locale="fr", shadow=shadow, switches=switches)
    page, t = ui.page, ui.t
    ui.sign_in()
    ui.search("x")
    error = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name=t["toast_search_failed_title"])
    )
    expect(error).to_contain_text("Erreur")  # lightning/toast's assistive text: the variant
    expect(error).to_be_visible()
    page.goto(f"{ui.url}/s/opportunity/{jean_opportunity(ui, priced=True)}")
    ui.button("finalize_sale").click()
    success = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name=t["toast_sale_finalized_title"])
    )
    expect(success).to_contain_text(re.compile(r"AA\d{8}"))
    expect(success).to_contain_text("Succès")
    expect(
        page.get_by_role("status").filter(has_text=t["toast_sale_finalized_title"])
    ).to_have_count(0)
    expect(success).to_have_count(0, timeout=12_000)


# ---- header_case ----------------------------------------------------------------------------


@pytest.mark.parametrize("shadow", ["synthetic", "native"])
def test_header_case_css_names_headers_as_written(start: Start, shadow: str) -> None:
    """The accessible name is « Nom du compte »; only CSS shows it in capitals."""
    ui = start(locale="fr", shadow=shadow, switches={"header_case": "css"})
    ui.sign_in()
    ui.search("Bonjour")
    accounts = ui.page.get_by_role("grid", name=ui.t["search_accounts"])
    header = accounts.get_by_role("columnheader", name="Nom du compte", exact=True)
    expect(header).to_be_attached()  # as in test_search_results_tables: the th has no box
    expect(accounts.get_by_role("columnheader", name="NOM DU COMPTE", exact=True)).to_have_count(0)
    # the header's text, as written, is shown through CSS in capitals
    shown = header.get_by_text("Nom du compte", exact=True).first
    assert shown.evaluate("label => getComputedStyle(label).textTransform") == "uppercase"


# ---- site_prefix ----------------------------------------------------------------------------


def test_site_prefix_puts_the_whole_site_under_it(start: Start) -> None:
    ui = start(locale="en", shadow="native", switches={"site_prefix": "/partenaires"})
    page, t = ui.page, ui.t
    root = ui.url.removesuffix("/partenaires")
    page.goto(ui.url + "/s/")
    expect(page).to_have_url(f"{root}/partenaires/s/login?startURL=%2Fpartenaires%2Fs%2F")
    page.get_by_label(t["login_username"]).fill(USERNAME)
    page.get_by_label(t["login_password"]).fill(PASSWORD)
    ui.button("login_submit").click()
    expect(page).to_have_url(f"{root}/partenaires/s/")
    ui.search("Bonjour")
    expect(page).to_have_url(f"{root}/partenaires/s/global-search/Bonjour")
    link = page.get_by_role("grid", name=t["search_accounts"]).get_by_role(
        "link", name="Jean Bonjour", exact=True
    )
    expect(link).to_have_attribute("href", re.compile(r"^/partenaires/s/account/"))
    link.click()
    expect(page).to_have_url(re.compile(r"/partenaires/s/account/"))
    answer = page.goto(root + "/s/")  # the host root has no site
    assert answer is not None and answer.status == 404


# ---- search ---------------------------------------------------------------------------------


def test_search_combobox_has_typeahead_and_enter_runs_the_search(start: Start) -> None:
    ui = start(locale="fr", switches={"search": "combobox"})
    page, t = ui.page, ui.t
    ui.sign_in()
    expect(page.get_by_role("searchbox")).to_have_count(0)
    box = page.get_by_role("combobox").get_by_role("textbox", name=t["search_label"])
    box.fill("bonj")
    options = page.get_by_role("combobox").get_by_role("option")
    expect(options.first).to_have_text('"bonj" dans Espace partenaire')
    jean = options.filter(has_text="Jean Bonjour").first
    expect(jean).to_contain_text(t["object_account"])
    jean.click()
    expect(page.get_by_role("heading", name="Jean Bonjour", level=1)).to_be_visible()
    box.fill("Bonjour")
    box.press("Enter")
    expect(page).to_have_url(ui.url + "/s/global-search/Bonjour")
    expect(page.get_by_role("grid", name=t["search_accounts"])).to_be_visible()


# ---- sign-in: sign_in_case, sign_in_form, login_url, session_notice -------------------------


def test_sign_in_case_sentence_says_log_in(start: Start) -> None:
    ui = start(locale="en", switches={"sign_in_case": "sentence"})
    page = ui.page
    page.goto(ui.url + "/s/")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log In", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the Partner Portal")
    ui.sign_in()


def test_sign_in_form_placeholder_hides_the_labels(start: Start) -> None:
    ui = start(locale="fr", shadow="native", switches={"sign_in_form": "placeholder"})
    page, t = ui.page, ui.t
    page.goto(ui.url + "/s/")
    for key in ("login_username", "login_password"):
        box = page.get_by_placeholder(t[key], exact=True)
        expect(box).to_have_accessible_name(t[key])  # the hidden label still names it
        expect(page.get_by_text(t[key], exact=True)).to_be_hidden()  # assistive text only
    page.get_by_placeholder(t["login_username"]).fill(USERNAME)
    page.get_by_placeholder(t["login_password"]).fill(PASSWORD)
    ui.button("login_submit").click()
    expect(page.get_by_role("navigation", name=t["nav_label"])).to_be_visible()


def test_login_url_salesforce_has_the_trailing_slash_and_ec(start: Start) -> None:
    ui = start(locale="fr", switches={"login_url": "salesforce"})
    page = ui.page
    page.goto(ui.url + "/s/global-search/Bonjour")
    expect(page).to_have_url(ui.url + "/s/login/?startURL=%2Fs%2Fglobal-search%2FBonjour&ec=302")
    page.get_by_label(ui.t["login_username"]).fill(USERNAME)
    page.get_by_label(ui.t["login_password"]).fill(PASSWORD)
    ui.button("login_submit").click()
    expect(page).to_have_url(ui.url + "/s/global-search/Bonjour")


def test_session_notice_comes_before_the_sign_in_page(start: Start) -> None:
    ui = start(locale="fr", shadow="native", switches={"session_notice": True})
    page, t = ui.page, ui.t
    ui.sign_in()
    _post(ui.url + "/__sim__/expire-sessions")
    ui.search("Bonjour")
    notice = page.get_by_role("alertdialog", name=t["session_expired_title"])
    expect(notice).to_contain_text(t["session_expired_text"])
    expect(page).to_have_url(ui.url + "/s/global-search/Bonjour")  # not redirected yet
    notice.get_by_role("button", name=t["login_submit"]).click()
    expect(page).to_have_url(re.compile(r"/s/login\?startURL=%2Fs%2Fglobal-search%2FBonjour$"))
    page.get_by_label(t["login_username"]).fill(USERNAME)
    page.get_by_label(t["login_password"]).fill(PASSWORD)
    ui.button("login_submit").click()
    expect(page.get_by_role("grid", name=t["search_accounts"])).to_be_visible()


# ---- path_labels ----------------------------------------------------------------------------


def test_path_labels_standard_is_the_standard_path(start: Start) -> None:
    ui = start(locale="en", shadow="native", switches={"path_labels": "standard"})
    page, t = ui.page, ui.t
    ui.sign_in()
    page.goto(f"{ui.url}/s/opportunity/{jean_opportunity(ui)}")
    path = page.get_by_role("listbox", name="Path Options")
    expect(path.get_by_role("option", selected=True)).to_contain_text(t["stage_voyage"])
    expect(path.get_by_role("option")).to_have_count(3)
    expect(page.get_by_role("button", name="Mark Stage as Complete")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark Status as Complete")).to_be_visible()


# ---- narrow, action_labels ------------------------------------------------------------------


def test_narrow_puts_record_actions_in_show_more_actions(start: Start) -> None:
    ui = start(locale="en", shadow="native", switches={"narrow": True})
    page, t = ui.page, ui.t
    ui.sign_in()
    ui.open_jean_bonjour()
    expect(page.get_by_role("button", name=t["new_opportunity"])).to_have_count(0)
    page.get_by_role("button", name="Show more actions").click()
    page.get_by_role("menuitem", name=t["new_opportunity"]).click()
    expect(ui.input("client_first_name")).to_have_value("Jean")


def test_action_labels_english_on_a_french_page(start: Start) -> None:
    ui = start(locale="fr", switches={"action_labels": "english"})
    page = ui.page
    ui.sign_in()
    ui.open_jean_bonjour()
    expect(page.get_by_role("button", name="Nouvelle opportunité")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit", exact=True)).to_be_visible()
    page.get_by_role("button", name="New Opportunity", exact=True).click()
    expect(ui.input("client_first_name")).to_have_value("Jean")


# ---- profiles ---------------------------------------------------------------------------------


def test_seed_profile_shows_the_seeds_dates(start: Start) -> None:
    """The seed's client form shows « janv. 1, 1950 », its Voyage step « 2026-05-01 »."""
    ui = start(locale="fr", profile="seed")
    page = ui.page
    ui.sign_in()
    ui.open_jean_bonjour()
    page.get_by_role("button", name="New Opportunity", exact=True).click()
    expect(ui.input("client_birth_date")).to_have_value("janv. 1, 1950")
    ui.tick("privacy_consent")
    ui.button("next").click()
    for key in ("q_buyer_travelling", "q_all_canadian_residents", "q_all_provincial_plan"):
        ui.answer(key, yes=True)
    ui.button("start").click()
    ui.date("trip_start", "2026-05-01")
    expect(ui.input("trip_start")).to_have_value("2026-05-01")


@pytest.mark.parametrize(
    ("profile", "shadow", "switches"),
    [
        ("aura", "synthetic", {}),
        ("lwr", "native", {"site_prefix": "/partenaires"}),
    ],
)
def test_profile_walks_steps_1_to_7(
    start: Start, profile: str, shadow: str, switches: dict[str, object]
) -> None:
    """The seed's whole walk on each platform's markup issues a contract."""
    ui = start(locale="fr", shadow=shadow, profile=profile, switches=switches, boot_ms=200)
    page, t = ui.page, ui.t
    ui.sign_in()
    ui.start_opportunity_for_jean()
    path = page.get_by_role("listbox", name=t["path_options"])
    expect(path.get_by_role("option", selected=True)).to_contain_text(t["stage_voyage"])
    ui.fill_trip()
    ui.button("mark_stage_complete").click()
    expect(path.get_by_role("option", selected=True)).to_contain_text(t["stage_couverture"])
    ui.button("finalize_sale").click()
    expect(ui.field("field_contract_number")).to_have_text(re.compile(r"^AA\d{8}$"))
    # Aura's toasts are alertdialogs, lightning/toast's alerts, success or not
    toasts = page.get_by_role("alertdialog") if profile == "aura" else page.get_by_role("alert")
    sold = toasts.filter(has=page.get_by_role("heading", name=t["toast_sale_finalized_title"]))
    sold = sold.filter(has_text=re.compile(r"AA\d{8}"))
    expect(sold).to_be_visible()
    expect(page.get_by_label(required(t["trip_start"]))).to_have_value(
        "mai 1, 2026" if profile == "aura" else "1 mai 2026"
    )
