"""Reports from the journal alone: results.csv, hand-offs by destination, the HTML summary."""

from __future__ import annotations

import contextlib
import csv
import html
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from automation.runtime.settings import Locale
from automation.runtime.walk import Step, StepTiming
from flows.bulk.journal import Journal
from flows.bulk.journal._migrations import _FIRST_SCHEMA, SQLITE
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.report import RESULT_COLUMNS, result_lines, write_reports
from flows.bulk.timings import step_stats
from flows.language import choose
from flows.outcome import Outcome
from flows.request.money import Money
from tests.flows.bulk.conftest import BASE_ROW, SAMPLE, make_row, write_csv

PERSONAL = (
    "Bonjour",
    "Tremblay",
    "Nighal",
    "1950-01-01",
    "467-3193",
    "jeanbonjour",
    "H3A 2Y1",
    "Alex",
    "MartinB",
    "1970-01-01",
    "555-0100",
)


def _journal(tmp_path: Path, rows: list[dict[str, str]] | None = None) -> Journal:
    path = SAMPLE if rows is None else write_csv(tmp_path / "requests.csv", rows)
    journal = Journal(tmp_path / "run" / "journal.sqlite")
    journal.load(make_plan(read_requests(path)))
    return journal


def _results(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    """Reports in French, the default language, whatever the environment says."""
    choose(Locale.FR)
    yield
    choose(None)


def test_results_have_one_line_per_row_and_no_client_data(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    claim = journal.claim("w1")
    assert claim is not None
    journal.issued(
        claim.key,
        "w1",
        contract_number="AA12345678",
        opportunity_name="QUO - Jean Bonjour - 2026-06-02 - 1234567",
        premium="52,50 $",
    )
    paths = write_reports(journal, tmp_path / "out")
    assert [p.name for p in paths] == [
        "results.csv",
        "handoffs.html",
        "handoffs.csv",
        "sample_requests-results.xlsx",
        "summary.html",
    ]
    results = _results(tmp_path / "out")
    assert tuple(results[0]) == RESULT_COLUMNS
    assert [r["row"] for r in results] == [str(n) for n in range(2, 33)]
    assert results[0]["status"] == "issued" and results[0]["new_contract_number"] == "AA12345678"
    assert (results[0]["premium"], results[0]["currency"]) == ("52.50", "CAD")
    assert {r["premium"] for r in results[1:]} == {""}
    assert {r["status"] for r in results} == {"issued", "pending", "handed_off", "invalid"}
    # Row 32: all three problems, each named by its field.
    assert [
        f for f in ("departed:", "request_date:", "destination:") if f in results[-1]["message"]
    ] == ["departed:", "request_date:", "destination:"]
    for path in paths:
        assert path.stat().st_mode & 0o077 == 0
        if path.name in ("results.csv", "summary.html"):
            text = path.read_text(encoding="utf-8")
            assert not [value for value in PERSONAL if value in text], path.name
    summary = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "52,50\u00a0$" in summary and "Issued" not in summary  # one language: French


def _h2(page: str) -> list[str]:
    return [html.unescape(found) for found in re.findall(r"<h2>(.*?)</h2>", page)]


def test_handoffs_hold_every_value_to_enter_grouped_by_destination(tmp_path: Path) -> None:
    write_reports(_journal(tmp_path), tmp_path / "out")
    page = (tmp_path / "out" / "handoffs.html").read_text(encoding="utf-8")
    assert _h2(page) == [
        "Info-partenaires.ca : prolonger le contrat d'origine (7)",
        "Espace partenaire : processus standard de prolongation (4)",
        "Communiquer avec l'assureur (4)",
    ]
    assert page.count('<td class="box"><input type="checkbox"') == 15  # a "done" box per row
    assert "##" not in page and "- " not in re.sub(r"<[^>]+>", "", page).splitlines()[0]
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org", "")
    with (tmp_path / "out" / "handoffs.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 15 and {r["destination"] for r in rows} == {
        "Info-partenaires.ca : prolonger le contrat d'origine",
        "Espace partenaire : processus standard de prolongation",
        "Communiquer avec l'assureur",
    }
    # Every value to enter is there, from the request file (the journal keeps none of them).
    assert all(r["client_name"] and r["birth_date"] and r["contract_number"] for r in rows)
    with_trip = [r for r in rows if r["trip_start"] and r["trip_end"] and r["legacy_days"]]
    assert with_trip and all(r["days_to_extend"].isdigit() for r in with_trip)
    for r in with_trip:
        assert html.escape(r["client_name"]) in page
        assert f"{r['trip_start']} →<br>{r['trip_end']}" in page
    assert all(r["why"] and r["what"] and r["where"] for r in rows)


def test_the_aide_memoire_cell_reads_as_sentences(tmp_path: Path) -> None:
    # AA contract, annual existing extension after departure: the cell with two lines.
    row = make_row(
        1,
        contract_number="AA10000001",
        product="annual_multi_trip",
        annual_extension="existing",
        coverages="emc;baggage",
        departed="oui",
    )
    write_reports(_journal(tmp_path, [row]), tmp_path / "out")
    with (tmp_path / "out" / "handoffs.csv").open(encoding="utf-8", newline="") as stream:
        (record,) = list(csv.DictReader(stream))
    assert "l'Espace partenaire. Après le départ" in record["why"], record["why"]


def test_handoffs_escape_what_the_file_holds(tmp_path: Path) -> None:
    row = make_row(1, coverages="emc;baggage", first_name="<b>Zoé</b>", last_name="O'Brien & Fils")
    write_reports(_journal(tmp_path, [row]), tmp_path / "out")
    page = (tmp_path / "out" / "handoffs.html").read_text(encoding="utf-8")
    assert "<b>Zoé</b>" not in page
    assert "&lt;b&gt;Zoé&lt;/b&gt; O&#x27;Brien &amp; Fils" in page


def test_handoffs_are_in_the_run_language(tmp_path: Path) -> None:
    choose(Locale.EN)
    write_reports(_journal(tmp_path, [make_row(1, coverages="emc;baggage")]), tmp_path / "out")
    page = (tmp_path / "out" / "handoffs.html").read_text(encoding="utf-8")
    assert _h2(page) == ["Info-partenaires.ca: extend the original contract (1)"]
    assert "Prolonger" not in page and "Extend" in page


def test_without_the_request_file_handoffs_say_where_the_values_are(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1, coverages="emc;baggage")])
    (tmp_path / "requests.csv").unlink()
    paths = write_reports(journal, tmp_path / "out")
    assert [p.name for p in paths] == [
        "results.csv",
        "handoffs.html",
        "handoffs.csv",
        "summary.html",
    ]
    page = html.unescape((tmp_path / "out" / "handoffs.html").read_text(encoding="utf-8"))
    assert "Le fichier de demandes n'a pas pu être relu" in page and "LH20001" in page


def test_the_results_workbook_copies_the_rows_with_their_outcome(tmp_path: Path) -> None:
    rows = [make_row(1), make_row(2, coverages="emc;baggage"), {**make_row(3), "claim": ""}]
    journal = _journal(tmp_path, rows)
    claim = journal.claim("w1")
    assert claim is not None
    journal.issued(
        claim.key, "w1", contract_number="AA12345678", opportunity_name="Q", premium="1 607,20 $"
    )
    write_reports(journal, tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "requests-results.xlsx")
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[: len(BASE_ROW)] == list(BASE_ROW)
    assert header[len(BASE_ROW) :] == ["status", "new_contract_number", "premium", "message"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in table] == ["LH20001", "LH20002", "LH20003"]  # the input's cells
    status = len(BASE_ROW)
    assert [row[status] for row in table] == ["issued", "handed_off", "invalid"]
    assert table[0][status + 1] == "AA12345678"
    assert table[0][status + 2] == 1607.2 and isinstance(table[0][status + 2], float)
    assert sheet.cell(row=2, column=status + 3).number_format.startswith("#,##0.00")
    assert table[1][status + 2] is None and "claim" in table[2][status + 3]
    fills = {sheet.cell(row=n, column=1).fill.start_color.rgb for n in (2, 3, 4)}
    assert len(fills) == 3  # a colour per status
    assert (tmp_path / "out" / "requests-results.xlsx").stat().st_mode & 0o077 == 0


def test_an_older_journal_opens_and_its_text_premium_reads_as_an_amount(tmp_path: Path) -> None:
    path = tmp_path / "old" / "journal.sqlite"
    path.parent.mkdir()
    # The first schema: no premium currency, no step timings.
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executescript(SQLITE.sql(_FIRST_SCHEMA))
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        db.execute(
            "INSERT INTO requests (key, state, row, content, contract_number, premium, "
            "new_contract_number, updated_at) VALUES ('r-1', 'issued', 2, 'c', "
            "'LH20001', '607,20 $', 'AA1', 'now')"
        )
        db.execute("INSERT INTO rows VALUES (2, 'r-1', NULL, '')")
        db.commit()
    with Journal(path) as journal:
        (entry,) = journal.entries()
        assert entry.money == Money(Decimal("607.20"))
        write_reports(journal, tmp_path / "out")
        assert journal.step_times() == []
    assert _results(tmp_path / "out")[0]["premium"] == "607.20"


def test_a_sale_the_portal_handed_back_is_listed_for_entry_by_hand(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1)])
    claim = journal.claim("w1")
    assert claim is not None
    journal.finish(
        claim.key,
        Outcome.HANDED_OFF,
        "w1",
        message="2 accounts match the client's name and birth date",
    )
    write_reports(journal, tmp_path / "out")
    page = html.unescape((tmp_path / "out" / "handoffs.html").read_text(encoding="utf-8"))
    assert "Assurance complémentaire à saisir à la main" in page
    assert "Portail : 2 accounts match" in page
    assert "Alex1 MartinB" in page and "1970-01-01" in page and "2026-06-10 →<br>2026-07-10" in page


def test_step_timings_show_the_median_and_the_slowest_per_step(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1), make_row(2), make_row(3)])
    start = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)
    for n, seconds in enumerate((1.0, 3.0, 8.0)):
        journal.record_timings(
            f"r-{n}",
            1,
            [
                StepTiming(Step.SEARCH, start + timedelta(minutes=n), seconds),
                StepTiming(Step.FINALISE, start + timedelta(minutes=n, seconds=30), seconds / 2),
            ],
        )
    stats = step_stats(journal.step_times())
    assert [(s.step, s.count, s.median, s.slowest) for s in stats] == [
        ("search", 3, 3.0, 8.0),
        ("finalise", 3, 1.5, 4.0),
    ]
    assert stats[0].slowest_at.startswith("2026-06-05T09:02:00")
    write_reports(journal, tmp_path / "out")
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page and "Durée des étapes" in page
    assert page.count('height="14"') == 4  # a median and a slowest bar for each step


def test_the_summary_links_failure_screenshots_relative_to_itself(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1), make_row(2), make_row(3), make_row(1)])
    shot = tmp_path / "artifacts" / "20260605-failure" / "screenshot.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(b"png")
    first, second = journal.claim("w1"), journal.claim("w1")
    assert first is not None and second is not None
    journal.finish(
        first.key,
        Outcome.FAILED,
        "w1",
        message="failed at step « finalise »: 500",
        failed_step="finalise",
        artifacts=[str(shot)],
    )
    journal.submitting(second.key, "QUO", "w1")
    journal.set_meta(stopped="stopped after 5 portal faults in a row")
    write_reports(journal, tmp_path / "out")
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert '<a href="../artifacts/20260605-failure/screenshot.png">screenshot.png</a>' in page
    assert "stopped after 5 portal faults in a row" in page
    assert "Interrompu" in page and "Doublon" in page and "Interrupted" not in page
    statuses = [line.status for line in result_lines(journal)]
    assert statuses == ["failed", "interrupted", "pending", "duplicate"]


def test_an_issued_row_removed_from_the_file_stays_in_the_results(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [make_row(1), make_row(2)])
    claim = journal.claim("w1")
    assert claim is not None
    journal.issued(
        claim.key, "w1", contract_number="AA12345678", opportunity_name="Q", premium=None
    )
    journal.load(make_plan(read_requests(write_csv(tmp_path / "later.csv", [make_row(2)]))))
    lines = result_lines(journal)
    assert [(line.row, line.status) for line in lines] == [(2, "pending"), (2, "issued")]
    assert "n'est plus dans le dernier fichier" in lines[1].message
