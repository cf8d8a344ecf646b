"""``prolong bulk plan|run|report`` with CliRunner; the portal is the scripted stand-in."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from automation.runtime.settings import Locale, Settings
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import FlowFactory
from flows.cli.bulk import EXIT_TO_FIX, SHOWN_ROWS, app
from flows.language import choose
from tests.flows.bulk.conftest import SAMPLE, ScriptedPortal, make_row, write_csv

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, portal: ScriptedPortal) -> ScriptedPortal:
    """``bulk run`` talks to the scripted portal instead of opening browsers."""

    @contextmanager
    def target(settings: Settings, base_url: str | None, console: object) -> Iterator[FlowFactory]:
        yield portal.factory

    monkeypatch.setattr("flows.cli.bulk._target", target)
    return portal


def _statuses(out: Path) -> dict[str, str]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as stream:
        return {row["row"]: row["status"] for row in csv.DictReader(stream)}


def test_plan_prints_the_summary_and_writes_the_plan(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(SAMPLE), "--out", str(tmp_path)], env=WIDE)
    assert result.exit_code == EXIT_TO_FIX, result.output  # the sample has 7 invalid rows
    assert "complementary_espace_partenaire" in result.stdout
    assert "destination: '…' n’est pas un pays connu" in result.stdout
    assert (tmp_path / "plan.csv").exists() and (tmp_path / "plan.json").exists()


def test_plan_of_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"contract_number\n\xe9\n")
    result = runner.invoke(app, ["plan", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "n'est pas en UTF-8" in result.output


def test_run_then_run_again_enters_nothing_twice(tmp_path: Path, scripted: ScriptedPortal) -> None:
    before = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out), "--workers", "2"], env=WIDE)
    assert result.exit_code == EXIT_TO_FIX, result.output  # 7 invalid rows, the rest final
    assert "31 lignes — 9 à saisir, 0 déjà émises" in result.stdout
    assert len(scripted.sales) == 9 and "issued" in result.stdout
    again = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out)], env=WIDE)
    assert again.exit_code == EXIT_TO_FIX, again.output
    assert "Rien à saisir" in again.stdout and len(scripted.sales) == 9
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == before
    assert (out / "journal.sqlite").exists()


def test_the_breaker_exits_3_and_a_later_run_finishes(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    rows = [make_row(n) for n in range(1, 7)]
    for n in range(1, 7):
        scripted.script[f"LH{20000 + n}"] = ["fault"] * 2
    path = write_csv(tmp_path / "six.csv", rows)
    out = tmp_path / "out"
    stopped = runner.invoke(
        app,
        ["run", str(path), "--out", str(out), "--breaker", "2", "--max-attempts", "1"],
        env=WIDE,
    )
    assert stopped.exit_code == 3, stopped.output
    assert "2 pannes du portail d'affilée" in stopped.stdout
    assert "relancer la même commande" in stopped.stdout
    left = runner.invoke(
        app,
        ["run", str(path), "--out", str(out), "--max-attempts", "3", "--back-off", "0"],
        env=WIDE,
    )
    assert left.exit_code == 0, left.output
    assert set(_statuses(out).values()) == {"issued"}


def test_limit_leaves_the_rest_pending_with_exit_1(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    path = write_csv(tmp_path / "three.csv", [make_row(1), make_row(2), make_row(3)])
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--limit", "1"], env=WIDE)
    assert result.exit_code == 1, result.output
    assert sorted(_statuses(out).values()) == ["issued", "pending", "pending"]


def test_report_rebuilds_the_files_from_the_journal(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(SAMPLE), "--out", str(out)], env=WIDE)
    original = (out / "results.csv").read_text(encoding="utf-8")
    rebuilt = tmp_path / "rebuilt"
    result = runner.invoke(
        app, ["report", "--journal", str(out / "journal.sqlite"), "--out", str(rebuilt)], env=WIDE
    )
    assert result.exit_code == 0, result.output
    assert (rebuilt / "results.csv").read_text(encoding="utf-8") == original
    for name in ("handoffs.html", "handoffs.csv"):
        assert (rebuilt / name).read_bytes() == (out / name).read_bytes()
    assert {p.name for p in rebuilt.iterdir()} == {
        "results.csv",
        "handoffs.html",
        "handoffs.csv",
        "sample_requests-results.xlsx",
        "summary.html",
    }
    assert "sample_requests-results.xlsx" in result.stdout


def test_run_refuses_a_journal_in_use(tmp_path: Path, scripted: ScriptedPortal) -> None:
    from flows.bulk.journal import JournalLock

    out = tmp_path / "out"
    with JournalLock(out / "journal.sqlite"):
        result = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 2
    assert "another prolong bulk run" in result.output


def test_the_demo_refuses_a_portal_that_is_neither_simulator_nor_sandbox(tmp_path: Path) -> None:
    import typer

    from flows.cli.demo import SAMPLE_FILE, demo

    demo_app = typer.Typer()
    demo_app.command()(demo)
    result = runner.invoke(
        demo_app,
        ["--base-url", "http://127.0.0.1:9"],
        env={**WIDE, "PORTAL_ARTIFACTS_DIR": str(tmp_path), "PORTAL_SANDBOX_HOSTS": ""},
    )
    assert result.exit_code == 2
    assert "neither the simulator nor a host of PORTAL_SANDBOX_HOSTS" in result.output
    assert SAMPLE_FILE.name == "sample_requests.csv" and SAMPLE_FILE.exists()


def test_a_run_after_a_crash_says_it_checks_the_portal_first(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    from flows.bulk.journal import Journal
    from flows.bulk.plan import make_plan
    from flows.bulk.reader import read_requests

    path = write_csv(tmp_path / "two.csv", [make_row(1), make_row(2)])
    out = tmp_path / "out"
    with Journal(out / "journal.sqlite") as journal:
        journal.load(make_plan(read_requests(path)))
        assert journal.claim("dead") is not None  # the run that held it was killed
    result = runner.invoke(app, ["run", str(path), "--out", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "1 demande(s) interrompue(s) : vérifiée(s) dans le portail" in result.stdout
    assert scripted.finds == ["LH20001"] and sorted(scripted.sales) == ["LH20001", "LH20002"]


def _not_a_journal(kind: str, path: Path) -> Path:
    if kind == "csv":
        write_csv(path, [make_row(1)])
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        db = sqlite3.connect(path)
        with db:
            db.execute("CREATE TABLE notes (text TEXT)")
        db.close()
    return path


def _snapshot(path: Path) -> tuple[bytes, int, int, list[str]]:
    folder = path.parent
    return (
        path.read_bytes(),
        path.stat().st_mode & 0o777,
        folder.stat().st_mode & 0o777,
        sorted(p.name for p in folder.iterdir()),
    )


@pytest.mark.parametrize("kind", ["csv", "empty", "foreign-sqlite"])
@pytest.mark.parametrize("command", ["report", "run"])
def test_something_else_given_as_journal_is_refused_in_one_line_and_left_alone(
    tmp_path: Path, scripted: ScriptedPortal, kind: str, command: str
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = _not_a_journal(kind, folder / "some.csv")
    os.chmod(path, 0o644)
    before = _snapshot(path)
    requests = write_csv(tmp_path / "requests.csv", [make_row(1)])
    args = (
        ["report", "--journal", str(path)]
        if command == "report"
        else ["run", str(requests), "--journal", str(path), "--out", str(tmp_path / "out")]
    )
    result = runner.invoke(app, args, env={"COLUMNS": "60"})
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"erreur : {path} n’est pas un journal de prolong")
    assert "attendu le journal.sqlite d’une exécution bulk de prolong" in lines[0]
    assert _snapshot(path) == before
    assert scripted.opened == 0


def test_an_all_invalid_file_exits_5_listing_its_rows(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    rows = [make_row(n, claim="") for n in range(1, 14)]
    path = write_csv(tmp_path / "bad.csv", rows)
    for command in (
        ["run", str(path), "--out", str(tmp_path / "out")],
        ["plan", str(path), "--out", str(tmp_path / "plan")],
    ):
        result = runner.invoke(app, command, env=WIDE)
        assert result.exit_code == EXIT_TO_FIX, result.output
        assert "13 ligne(s) à corriger dans le fichier" in result.stdout
        listed = [line for line in result.stdout.splitlines() if line.startswith("  ligne ")]
        assert len(listed) == SHOWN_ROWS and listed[0].startswith("  ligne 2 (LH20001): claim")
        assert "… et 3 autre(s) : voir" in result.stdout
        assert "toutes les demandes ont déjà leur issue" not in result.stdout
    assert scripted.opened == 0


def test_conflicting_rows_are_listed_entered_by_none_and_exit_5(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    rows = [make_row(1, legacy_days="15"), make_row(1, legacy_days="20"), make_row(2)]
    path = write_csv(tmp_path / "conflict.csv", rows)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)], env=WIDE)
    assert result.exit_code == EXIT_TO_FIX, result.output
    assert _statuses(out) == {"2": "conflict", "3": "conflict", "4": "issued"}
    assert scripted.sales == ["LH20002"]
    assert "ligne 2 (LH20001): en conflit avec la/les ligne(s) 3" in result.stdout
    planned = runner.invoke(app, ["plan", str(path), "--out", str(tmp_path / "plan")], env=WIDE)
    total = next(
        line
        for line in planned.stdout.splitlines()
        if line.startswith("│") and line.split("│")[1].strip() == "total"
    )
    # The plan's table counts the conflicts in a column of their own: its cells add up.
    assert [cell.strip() for cell in total.split("│")[2:-1]] == ["1", "0", "0", "0", "2", "3"]
    rows[1] = make_row(1, legacy_days="15")
    write_csv(path, rows)
    fixed = runner.invoke(app, ["run", str(path), "--out", str(out)], env=WIDE)
    assert fixed.exit_code == 0, fixed.output
    assert _statuses(out) == {"2": "issued", "3": "duplicate", "4": "issued"}
    assert sorted(scripted.sales) == ["LH20001", "LH20002"]


def test_notes_about_the_file_come_first_and_once(tmp_path: Path, scripted: ScriptedPortal) -> None:
    path = write_csv(tmp_path / "notes.csv", [dict(make_row(1), notes="rappeler mardi")])
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "note : colonnes ignorées (pas des champs de demande) : notes"
    assert sum("colonnes ignorées" in line for line in lines) == 1


def test_a_missing_column_is_one_error_naming_it(tmp_path: Path) -> None:
    rows = [{k: v for k, v in make_row(n).items() if k != "coverages"} for n in range(1, 6)]
    path = write_csv(tmp_path / "no-coverages.csv", rows)
    result = runner.invoke(app, ["plan", str(path), "--out", str(tmp_path)], env=WIDE)
    assert result.exit_code == 2
    assert result.output.count("aucune colonne pour coverages") == 1
    assert "(en-têtes acceptés : « coverages », « Couvertures »," in result.output


def test_a_run_in_english_says_nothing_in_french(tmp_path: Path, scripted: ScriptedPortal) -> None:
    path = write_csv(tmp_path / "two.csv", [make_row(1), make_row(2, coverages="emc;baggage")])
    choose(Locale.EN)  # as --lang en or PORTAL_LOCALE=en would
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out2")], env=WIDE)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "2 rows — 1 to enter" in text and "hand-offs, with the values to enter:" in text
    # (The tables' own headings are flows/bulk/tables.py's, not checked here.)
    for french in ("lignes", "à saisir", "Rapports", "demande(s)", "émises", "Fichiers"):
        assert french not in text, french


def test_report_timings_print_the_median_and_slowest_per_step(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from automation.runtime.walk import Step, StepTiming
    from flows.bulk.journal import Journal

    with Journal(tmp_path / "journal.sqlite") as journal:
        at = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)
        journal.record_timings(
            "r-1", 1, [StepTiming(Step.SEARCH, at, 1.0), StepTiming(Step.VOYAGE, at, 2.0)]
        )
        journal.record_timings("r-2", 1, [StepTiming(Step.SEARCH, at, 5.0)])
    result = runner.invoke(
        app, ["report", "--journal", str(tmp_path / "journal.sqlite"), "--timings"], env=WIDE
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    search = next(line for line in lines if line.startswith("search"))
    assert search.split()[1:4] == ["2", "3.00s", "5.00s"]
    voyage = next(line for line in lines if line.startswith("Voyage step"))
    assert voyage.split()[2:5] == ["1", "2.00s", "2.00s"]


def test_at_80_columns_no_line_of_the_plan_is_cut_mid_word(tmp_path: Path) -> None:
    out = tmp_path / "a-rather-long-folder-name-for-the-plan-of-the-sample-file" / "plan"
    result = runner.invoke(app, ["plan", str(SAMPLE), "--out", str(out)], env={"COLUMNS": "80"})
    assert result.exit_code == EXIT_TO_FIX, result.output
    words = set(result.stdout.split())
    plan = make_plan(read_requests(SAMPLE))
    to_fix = [item for item in plan.items if item.planned == "invalid"]
    # Every word of every listed problem is whole on the screen (wrapped between words only).
    for item in to_fix[:SHOWN_ROWS]:
        assert [word for word in item.message.split() if word not in words] == [], item.row
    assert str(out / "plan.csv") in words and str(out / "plan.json") in words


def test_report_without_the_request_file_says_so_and_writes_no_workbook(
    tmp_path: Path, scripted: ScriptedPortal
) -> None:
    path = write_csv(tmp_path / "gone.csv", [make_row(1), make_row(2, coverages="emc;baggage")])
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(path), "--out", str(out)], env=WIDE).exit_code == 0
    path.unlink()
    rebuilt = tmp_path / "rebuilt"
    result = runner.invoke(
        app, ["report", "--journal", str(out / "journal.sqlite"), "--out", str(rebuilt)], env=WIDE
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"note : fichier de demandes introuvable ({path})")
    assert sorted(p.name for p in rebuilt.iterdir()) == [
        "handoffs.csv",
        "handoffs.html",
        "results.csv",
        "summary.html",
    ]
    assert (rebuilt / "results.csv").read_bytes() == (out / "results.csv").read_bytes()
