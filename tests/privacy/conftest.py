"""Helpers for the privacy tests: a distinctive password, searching files and zips for it.

A trace is searched member by member after unzipping (a zip compresses its members, so grepping
the zip itself would find nothing), for every spelling of the password: plain, URL-encoded,
JSON-escaped and HTML-escaped.
"""

from __future__ import annotations

import stat
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from automation.evidence.privacy import secret_spellings

T = TypeVar("T")

#: Unique per test session, with characters that each encoding writes differently.
PASSWORD = f'Pw-{uuid.uuid4().hex[:10]}-"&+/é%<x>'


def spellings(secret: str) -> list[bytes]:
    """Every byte form of ``secret`` a file could hold."""
    return sorted({form.encode("utf-8") for form in secret_spellings(secret)})


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    data = path.read_bytes()
    yield str(path), data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield f"{path}!{name}", archive.read(name)


def files_under(*roots: Path) -> list[Path]:
    """Every regular file under ``roots``."""
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def find_in_files(needles: Iterable[bytes], *roots: Path) -> list[str]:
    """``file[!member]: needle`` for each needle found in a file or zip member under ``roots``."""
    wanted = [needle for needle in needles if needle]
    hits = []
    for path in files_under(*roots):
        for where, data in _members(path):
            hits += [f"{where}: {needle!r}" for needle in wanted if needle in data]
    return hits


def find_in_text(needles: Iterable[bytes], text: str) -> list[bytes]:
    """The needles found in ``text``."""
    data = text.encode("utf-8")
    return [needle for needle in needles if needle and needle in data]


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.lstat().st_mode)


def loose_modes(*roots: Path) -> list[str]:
    """Folders not 0700 and files not 0600 under ``roots`` (the roots included)."""
    found = []
    for root in roots:
        for path in (root, *root.rglob("*")):
            expected = 0o700 if path.is_dir() else 0o600
            if mode(path) != expected:
                found.append(f"{path}: {oct(mode(path))}")
    return found


def in_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own and return its result (or raise its error).

    Sync Playwright refuses to start in a thread where pytest-playwright already runs it.
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="privacy-test-browser")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
