"""prolong never changes the mode of a file or folder it did not create (issue 11, item 8), and
the commands that write run under umask 077 while they run, and only then.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from automation.evidence.artifacts import Purged, purge
from automation.runtime.session import save_state
from flows.bulk.plan import Plan, write_plan
from flows.cli import app as cli
from tests.flows.bulk.conftest import make_row, write_csv
from tests.privacy.conftest import mode

runner = CliRunner()


@pytest.fixture(autouse=True)
def _scratch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env; any default folder lands here


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_plan_into_an_existing_folder_leaves_its_mode_and_writes_private_files(
    tmp_path: Path,
) -> None:
    out = tmp_path / "shared-with-my-team"
    out.mkdir()
    os.chmod(out, 0o755)
    file = write_csv(tmp_path / "requests.csv", [make_row(1)])
    result = runner.invoke(cli.app, ["bulk", "plan", str(file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o755
    assert {p.name: mode(p) for p in out.iterdir()} == {"plan.csv": 0o600, "plan.json": 0o600}


def test_report_on_a_file_that_is_not_a_journal_changes_no_mode(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    os.chmod(folder, 0o755)
    some = write_csv(folder / "some.csv", [make_row(1)])
    os.chmod(some, 0o644)
    runner.invoke(cli.app, ["bulk", "report", "--journal", str(some)])  # its exit code: issue 11
    assert (mode(folder), mode(some)) == (0o755, 0o644)


def test_a_session_saved_in_the_working_directory_leaves_it_alone(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)  # PORTAL_STORAGE_STATE=state.json: the working directory
    state = save_state(tmp_path / "state.json", {"cookies": [], "origins": []}, "http://x")
    assert (mode(tmp_path), mode(state)) == (0o755, 0o600)


def test_a_writing_command_runs_under_umask_077_and_gives_the_umask_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def spy(plan: Plan, folder: Path) -> list[Path]:
        seen.append(_umask())
        return write_plan(plan, folder)

    monkeypatch.setattr("flows.cli.bulk.write_plan", spy)
    file = write_csv(tmp_path / "requests.csv", [make_row(1)])
    before = _umask()
    result = runner.invoke(cli.app, ["bulk", "plan", str(file), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert seen == [0o077]
    assert _umask() == before


def test_a_command_that_writes_nothing_of_prolong_keeps_the_users_umask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    def spy(root: Path, older_than_days: float, *, dry_run: bool = False) -> Purged:
        seen.append(_umask())
        return purge(root, older_than_days, dry_run=dry_run)

    monkeypatch.setattr("flows.cli.artifacts.purge_folder", spy)
    before = _umask()
    result = runner.invoke(cli.app, ["artifacts", "purge", "--older-than", "1", "--dir", "absent"])
    assert result.exit_code == 0, result.output
    assert seen == [before]
