"""The private artifacts folder: traces, screenshots, reports, journals and session state.

Screenshots and traces show what was on screen, personal data included, so everything prolong
writes is owner-only from its first byte: folders 0700, files 0600. Modes are given when a file
or folder is created, never set afterwards, so an interrupted run cannot leave a readable file
behind; and prolong never changes the mode of a file or folder it did not create (a user's
``--out`` folder, the working directory, a file given as ``--journal``).

- ``private_umask`` sets the process umask to 077 for as long as a command that writes runs
  (``flows.cli.app`` does it at start-up): files made by anything in the process or by its
  children (Playwright's driver writes traces, ffmpeg videos) are then owner-only as well.
- ``private_dir`` creates each missing folder 0700 and leaves an existing one as it is.
- ``private_file`` creates a missing file 0600, leaves an existing one as it is, and refuses to
  go through a symbolic link.
- ``write_private`` writes a whole file (bytes or text) through a new 0600 temporary file and a
  rename: a reader sees the old file or the new one, never half of one.
- ``claim_file`` makes owner-only a file another process wrote at prolong's request in a folder
  prolong created (a screenshot or trace written by Playwright's driver): the folder, 0700 before
  the driver wrote, already kept it out of reach; this is for whoever copies the file elsewhere.
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

from automation.evidence.privacy import SECRET_MASK, secret_spellings

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "PRIVATE_UMASK",
    "Purged",
    "claim_file",
    "is_prolong_entry",
    "private_dir",
    "private_file",
    "private_umask",
    "purge",
    "redact_trace",
    "run_dir",
    "write_private",
]

DIR_MODE = 0o700
FILE_MODE = 0o600
#: Group and others get nothing: whatever a process creates is its owner's only.
PRIVATE_UMASK = 0o077

#: Names of the entries prolong creates in an artifacts folder: ``run_dir`` folders,
#: ``prolong bulk`` folders (``bulk-<file name>``) and ``prolong demo`` folders.
_PROLONG_NAMES = (
    re.compile(r"\d{8}-\d{6}-\d{6}-[\w.-]+"),
    re.compile(r"bulk-.+"),
    re.compile(r"demo-\d{8}-\d{6}"),
)


@contextmanager
def private_umask() -> Iterator[None]:
    """Umask 077 inside the block (group and others get no permission on anything created),
    the previous umask after it.

    The umask belongs to the process and is inherited by the processes it starts, so this is
    for a command's whole run, set before any thread or child process starts, not for one file.
    """
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents owner-only (0700); an existing folder is left
    as it is (it may be the user's, or the working directory).

    Raises ``NotADirectoryError`` when ``path`` exists and is not a folder.
    """
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        # One at a time: mkdir(parents=True) would give the parents the umask's default mode.
        # The mode is only ever narrowed by the umask, so 0700 or tighter from the first byte.
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def _open_new(path: Path) -> int:
    """A descriptor on a file created now, 0600 (O_EXCL: never an existing file or a link)."""
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, FILE_MODE)


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists as a file, ready to be written: created 0600 when missing, left
    as it is when it exists.

    Missing parent folders are created 0700; an existing parent is left as it is (it may be the
    working directory): the file's own mode keeps it private. A symbolic link at ``path`` is
    refused (``OSError``): a link planted where a private file is expected must not redirect it.
    """
    if not path.parent.exists():
        private_dir(path.parent)
    try:
        fd = _open_new(path)
    except FileExistsError:
        # Someone's file, or ours from an earlier run: its mode is not ours to change.
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    os.close(fd)
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole: a new 0600 temporary file beside it,
    then a rename over ``path``. Missing parent folders are created 0700.
    """
    private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # a leftover of a killed run with a recycled pid
    fd = _open_new(temporary)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def claim_file(path: Path) -> Path:
    """Make ``path``, a regular file another process wrote for prolong, owner-only (0600).

    For files prolong asked for but did not write itself (Playwright's driver writes screenshots,
    traces and videos), in a folder prolong created 0700 before asking. A link is refused
    (``OSError``), and a file that is not the user's is left alone.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def run_dir(root: Path, label: str) -> Path:
    """A new owner-only folder ``root/<timestamp>-<label>`` for one run's artifacts.

    ``root`` is created 0700 when missing; an existing one is left as it is.
    """
    private_dir(root)
    while True:
        folder = root / f"{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}-{label}"
        try:
            folder.mkdir(mode=DIR_MODE)  # new, never an existing folder: this run's alone
        except FileExistsError:
            continue  # another worker in the same microsecond: the clock has moved on
        return folder


# --- traces ----------------------------------------------------------------------------------

# Header and cookie names whose values are credentials (compared in lower case).
_CREDENTIAL_HEADERS = frozenset(
    {
        "cookie",
        "set-cookie",
        "authorization",
        "proxy-authorization",
        "x-sfdc-session",
        "x-csrf-token",
        "x-xsrf-token",
    }
)
# Trace members that hold JSON events, one per line (actions, network, console).
_EVENT_MEMBERS = (".trace", ".network")
# Members that are images or fonts; every other member is text when it decodes as UTF-8.
_BINARY_MEMBERS = (".jpeg", ".jpg", ".png", ".webp", ".gif", ".woff", ".woff2", ".ttf", ".zip")


def redact_trace(path: Path, secrets: Iterable[str] = ()) -> Path:
    """Rewrite the trace zip at ``path`` without credentials (see the module docstring).

    Every cookie value, ``Cookie``/``Set-Cookie``/``Authorization`` header value and every
    spelling of each of ``secrets`` is replaced by ``**********``. Images are left as they are.
    """
    spellings = sorted(
        {form for secret in secrets if secret for form in secret_spellings(secret)},
        key=len,
        reverse=True,
    )
    pattern = re.compile("|".join(re.escape(form) for form in spellings)) if spellings else None
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)  # a leftover of a killed run with a recycled pid
    # The rewritten trace is a new 0600 file that replaces the driver's whole, so the kept
    # trace is owner-only whatever mode the driver gave its own.
    try:
        with os.fdopen(_open_new(scratch), "w+b") as stream:
            _rewrite_trace(path, stream, pattern)
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    return path


def _rewrite_trace(path: Path, stream: Any, pattern: re.Pattern[str] | None) -> None:
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
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
        if (
            key == "value"
            and isinstance(item, str)
            and (credentials or named in _CREDENTIAL_HEADERS)
        ):
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
