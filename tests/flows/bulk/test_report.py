"""Reports from the journal alone: results.csv, hand-offs by destination, the HTML summary."""

from __future__ import annotations

import csv
from pathlib import Path

from flows.bulk.journal import Journal
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.report import RESULT_COLUMNS, result_lines, write_reports
from flows.outcome import Outcome
from tests.flows.bulk.conftest import SAMPLE, make_row, write_csv

PERSONAL = ("Bonjour", "Tremblay", "Nighal", "1950-01-01", "467-3193", "jeanbonjour", "H3A 2Y1",
            "Alex", "MartinB", "1970-01-01", "555-0100")


def _journal(tmp_path: Path, rows: list[dict[str, str]] | None = None) -> Journal:
    path = SAMPLE if rows is None else write_csv(tmp_path / "requests.csv", rows)
    journal = Journal(tmp_path / "run" / "journal.sqlite")
    journal.load(make_plan(read_requests(path)))
    return journal


def _results(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_results_have_one_line_per_row_and_no_client_data(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    claim = journal.claim("w1")
    assert claim is not None
    journal.issued(claim.key, "w1", contract_number="AA12345678",
                   opportunity_name="QUO - Jean Bonjour - 2026-06-02 - 1234567", premium="52,50 $")
    paths = write_reports(journal, tmp_path / "out")
    assert [p.name for p in paths] == ["results.csv", "handoffs.md", "handoffs.csv",
                                       "summary.html"]
    results = _results(tmp_path / "out")
    assert tuple(results[0]) == RESULT_COLUMNS
    assert [r["row"] for r in results] == [str(n) for n in range(2, 33)]
    assert results[0]["status"] == "issued" and results[0]["new_contract_number"] == "AA12345678"
    assert {r["status"] for r in results} == {"issued", "pending", "handed_off", "invalid"}
    # Row 32: all three problems, each named by its field.
    assert [f for f in ("departed:", "request_date:", "destination:")
            if f in results[-1]["message"]] == ["departed:", "request_date:", "destination:"]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not [value for value in PERSONAL if value in text], path.name
        assert path.stat().st_mode & 0o077 == 0


def test_handoffs_are_grouped_by_destination_in_both_languages(tmp_path: Path) -> None:
    write_reports(_journal(tmp_path), tmp_path / "out")
    text = (tmp_path / "out" / "handoffs.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Info-partenaires.ca : prolonger le contrat d'origine / Info-partenaires.ca: extend "
        "the original contract (7)",
        "## Espace partenaire : processus standard de prolongation / Espace partenaire: "
        "standard extension process (4)",
        "## Communiquer avec l'assureur / Contact the insurer (4)",
    ]
    assert "- Quoi saisir : Ne rien saisir" in text and "- What to enter: Enter nothing" in text
    with (tmp_path / "out" / "handoffs.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 15 and {r["destination"] for r in rows} == {
        "Info-partenaires.ca: extend the original contract",
        "Espace partenaire: standard extension process", "Contact the insurer"}


def test_a_sale_the_portal_handed_back_is_listed_for_entry_by_hand(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1)])
    claim = journal.claim("w1")
    assert claim is not None
    journal.finish(claim.key, Outcome.HANDED_OFF, "w1",
                   message="2 accounts match the client's name and birth date")
    write_reports(journal, tmp_path / "out")
    text = (tmp_path / "out" / "handoffs.md").read_text(encoding="utf-8")
    assert "Assurance complémentaire à saisir à la main" in text
    assert "- Portail / Portal: 2 accounts match" in text
    assert "Jours couverts par l'autre assureur » = 10" in text


def test_the_summary_links_failure_screenshots_relative_to_itself(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1), make_row(2), make_row(3), make_row(1)])
    shot = tmp_path / "artifacts" / "20260605-failure" / "screenshot.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(b"png")
    first, second = journal.claim("w1"), journal.claim("w1")
    assert first is not None and second is not None
    journal.finish(first.key, Outcome.FAILED, "w1", message="failed at step « finalise »: 500",
                   failed_step="finalise", artifacts=[str(shot)])
    journal.submitting(second.key, "QUO", "w1")
    journal.set_meta(stopped="stopped after 5 portal faults in a row")
    write_reports(journal, tmp_path / "out")
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert '<a href="../artifacts/20260605-failure/screenshot.png">screenshot.png</a>' in page
    assert "stopped after 5 portal faults in a row" in page
    assert "Interrompu / Interrupted" in page and "Doublon / Duplicate" in page
    statuses = [line.status for line in result_lines(journal)]
    assert statuses == ["failed", "interrupted", "pending", "duplicate"]


def test_an_issued_row_removed_from_the_file_stays_in_the_results(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1), make_row(2)])
    claim = journal.claim("w1")
    assert claim is not None
    journal.issued(claim.key, "w1", contract_number="AA12345678", opportunity_name="Q",
                   premium=None)
    journal.load(make_plan(read_requests(write_csv(tmp_path / "later.csv", [make_row(2)]))))
    lines = result_lines(journal)
    assert [(line.row, line.status) for line in lines] == [(2, "pending"), (2, "issued")]
    assert "not in the latest file" in lines[1].message
