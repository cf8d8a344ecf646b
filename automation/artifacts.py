"""The private artifacts folder: traces, screenshots, reports and session state.

Screenshots and traces show what was on screen, personal data included, so every folder is
created owner-only (0700) and every file written here owner-only (0600). ``purge`` removes run
folders older than a number of days and nothing else.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["Purged", "private_dir", "private_file", "purge", "run_dir"]

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists as an owner-only file, ready to be written."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def run_dir(root: Path, label: str) -> Path:
    """A new owner-only folder ``root/<timestamp>-<label>`` for one run's artifacts."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return private_dir(private_dir(root) / f"{stamp}-{label}")


@dataclass(frozen=True)
class Purged:
    """What ``purge`` removed and what it kept."""

    removed: list[Path]
    kept: list[Path]


def purge(root: Path, older_than_days: float, *, now: float | None = None) -> Purged:
    """Remove the entries of ``root`` last modified more than ``older_than_days`` days ago."""
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    if not root.is_dir():
        return Purged([], [])
    limit = (now if now is not None else time.time()) - older_than_days * 86_400
    removed: list[Path] = []
    kept: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.stat().st_mtime < limit:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        else:
            kept.append(entry)
    return Purged(removed, kept)
