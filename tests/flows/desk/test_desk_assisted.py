"""An assisted run from the desk, in a real Chromium: each sale waits before « Finaliser la
vente » until an operator approves or skips it in the page. Its own module: its own simulator,
so the sample's clients have no sale yet (the portal's ledger would find them sold)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.flows.bulk.conftest import SAMPLE
from tests.flows.desk.conftest import OPERATOR, RunningDesk
from tests.flows.desk.test_desk_browser import (
    RUN_TIMEOUT_MS,
    assert_accessible,
    sign_in_with_the_keyboard,
)

pytestmark = [pytest.mark.e2e, pytest.mark.sales]


def test_an_assisted_run_waits_for_an_operator_before_each_sale(
    desk: RunningDesk, page: Page, tmp_path: Path
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    two = tmp_path / "assisted.csv"  # the sample's first two sales, as other contracts
    two.write_text(
        "\n".join(
            [
                lines[0],
                lines[1].replace("LH10001", "LH40001"),
                lines[2].replace("LH10002", "LH40002"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    sign_in_with_the_keyboard(page, desk, *OPERATOR)
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(two)
    page.get_by_role("button", name="Voir le plan").click()
    page.get_by_role("button", name="Démarrer en saisie assistée").click()
    # Two workers: whichever sale reaches « Finaliser la vente » first is asked about first.
    approve = page.get_by_role("button", name=re.compile(r"^Approuver la ligne [23]$")).first
    expect(approve).to_be_visible(timeout=RUN_TIMEOUT_MS)
    approved = int(str(approve.get_attribute("aria-label")).rsplit(" ", 1)[1])
    skipped = 5 - approved  # rows 2 and 3
    contract = {2: "LH40001", 3: "LH40002"}
    sale = page.get_by_role("region", name=f"Ligne {approved} — {contract[approved]}")
    expect(sale).to_contain_text("Jean Bonjour" if approved == 2 else "Test F.Int Nighal")
    expect(sale.get_by_role("definition").first).not_to_be_empty()  # the premium shown
    assert_accessible(page)
    approve.click()
    skip = page.get_by_role("button", name=f"Passer la ligne {skipped}")
    expect(skip).to_be_visible(timeout=RUN_TIMEOUT_MS)
    skip.click()
    expect(page.get_by_text(re.compile(r"^Terminée"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    rows = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Statut"))
    expect(rows.get_by_role("row").filter(has_text=contract[approved])).to_contain_text("Émis")
    expect(rows.get_by_role("row").filter(has_text=contract[skipped])).to_contain_text("Passé")
    page.reload()
    who = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Qui"))
    for what in (
        f"vente de la ligne {approved} approuvée",
        f"vente de la ligne {skipped} passée",
    ):
        expect(who.get_by_role("row").filter(has_text=what)).to_contain_text(OPERATOR[0])
