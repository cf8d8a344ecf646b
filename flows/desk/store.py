"""The desk's own SQLite database under its data folder: users, sessions, sign-in failures,
runs and the hand-offs ticked done.

The folder and every file in it are owner-only (0700 / 0600): the database holds password
hashes, and the runs' folders hold the uploaded files with clients' data. Passwords are never
stored: only their Argon2 hash (``flows.desk.auth``). Session tokens are stored hashed too, so a
copy of the database opens no session.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

__all__ = ["DATABASE", "DeskStore", "HandoffTick", "Role", "RunRecord", "User", "now_iso"]

DATABASE: Final = "desk.sqlite"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, lang TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (who TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, file_name TEXT NOT NULL, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, started_by TEXT, started_at TEXT, pid INTEGER,
    status TEXT NOT NULL, exit_code INTEGER, lang TEXT NOT NULL, assist INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS run_keys (run_id TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS run_keys_key ON run_keys (key);
CREATE TABLE IF NOT EXISTS handoffs_done (
    run_id TEXT NOT NULL, row INTEGER NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (run_id, row)
);
CREATE TABLE IF NOT EXISTS actions (
    run_id TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL
);
"""


class Role(StrEnum):
    """What a user may do: an operator uploads, starts, stops and ticks; a viewer only looks."""

    OPERATOR = "operator"
    VIEWER = "viewer"


@dataclass(frozen=True)
class User:
    """A desk account (its hash stays in the store)."""

    name: str
    role: Role
    lang: str

    @property
    def may_act(self) -> bool:
        """True for an operator."""
        return self.role is Role.OPERATOR


@dataclass(frozen=True)
class RunRecord:
    """One uploaded file and its run: ``status`` planned, running, ended."""

    id: str
    file_name: str
    created_by: str
    created_at: str
    started_by: str | None
    started_at: str | None
    pid: int | None
    status: str
    exit_code: int | None
    lang: str
    assist: int = 0  # 1: each sale waits for an operator's « Approve » before it is finalised


@dataclass(frozen=True)
class HandoffTick:
    """A hand-off a person marked done: who and when."""

    row: int
    by: str
    at: str


def now_iso() -> str:
    """Now, in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def private_folder(path: Path) -> Path:
    """``path`` created if needed, owner-only."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


class DeskStore:
    """The desk's database in ``folder`` (created owner-only)."""

    def __init__(self, folder: Path) -> None:
        self.folder = private_folder(folder)
        self.path = folder / DATABASE
        if not self.path.exists():
            # Created empty and owner-only before SQLite writes its first byte.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(self.path, 0o600)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        old = os.umask(0o077)  # the -wal and -shm files SQLite creates beside it, owner-only
        try:
            db = sqlite3.connect(self.path, timeout=10)
        finally:
            os.umask(old)
        try:
            with db:
                yield db
        finally:
            db.close()

    # --- users -------------------------------------------------------------------------------

    def add_user(self, name: str, role: Role, password_hash: str, lang: str) -> None:
        """Add or replace the account ``name``."""
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO users (name, role, hash, lang) VALUES (?, ?, ?, ?)",
                (name, role.value, password_hash, lang),
            )

    def remove_user(self, name: str) -> bool:
        """Remove ``name`` and close its sessions; False when there was no such user."""
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
            return db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def users(self) -> list[User]:
        """Every account, by name."""
        with self._db() as db:
            found = db.execute("SELECT name, role, lang FROM users ORDER BY name").fetchall()
        return [User(name, Role(role), lang) for name, role, lang in found]

    def user(self, name: str) -> tuple[User, str] | None:
        """The account and its password hash, or None."""
        with self._db() as db:
            found = db.execute(
                "SELECT name, role, lang, hash FROM users WHERE name = ?", (name,)
            ).fetchone()
        return (User(found[0], Role(found[1]), found[2]), found[3]) if found else None

    def set_hash(self, name: str, password_hash: str) -> None:
        """Replace a hash (Argon2's parameters changed since it was made)."""
        with self._db() as db:
            db.execute("UPDATE users SET hash = ? WHERE name = ?", (password_hash, name))

    def set_lang(self, name: str, lang: str) -> None:
        """The language ``name`` reads the desk in."""
        with self._db() as db:
            db.execute("UPDATE users SET lang = ? WHERE name = ?", (lang, name))

    # --- sessions and failures ---------------------------------------------------------------

    def open_session(self, token_hash: str, user: str, csrf: str, expires_at: float) -> None:
        """Record a session (its token hashed)."""
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (expires_at - 86400 * 30,))
            db.execute(
                "INSERT INTO sessions (token_hash, user, csrf, expires_at) VALUES (?, ?, ?, ?)",
                (token_hash, user, csrf, expires_at),
            )

    def session(self, token_hash: str, now: float) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None."""
        with self._db() as db:
            found = db.execute(
                "SELECT u.name, u.role, u.lang, s.csrf FROM sessions s JOIN users u "
                "ON u.name = s.user WHERE s.token_hash = ? AND s.expires_at > ?",
                (token_hash, now),
            ).fetchone()
        return (User(found[0], Role(found[1]), found[2]), found[3]) if found else None

    def close_session(self, token_hash: str) -> None:
        """Forget a session (sign-out)."""
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def record_failure(self, who: str, at: float) -> None:
        """A refused sign-in for ``who`` (a user name, or a client address)."""
        with self._db() as db:
            db.execute("INSERT INTO failures (who, at) VALUES (?, ?)", (who, at))

    def failures_since(self, who: str, since: float) -> int:
        """How many sign-ins ``who`` had refused since ``since``."""
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE at < ?", (since - 86400,))
            (count,) = db.execute(
                "SELECT COUNT(*) FROM failures WHERE who = ? AND at >= ?", (who, since)
            ).fetchone()
        return int(count)

    def clear_failures(self, who: str) -> None:
        """A sign-in succeeded: its earlier failures no longer count."""
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE who = ?", (who,))

    # --- runs --------------------------------------------------------------------------------

    def add_run(self, run: RunRecord, keys: list[str]) -> None:
        """A new run (planned) and the request keys of its file."""
        with self._db() as db:
            db.execute(
                "INSERT INTO runs (id, file_name, created_by, created_at, status, lang) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run.id, run.file_name, run.created_by, run.created_at, run.status, run.lang),
            )
            db.executemany(
                "INSERT INTO run_keys (run_id, key) VALUES (?, ?)", [(run.id, k) for k in keys]
            )

    def run_holding(self, keys: list[str]) -> str | None:
        """The latest run whose file has one of these request keys, or None."""
        with self._db() as db:
            for key in keys:
                found = db.execute(
                    "SELECT r.id FROM run_keys k JOIN runs r ON r.id = k.run_id "
                    "WHERE k.key = ? ORDER BY r.created_at DESC LIMIT 1",
                    (key,),
                ).fetchone()
                if found:
                    return str(found[0])
        return None

    def runs(self) -> list[RunRecord]:
        """Every run, latest first."""
        with self._db() as db:
            found = db.execute(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY created_at DESC, id")
            return [RunRecord(*row) for row in found.fetchall()]

    def run(self, run_id: str) -> RunRecord | None:
        """One run, or None."""
        with self._db() as db:
            found = db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
            row = found.fetchone()
        return RunRecord(*row) if row else None

    def set_assist(self, run_id: str, assist: bool) -> None:
        """Whether the run's sales wait for an operator (set at « Start »)."""
        with self._db() as db:
            db.execute("UPDATE runs SET assist = ? WHERE id = ?", (int(assist), run_id))

    def started(self, run_id: str, by: str, pid: int) -> None:
        """The run's process is started."""
        with self._db() as db:
            db.execute(
                "UPDATE runs SET status = 'running', started_by = ?, started_at = ?, pid = ?, "
                "exit_code = NULL WHERE id = ?",
                (by, now_iso(), pid, run_id),
            )

    def ended(self, run_id: str, exit_code: int | None) -> None:
        """The run's process ended with ``exit_code``."""
        with self._db() as db:
            db.execute(
                "UPDATE runs SET status = 'ended', exit_code = ?, pid = NULL WHERE id = ?",
                (exit_code, run_id),
            )

    def record_action(self, run_id: str, user: str, action: str) -> None:
        """Who did what to a run, and when."""
        with self._db() as db:
            db.execute(
                "INSERT INTO actions (run_id, user, action, at) VALUES (?, ?, ?, ?)",
                (run_id, user, action, now_iso()),
            )

    def actions(self, run_id: str) -> list[tuple[str, str, str]]:
        """(user, action, at) of a run, oldest first."""
        with self._db() as db:
            found = db.execute(
                "SELECT user, action, at FROM actions WHERE run_id = ? ORDER BY rowid", (run_id,)
            )
            return [(str(user), str(action), str(at)) for user, action, at in found.fetchall()]

    def tick_handoff(self, run_id: str, row: int, by: str, done: bool) -> None:
        """Mark a hand-off done (who, now) or not done."""
        with self._db() as db:
            if done:
                db.execute(
                    "INSERT OR REPLACE INTO handoffs_done (run_id, row, by, at) "
                    "VALUES (?, ?, ?, ?)",
                    (run_id, row, by, now_iso()),
                )
            else:
                db.execute("DELETE FROM handoffs_done WHERE run_id = ? AND row = ?", (run_id, row))

    def handoffs_done(self, run_id: str) -> dict[int, HandoffTick]:
        """The hand-offs of a run marked done, by row."""
        with self._db() as db:
            found = db.execute(
                "SELECT row, by, at FROM handoffs_done WHERE run_id = ?", (run_id,)
            ).fetchall()
        return {row: HandoffTick(row, by, at) for row, by, at in found}


_RUN_COLUMNS: Final = ", ".join(RunRecord.__dataclass_fields__)
