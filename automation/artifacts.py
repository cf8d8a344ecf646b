"""The private artifacts folder: traces, screenshots, reports, journals and session state.

Screenshots and traces show what was on screen, personal data included, so every folder prolong
creates is owner-only (0700) and every file it writes owner-only (0600).

- ``private_dir`` creates each missing folder 0700 and tightens an existing one that belongs to
  the user, except a shared sticky folder such as ``/tmp`` (its files are 0600 all the same).
- ``private_file`` creates a file 0600, and refuses to write through a symbolic link.
- ``redact_trace`` rewrites a Playwright trace without cookies, authorisation headers or any
  secret it is given: a kept trace must not hand a live session to whoever reads it.
- ``purge`` removes the folders prolong made (``<time>-<label>`` runs, ``bulk-…``, ``demo-…``)
  that nothing has touched for a number of days, and leaves everything else alone, including a
  bulk folder whose run is still going.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from automation.privacy import SECRET_MASK, secret_spellings

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "Purged",
    "is_prolong_entry",
    "private_dir",
    "private_file",
    "purge",
    "redact_trace",
    "run_dir",
]

DIR_MODE = 0o700
FILE_MODE = 0o600

#: Names of the entries prolong creates in an artifacts folder: ``run_dir`` folders,
#: ``prolong bulk`` folders (``bulk-<file name>``) and ``prolong demo`` folders.
_PROLONG_NAMES = (
    re.compile(r"\d{8}-\d{6}-\d{6}-[\w.-]+"),
    re.compile(r"bulk-.+"),
    re.compile(r"demo-\d{8}-\d{6}"),
)


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents owner-only (0700); tighten it if it exists."""
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        # mkdir's mode is cut by the umask, and parents=True ignores it: one folder at a time.
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)
    _tighten(path)
    return path


def _tighten(folder: Path) -> None:
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(f"{folder} is not a folder")
    shared = bool(info.st_mode & stat.S_ISVTX)  # /tmp and the like: never ours to change
    if not shared and info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) != DIR_MODE:
        os.chmod(folder, DIR_MODE)


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists as an owner-only file, ready to be written.

    Missing parent folders are created 0700; an existing parent is left as it is (it may be the
    working directory): the file's own mode keeps it private.
    """
    if not path.parent.exists():
        private_dir(path.parent)
    # O_NOFOLLOW: a link planted where a private file is expected must not redirect it.
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def run_dir(root: Path, label: str) -> Path:
    """A new owner-only folder ``root/<timestamp>-<label>`` for one run's artifacts."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return private_dir(private_dir(root) / f"{stamp}-{label}")


# --- traces ----------------------------------------------------------------------------------

# Header and cookie names whose values are credentials (compared in lower case).
_CREDENTIAL_HEADERS = frozenset({
    "cookie", "set-cookie", "authorization", "proxy-authorization", "x-sfdc-session",
    "x-csrf-token", "x-xsrf-token",
})
# Trace members that hold JSON events, one per line (actions, network, console).
_EVENT_MEMBERS = (".trace", ".network")
# Members that are images or fonts; every other member is text when it decodes as UTF-8.
_BINARY_MEMBERS = (".jpeg", ".jpg", ".png", ".webp", ".gif", ".woff", ".woff2", ".ttf", ".zip")


def redact_trace(path: Path, secrets: Iterable[str] = ()) -> Path:
    """Rewrite the trace zip at ``path`` without credentials (see the module docstring).

    Every cookie value, ``Cookie``/``Set-Cookie``/``Authorization`` header value and every
    spelling of each of ``secrets`` is replaced by ``**********``. Images are left as they are.
    """
    spellings = sorted({form for secret in secrets if secret for form in secret_spellings(secret)},
                       key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(form) for form in spellings)) if spellings else None
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    private_file(scratch)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(
        scratch, "w", compression=zipfile.ZIP_DEFLATED
    ) as target:
        for member in source.infolist():
            data = source.read(member)
            if not member.filename.lower().endswith(_BINARY_MEMBERS):
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    pass  # binary under another name: it holds no typed text
                else:
                    data = _redact_text(member.filename, text, pattern)
            target.writestr(member, data)
    os.replace(scratch, path)
    os.chmod(path, FILE_MODE)
    return path


def _redact_text(name: str, text: str, pattern: re.Pattern[str] | None) -> bytes:
    if name.endswith(_EVENT_MEMBERS):
        text = "\n".join(_redact_event_line(line) for line in text.split("\n"))
    if pattern is not None:
        text = pattern.sub(SECRET_MASK, text)
    return text.encode("utf-8")


def _redact_event_line(line: str) -> str:
    if not line.strip():
        return line
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return line  # not an event: the secret patterns still apply to it
    return json.dumps(_scrub(event), ensure_ascii=False, separators=(",", ":"))


def _scrub(value: Any, *, credentials: bool = False) -> Any:
    """``value`` with cookie values and credential headers masked, at any depth."""
    if isinstance(value, list):
        return [_scrub(item, credentials=credentials) for item in value]
    if not isinstance(value, dict):
        return value
    named = str(value.get("name", "")).lower()
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "value" and isinstance(item, str) and (credentials or
                                                          named in _CREDENTIAL_HEADERS):
            out[key] = SECRET_MASK  # a cookie {name, value}, or a credential header
        elif key == "cookies":
            out[key] = _scrub(item, credentials=True)
        else:
            out[key] = _scrub(item, credentials=False)
    return out


# --- purge -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    """What ``purge`` removed, kept (recent or in use) and left alone (not prolong's)."""

    removed: list[Path]
    kept: list[Path]
    left_alone: list[Path] = field(default_factory=list)
    in_use: list[Path] = field(default_factory=list)


def is_prolong_entry(entry: Path) -> bool:
    """Whether ``entry`` is a folder prolong creates in an artifacts folder (not a link)."""
    return (
        entry.is_dir()
        and not entry.is_symlink()
        and any(name.fullmatch(entry.name) for name in _PROLONG_NAMES)
    )


def _last_change(entry: Path) -> float:
    """The newest modification time of ``entry`` and of anything inside it (links not followed)."""
    newest = entry.lstat().st_mtime
    for folder, dirs, files in os.walk(entry):
        for name in (*dirs, *files):
            newest = max(newest, os.lstat(os.path.join(folder, name)).st_mtime)
    return newest


@contextmanager
def _idle(entry: Path) -> Iterator[bool]:
    """Hold every journal lock inside ``entry`` while it is purged; False if a run holds one."""
    import fcntl  # POSIX, like the bulk journal lock it probes

    with ExitStack() as held:
        for lock in entry.rglob("*.lock"):
            if lock.is_symlink() or not lock.is_file():
                continue
            fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW)
            held.callback(os.close, fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
        yield True


def purge(
    root: Path, older_than_days: float, *, now: float | None = None, dry_run: bool = False
) -> Purged:
    """Remove prolong's folders in ``root`` unchanged for more than ``older_than_days`` days.

    A folder's age counts from the last change of anything in it. Entries prolong did not
    create are left alone, and so is a bulk folder whose journal a run holds. ``dry_run`` only
    says what would be removed.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    if not root.is_dir():
        return Purged([], [])
    limit = (now if now is not None else time.time()) - older_than_days * 86_400
    result = Purged([], [])
    for entry in sorted(root.iterdir()):
        if not is_prolong_entry(entry):
            result.left_alone.append(entry)
        elif _last_change(entry) >= limit:
            result.kept.append(entry)
        else:
            with _idle(entry) as idle:
                if not idle:
                    result.in_use.append(entry)
                    continue
                if not dry_run:
                    shutil.rmtree(entry)
            result.removed.append(entry)
    return result
