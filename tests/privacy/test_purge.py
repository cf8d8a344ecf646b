"""``purge`` and ``prolong artifacts purge``: old prolong folders go, everything else stays."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from automation.evidence.artifacts import purge, run_dir
from flows.bulk.journal import JournalLock
from flows.cli.artifacts import app
from tests.flows.in_language import english  # noqa: F401 - a fixture

DAY = 86_400
NOW = time.time()


def _age(path: Path, days: float) -> Path:
    """Make ``path`` and everything in it look last changed ``days`` ago."""
    when = NOW - days * DAY
    for inner in sorted(path.rglob("*"), reverse=True) if path.is_dir() else []:
        os.utime(inner, (when, when), follow_symlinks=False)
    os.utime(path, (when, when), follow_symlinks=False)
    return path


def _folder(root: Path, name: str, days: float, *files: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for file in files or ("summary.html",):
        (folder / file).write_text("x")
    return _age(folder, days)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An artifacts folder with old and recent prolong folders, and things not prolong's."""
    artifacts = tmp_path / "artifacts"
    _age(run_dir(artifacts, "failure"), 40)
    _folder(artifacts, "bulk-requests", 40, "journal.sqlite", "results.csv")
    _folder(artifacts, "demo-20260101-120000", 40)
    _folder(artifacts, "bulk-recent", 1)
    _folder(artifacts, "my-notes", 40)  # someone's own folder
    _age(_write(artifacts / "old.txt"), 40)
    return artifacts


def _write(path: Path) -> Path:
    path.write_text("x")
    return path


def _names(paths: list[Path]) -> list[str]:
    return sorted(path.name for path in paths)


def test_old_prolong_folders_go_recent_and_foreign_ones_stay(root: Path) -> None:
    before = _names(list(root.iterdir()))
    result = purge(root, 30, now=NOW)
    removed = [name for name in before if name not in _names(list(root.iterdir()))]
    assert removed == _names(result.removed)
    assert len(removed) == 3 and "bulk-requests" in removed and "demo-20260101-120000" in removed
    assert _names(list(root.iterdir())) == ["bulk-recent", "my-notes", "old.txt"]
    assert _names(result.kept) == ["bulk-recent"]
    assert _names(result.left_alone) == ["my-notes", "old.txt"]


def test_a_folder_counts_as_changed_when_anything_inside_changed(root: Path) -> None:
    journal = root / "bulk-requests" / "journal.sqlite"
    os.utime(journal, (NOW, NOW))  # a run wrote to it today, the folder itself is old
    assert "bulk-requests" in _names(purge(root, 30, now=NOW).kept)


def test_a_bulk_folder_whose_run_holds_the_journal_is_kept(root: Path) -> None:
    journal = root / "bulk-requests" / "journal.sqlite"
    with JournalLock(journal):
        _age(root / "bulk-requests", 40)
        result = purge(root, 30, now=NOW)
    assert _names(result.in_use) == ["bulk-requests"]
    assert journal.exists()


def test_a_link_named_like_a_run_folder_is_not_followed(tmp_path: Path, root: Path) -> None:
    precious = _folder(tmp_path, "precious", 40)
    (root / "bulk-link").symlink_to(precious, target_is_directory=True)
    result = purge(root, 0, now=NOW + DAY)
    assert (precious / "summary.html").exists()
    assert "bulk-link" in _names(result.left_alone)


def test_a_dry_run_removes_nothing(root: Path) -> None:
    before = _names(list(root.iterdir()))
    assert len(purge(root, 30, now=NOW, dry_run=True).removed) == 3
    assert _names(list(root.iterdir())) == before


def test_a_negative_age_is_refused(root: Path) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        purge(root, -1)


# --- the command ------------------------------------------------------------------------------

runner = CliRunner()

# The commands' lines quoted below are the English ones (French is the default language).
pytestmark = pytest.mark.usefixtures("english")


def test_the_command_purges_the_folder_given(root: Path) -> None:
    result = runner.invoke(app, ["purge", "--older-than", "30", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    assert "3 removed, 1 recent kept, 0 in use, 2 not prolong's" in result.output
    assert _names(list(root.iterdir())) == ["bulk-recent", "my-notes", "old.txt"]


def test_the_command_defaults_to_portal_artifacts_dir(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root.parent)  # no developer .env
    monkeypatch.setenv("PORTAL_ARTIFACTS_DIR", str(root))
    result = runner.invoke(app, ["purge", "--older-than", "30", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.count("would remove:") == 3
    assert len(list(root.iterdir())) == 6


@pytest.mark.parametrize(
    "args", [["purge"], ["purge", "--older-than", "-1"], ["purge", "--older-than", "soon"]]
)
def test_the_command_refuses_a_missing_or_bad_age(root: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--dir", str(root)])
    assert result.exit_code == 2
    assert len(list(root.iterdir())) == 6
