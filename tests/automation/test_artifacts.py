"""The artifacts folder is private, and purge removes only what is old."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from automation.evidence.artifacts import private_dir, private_file, purge, run_dir


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_folders_and_files_are_owner_only(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "a" / "b")
    assert _mode(folder) == 0o700
    state = private_file(tmp_path / "auth" / "state.json")
    assert _mode(state) == 0o600
    assert _mode(state.parent) == 0o700


def test_each_run_gets_its_own_private_folder(tmp_path: Path) -> None:
    first, second = run_dir(tmp_path, "extend"), run_dir(tmp_path, "extend")
    assert first != second
    assert _mode(first) == _mode(tmp_path) == 0o700


def test_purge_removes_old_entries_and_keeps_recent_ones(tmp_path: Path) -> None:
    old_run, new_run = run_dir(tmp_path, "old"), run_dir(tmp_path, "new")
    (old_run / "trace.zip").write_bytes(b"zip")
    old_file = tmp_path / "old-report.html"  # not a folder prolong made: left alone
    old_file.write_text("x")
    ten_days_ago = time.time() - 10 * 86_400
    for path in (old_run / "trace.zip", old_run, old_file):
        os.utime(path, (ten_days_ago, ten_days_ago))
    result = purge(tmp_path, older_than_days=7)
    assert result.removed == [old_run]
    assert result.kept == [new_run]
    assert result.left_alone == [old_file]
    assert not old_run.exists() and new_run.exists() and old_file.exists()


def test_purge_of_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    assert purge(tmp_path / "absent", 1).removed == []
