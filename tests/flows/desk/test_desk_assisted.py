"""An assisted run from the desk, in a real Chromium: each sale waits before « Finaliser la
vente » until an operator approves or skips it in the page, with a picture of the filled Voyage
step; the questions of both workers wait side by side and are answered in any order, each
answer kept in the journal with its user; « Stop » during a wait ends the run at once and leaves
the row pending. Its own module: its own simulator and desk (shared by its tests), so the
sample's clients have no sale yet (the portal's ledger would find them sold)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flows.bulk.journal import Journal, State
from flows.outcome import Outcome
from tests.flows.bulk.conftest import SAMPLE
from tests.flows.desk.conftest import OPERATOR, RunningDesk
from tests.flows.desk.test_desk_browser import (
    RUN_TIMEOUT_MS,
    assert_accessible,
    sign_in_with_the_keyboard,
)

pytestmark = [pytest.mark.e2e, pytest.mark.sales]

#: How long a stopped run may take to end: the browser closes, nothing else is waited for.
STOP_TIMEOUT_MS = 60_000

_LINES = SAMPLE.read_text(encoding="utf-8").splitlines()


def _file(tmp_path: Path, name: str, rows: dict[str, str]) -> Path:
    """The sample's header and the rows of ``rows`` (its contract → another contract)."""
    lines = [_LINES[0]]
    for old, new in rows.items():
        (line,) = (line for line in _LINES if line.startswith(old + ","))
        lines.append(line.replace(old, new, 1))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_assisted(page: Page, desk: RunningDesk, path: Path) -> Path:
    """Upload ``path``, start it in assisted mode; the run's folder."""
    sign_in_with_the_keyboard(page, desk, *OPERATOR)
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(path)
    page.get_by_role("button", name="Voir le plan").click()
    page.get_by_role("button", name="Démarrer en saisie assistée").click()
    expect(page.get_by_text("En cours…")).to_be_visible()
    run_id = page.url.rsplit("/", 1)[1]
    return desk.data / "runs" / run_id


def _key_of(journal: Journal, row: int) -> str:
    (key,) = (link.key for link in journal.rows() if link.row == row)
    return key


def test_two_sales_wait_at_once_with_their_picture_and_each_answer_is_journaled(
    desk: RunningDesk, page: Page, tmp_path: Path
) -> None:
    # The sample's first two sales, as other contracts: rows 2 (Jean) and 3 (Nighal).
    path = _file(tmp_path, "assisted.csv", {"LH10001": "LH40001", "LH10002": "LH40002"})
    folder = _start_assisted(page, desk, path)
    sales = {
        row: page.get_by_role("region", name=f"Ligne {row} — {contract}")
        for row, contract in ((2, "LH40001"), (3, "LH40002"))
    }
    # Two workers, two questions at once: neither waits for the other to be answered.
    for row, sale in sales.items():
        expect(sale.get_by_role("button", name=f"Approuver la ligne {row}")).to_be_visible(
            timeout=RUN_TIMEOUT_MS
        )
    expect(sales[2]).to_contain_text("Jean Bonjour")
    expect(sales[3]).to_contain_text("Test F.Int Nighal")
    for row, sale in sales.items():
        expect(sale.get_by_role("definition").first).to_contain_text("$")  # the premium
        picture = sale.get_by_role("img", name=f"Étape Voyage remplie, ligne {row}, avec la prime")
        expect(picture).to_be_visible()
        # decode() rejects a picture that did not load: the page really shows it.
        assert picture.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
        source = str(picture.get_attribute("src"))
        shown = page.request.get(desk.url + source)  # the signed-in browser's session
        assert shown.status == 200 and shown.headers["content-type"] == "image/png"
        assert shown.body().startswith(b"\x89PNG") and shown.headers["cache-control"] == "no-store"
        with desk.client() as anonymous:  # no session: sent to sign in, no picture
            refused = anonymous.get(source)
        assert refused.status_code == 303 and refused.headers["location"] == "/signin"
        kept = folder / "questions" / f"{row}.png"
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert_accessible(page)
    # The later row first: its answer does not wait for row 2's, nor end row 2's question.
    sales[3].get_by_role("button", name="Approuver la ligne 3").click()
    expect(sales[3]).to_have_count(0, timeout=RUN_TIMEOUT_MS)
    expect(sales[2].get_by_role("button", name="Passer la ligne 2")).to_be_visible()
    sales[2].get_by_role("button", name="Passer la ligne 2").click()
    expect(page.get_by_text(re.compile(r"^Terminée"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    rows = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Statut"))
    expect(rows.get_by_role("row").filter(has_text="LH40002")).to_contain_text("Émis")
    expect(rows.get_by_role("row").filter(has_text="LH40001")).to_contain_text("Passé")
    with Journal(folder / "out" / "journal.sqlite") as journal:
        answers = [a for a in journal.actions() if a.action in ("approve", "skip")]
        assert [(a.key, a.action, a.actor) for a in answers] == [
            (_key_of(journal, 3), "approve", OPERATOR[0]),
            (_key_of(journal, 2), "skip", OPERATOR[0]),
        ]
        assert all(a.at.endswith("+00:00") for a in answers)  # when, in UTC
    # The pictures hold the clients' data: gone once answered, and never in the run's log.
    assert list((folder / "questions").iterdir()) == []
    log = (folder / "out" / "run.log").read_text(encoding="utf-8")
    assert "Bonjour" not in log and "Nighal" not in log
    page.reload()
    who = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Qui"))
    for what in ("vente de la ligne 3 approuvée", "vente de la ligne 2 passée"):
        expect(who.get_by_role("row").filter(has_text=what)).to_contain_text(OPERATOR[0])


def test_stop_while_a_sale_waits_ends_the_run_and_leaves_the_row_pending(
    desk: RunningDesk, page: Page, tmp_path: Path
) -> None:
    # Jean's row again as another contract: the first test skipped his sale, so nothing is sold.
    path = _file(tmp_path, "stopped.csv", {"LH10001": "LH40003"})
    folder = _start_assisted(page, desk, path)
    waiting = page.get_by_role("button", name="Approuver la ligne 2")
    expect(waiting).to_be_visible(timeout=RUN_TIMEOUT_MS)
    page.get_by_role("button", name="Arrêter").click()
    expect(page.get_by_text(re.compile(r"^Terminée"))).to_be_visible(timeout=STOP_TIMEOUT_MS)
    expect(waiting).to_have_count(0)
    with Journal(folder / "out" / "journal.sqlite") as journal:
        (entry,) = journal.entries(listed_only=True)
        assert entry.state is State.PENDING and entry.new_contract_number is None
        moves = {e.to_state for e in journal.events(entry.key)}
        assert Outcome.SKIPPED not in moves and Outcome.ISSUED not in moves
        assert not [a for a in journal.actions() if a.action in ("approve", "skip")]
    assert list((folder / "questions").iterdir()) == []
