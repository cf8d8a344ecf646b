"""The desk in a real Chromium: an operator signs in, uploads the sample file, reads the plan,
starts the run, watches it end live, retries a row the portal failed, then every failed row,
ticks a hand-off and downloads the results; every page passes axe-core with no serious or
critical violation, and works from the keyboard."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from fixtures.portal.run import RunningSimulator
from flows.bulk.plan import Planned, make_plan
from flows.bulk.reader import read_requests
from flows.outcome import Outcome
from tests.flows.bulk.conftest import SAMPLE
from tests.flows.desk.conftest import (
    OPERATOR,
    VIEWER,
    RunningDesk,
    contracts,
    fail_trips_to,
    journal_actions,
)

pytestmark = [pytest.mark.e2e, pytest.mark.sales]

#: How long the sample's run may take on a busy machine (it is not what the test measures).
RUN_TIMEOUT_MS = 480_000

_axe = Axe()

#: The sample's first sale and its last, failed for good while ``fail_trip_to`` names their
#: trips (the one to Germany, the one to Australia). Far apart in the file, so the portal's
#: faults never come five in a row: the breaker lets the run go on, as it should.
FAILING_ROW, FAILING_CONTRACT, FAILING_TRIP = 2, "LH10001", "DE"
LAST_ROW, LAST_CONTRACT, LAST_TRIP = 26, "LH10025", "AU"


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    violations = _axe.run(page).response["violations"]
    grave = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not grave, f"{page.url}: {grave}"


def sign_in_with_the_keyboard(page: Page, desk: RunningDesk, name: str, password: str) -> None:
    """Sign in without the mouse: the name field has the focus, Tab to the password, Enter."""
    page.goto(desk.url + "/")
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Se déconnecter|Sign out"))).to_be_visible()


def tab_to(page: Page, name: str) -> None:
    """Move the focus with Tab until the button ``name`` has it (at most 60 presses)."""
    target = page.get_by_role("button", name=name, exact=True)
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"« {name} » is not reached with Tab")


def test_an_operator_enters_the_sample_file_from_the_desk(
    desk: RunningDesk, desk_simulator: RunningSimulator, page: Page, tmp_path: Path
) -> None:
    plan = make_plan(read_requests(SAMPLE))
    planned = plan.counts()
    page.goto(desk.url + "/signin")
    assert_accessible(page)
    sign_in_with_the_keyboard(page, desk, *OPERATOR)
    assert_accessible(page)

    page.get_by_label("Fichier CSV ou XLSX").set_input_files(SAMPLE)
    page.get_by_role("button", name="Voir le plan").click()
    counts = page.get_by_role("table").filter(has=page.get_by_role("caption"))
    expect(counts.get_by_role("row", name=f"à saisir {planned[Planned.ENTER]}")).to_be_visible()
    for word, outcome in (
        ("à traiter ailleurs", Outcome.HANDED_OFF),
        ("à corriger", Outcome.INVALID),
        ("doublons", Outcome.DUPLICATE),
        ("en conflit", Outcome.CONFLICT),
    ):
        expect(counts.get_by_role("row", name=f"{word} {planned[outcome]}")).to_be_visible()
    # Every problem of a row to fix, with its cell: row 32 has three.
    fix = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Cellule"))
    for cell in ("departed", "request_date", "destination"):
        expect(
            fix.get_by_role("row").filter(has_text="LH10031").filter(has_text=cell)
        ).to_have_count(1)
    expect(page.get_by_text("Rien n'est saisi avant « Démarrer ».")).to_be_visible()
    assert_accessible(page)

    run_url = page.url
    sold_before = len(contracts(desk_simulator))
    # The portal fails the Voyage step of rows 2 and 26 every time; the others are sold.
    fail_trips_to(desk_simulator, f"{FAILING_TRIP},{LAST_TRIP}")
    tab_to(page, "Démarrer")
    page.keyboard.press("Enter")
    expect(page.get_by_text("En cours…")).to_be_visible()
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    # Live: the page is not reloaded; the server's events bring the progress and the end.
    expect(page.get_by_text("Saisies :")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"^Terminée"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    assert navigations == []
    expect(page.get_by_text("Terminée : des lignes sont à reprendre")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", str(planned[Planned.ENTER]))
    assert len(contracts(desk_simulator)) == sold_before + planned[Planned.ENTER] - 2

    # A failed row: its one-line reason, the portal's screen when it failed, « Retry ».
    failed = page.get_by_role("region", name=f"Ligne {FAILING_ROW} — {FAILING_CONTRACT}")
    other = page.get_by_role("region", name=f"Ligne {LAST_ROW} — {LAST_CONTRACT}")
    expect(failed).to_contain_text("Erreur du serveur")
    expect(failed).to_contain_text("après 3 essais")
    screen = failed.get_by_role(
        "img", name=f"Le portail au moment de l'échec de la ligne {FAILING_ROW}"
    )
    expect(screen).to_be_visible()
    expect(screen).to_have_js_property("complete", True)  # loaded, or failed to
    assert screen.evaluate("image => image.naturalWidth") > 0  # a real screenshot was served
    expect(other).to_be_visible()
    assert_accessible(page)

    fail_trips_to(desk_simulator, "")  # the portal is back
    rows = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Statut"))
    page.get_by_role("button", name=f"Reprendre la ligne {FAILING_ROW}", exact=True).click()
    expect(page.get_by_text("En cours…")).to_be_visible()
    expect(page.get_by_text("Terminée : des lignes sont à reprendre")).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    # Row 2 alone was entered again: row 26 is still failed, with its own screenshot.
    expect(rows.get_by_role("row").filter(has_text=FAILING_CONTRACT)).to_contain_text("Émis")
    expect(failed).to_have_count(0)
    expect(other.get_by_role("img")).to_be_visible()
    assert len(contracts(desk_simulator)) == sold_before + planned[Planned.ENTER] - 1

    page.get_by_role("button", name="Reprendre toutes les lignes en échec").click()
    expect(page.get_by_text("En cours…")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Terminée : des lignes sont à corriger"))).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    expect(rows.get_by_role("row").filter(has_text=LAST_CONTRACT)).to_contain_text("Émis")
    expect(other).to_have_count(0)
    # Every request to enter sold once: one contract each, none twice.
    sold = contracts(desk_simulator)
    assert len(sold) == sold_before + planned[Planned.ENTER]
    assert len(set(sold)) == len(sold)

    with page.expect_download() as workbook_download:
        page.get_by_role("link", name="Classeur de résultats (Excel)").click()
    with page.expect_download() as results_download:
        page.get_by_role("link", name="results.csv").click()
    workbook = tmp_path / workbook_download.value.suggested_filename
    workbook_download.value.save_as(workbook)
    assert workbook.name == "sample_requests-results.xlsx"
    sheet = openpyxl.load_workbook(workbook).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    statuses = [row[header.index("status")].value for row in sheet.iter_rows(min_row=2)]
    with open(results_download.value.path(), encoding="utf-8", newline="") as stream:
        results = list(csv.DictReader(stream))
    assert statuses == [line["status"] for line in results]
    # What ``bulk run`` gives the sample: every row planned « enter » issued, the rest as planned.
    assert Counter(statuses) == {
        "issued": planned[Planned.ENTER],
        "handed_off": planned[Outcome.HANDED_OFF],
        "invalid": planned[Outcome.INVALID],
    }

    # A hand-off ticked done stays done, with who ticked it.
    page.get_by_role("button", name="Ligne 19 faite").click()
    expect(page.get_by_role("button", name="Ligne 19 faite")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.reload()
    # Who ticked it, and when (UTC, to the second).
    expect(page.locator("#handoff-19")).to_contain_text(
        re.compile(rf"{OPERATOR[0]}, \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d")
    )
    who = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Qui"))
    for what in (
        "fichier déposé",
        "« Démarrer »",
        f"ligne {FAILING_ROW} reprise",
        "« Reprendre toutes les lignes en échec »",
        "ligne 19 faite",
    ):
        expect(who.get_by_role("row").filter(has_text=what)).to_contain_text(OPERATOR[0])
    assert_accessible(page)
    # The same actions among the run's journal events, with the user's name.
    assert journal_actions(desk.data, run_url.rsplit("/", 1)[1]) == [
        (OPERATOR[0], "upload", ""),
        (OPERATOR[0], "start", ""),
        (OPERATOR[0], "retry", f"row {FAILING_ROW}"),
        (OPERATOR[0], "retry", ""),
        (OPERATOR[0], "handoff_done", "row 19"),
    ]

    # The same file again: its requests are in this run, which shows instead of a new one.
    page.goto(desk.url + "/")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(SAMPLE)
    page.get_by_role("button", name="Voir le plan").click()
    expect(page).to_have_url(run_url + "?already=1")
    expect(page.get_by_text("déjà dans cette exécution")).to_be_visible()


def test_a_script_in_a_cell_is_shown_as_text(desk: RunningDesk, page: Page, tmp_path: Path) -> None:
    header, row = SAMPLE.read_text(encoding="utf-8").splitlines()[:2]
    script = "<script>window.pwned=1</script>"
    bad = tmp_path / "script.csv"
    bad.write_text(f"{header}\n{row.replace('LH10001', script, 1)}\n", encoding="utf-8")
    sign_in_with_the_keyboard(page, desk, *OPERATOR)
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(bad)
    page.get_by_role("button", name="Voir le plan").click()
    expect(page.get_by_role("cell", name=script).first).to_be_visible()
    assert page.evaluate("window.pwned") is None


def test_a_viewer_sees_no_upload_and_reads_in_english(desk: RunningDesk, page: Page) -> None:
    sign_in_with_the_keyboard(page, desk, *VIEWER)
    expect(page.get_by_role("heading", name="Bulk entry")).to_be_visible()
    expect(page.get_by_label("CSV or XLSX file")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Saisie en lot")).to_be_visible()
    page.get_by_role("button", name="English").click()  # each user's own choice, kept
    expect(page.get_by_role("heading", name="Bulk entry")).to_be_visible()
    page.goto(desk.url + "/runs/0000000000000000")  # the refusal page
    expect(page.get_by_role("alert")).to_have_text("Unknown run.")
    assert_accessible(page)
