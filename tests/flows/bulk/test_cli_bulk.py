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

from automation.settings import Settings
from flows.bulk.runner import FlowFactory
from flows.cli.bulk import app
from tests.flows.bulk.conftest import SAMPLE, ScriptedPortal, make_row, write_csv
from tests.flows.in_language import english  # noqa: F401 - a fixture

# The lines quoted here are English; French is the default language (issue 13).
pytestmark = pytest.mark.usefixtures("english")

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
    assert result.exit_code == 0, result.output
    assert "complementary_espace_partenaire" in result.stdout
    assert "destination: '…' is not a known country" in result.stdout
    assert (tmp_path / "plan.csv").exists() and (tmp_path / "plan.json").exists()


def test_plan_of_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"contract_number\n\xe9\n")
    result = runner.invoke(app, ["plan", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_run_then_run_again_enters_nothing_twice(tmp_path: Path,
                                                 scripted: ScriptedPortal) -> None:
    before = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out), "--workers", "2"],
                           env=WIDE)
    assert result.exit_code == 0, result.output
    assert "31 lignes/rows — 9 à saisir/to enter, 0 déjà émises/already issued" in result.stdout
    assert len(scripted.sales) == 9 and "issued" in result.stdout
    again = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out)], env=WIDE)
    assert again.exit_code == 0, again.output
    assert "nothing to enter" in again.stdout and len(scripted.sales) == 9
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == before
    assert (out / "journal.sqlite").exists()


def test_the_breaker_exits_3_and_a_later_run_finishes(tmp_path: Path,
                                                      scripted: ScriptedPortal) -> None:
    rows = [make_row(n) for n in range(1, 7)]
    for n in range(1, 7):
        scripted.script[f"LH{20000 + n}"] = ["fault"] * 2
    path = write_csv(tmp_path / "six.csv", rows)
    out = tmp_path / "out"
    stopped = runner.invoke(app, ["run", str(path), "--out", str(out), "--breaker", "2",
                                  "--max-attempts", "1"], env=WIDE)
    assert stopped.exit_code == 3, stopped.output
    assert "2 portal faults in a row" in stopped.stdout
    assert "run the same command again" in stopped.stdout
    left = runner.invoke(app, ["run", str(path), "--out", str(out), "--max-attempts", "3",
                               "--back-off", "0"], env=WIDE)
    assert left.exit_code == 0, left.output
    assert set(_statuses(out).values()) == {"issued"}


def test_limit_leaves_the_rest_pending_with_exit_1(tmp_path: Path,
                                                   scripted: ScriptedPortal) -> None:
    path = write_csv(tmp_path / "three.csv", [make_row(1), make_row(2), make_row(3)])
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--limit", "1"], env=WIDE)
    assert result.exit_code == 1, result.output
    assert sorted(_statuses(out).values()) == ["issued", "pending", "pending"]


def test_report_rebuilds_the_files_from_the_journal(tmp_path: Path,
                                                    scripted: ScriptedPortal) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(SAMPLE), "--out", str(out)], env=WIDE)
    original = (out / "results.csv").read_text(encoding="utf-8")
    rebuilt = tmp_path / "rebuilt"
    result = runner.invoke(app, ["report", "--journal", str(out / "journal.sqlite"), "--out",
                                 str(rebuilt)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert (rebuilt / "results.csv").read_text(encoding="utf-8") == original
    assert {p.name for p in rebuilt.iterdir()} == {"results.csv", "handoffs.md", "handoffs.csv",
                                                   "summary.html"}


def test_run_refuses_a_journal_in_use(tmp_path: Path, scripted: ScriptedPortal) -> None:
    from flows.bulk.journal import JournalLock

    out = tmp_path / "out"
    with JournalLock(out / "journal.sqlite"):
        result = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 2
    assert "another prolong bulk run" in result.output


def test_the_demo_refuses_a_portal_that_is_neither_simulator_nor_sandbox(
        tmp_path: Path) -> None:
    import typer

    from flows.cli.demo import SAMPLE_FILE, demo

    demo_app = typer.Typer()
    demo_app.command()(demo)
    result = runner.invoke(demo_app, ["--base-url", "http://127.0.0.1:9"],
                           env={**WIDE, "PORTAL_ARTIFACTS_DIR": str(tmp_path),
                                "PORTAL_SANDBOX_HOSTS": ""})
    assert result.exit_code == 2
    assert "neither the simulator nor a host of PORTAL_SANDBOX_HOSTS" in result.output
    assert SAMPLE_FILE.name == "sample_requests.csv" and SAMPLE_FILE.exists()


def test_a_run_after_a_crash_says_it_checks_the_portal_first(tmp_path: Path,
                                                             scripted: ScriptedPortal) -> None:
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
    assert "1 demande(s) interrompue(s) / interrupted request(s): checked in the portal" in (
        result.stdout)
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
    return (path.read_bytes(), path.stat().st_mode & 0o777, folder.stat().st_mode & 0o777,
            sorted(p.name for p in folder.iterdir()))


@pytest.mark.parametrize("kind", ["csv", "empty", "foreign-sqlite"])
@pytest.mark.parametrize("command", ["report", "run"])
def test_something_else_given_as_journal_is_refused_in_one_line_and_left_alone(
        tmp_path: Path, scripted: ScriptedPortal, kind: str, command: str) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = _not_a_journal(kind, folder / "some.csv")
    os.chmod(path, 0o644)
    before = _snapshot(path)
    requests = write_csv(tmp_path / "requests.csv", [make_row(1)])
    args = (["report", "--journal", str(path)] if command == "report" else
            ["run", str(requests), "--journal", str(path), "--out", str(tmp_path / "out")])
    result = runner.invoke(app, args, env={"COLUMNS": "60"})
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"error: {path} is not a prolong journal")
    assert "expected the journal.sqlite of a prolong bulk run" in lines[0]
    assert _snapshot(path) == before
    assert scripted.opened == 0
