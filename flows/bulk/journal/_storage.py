"""Where a journal lives: the SQLite file and its schema, one connection per thread, the lock.

A journal is only ever created where nothing exists yet: an existing path must already be a
prolong journal (``check_journal``), so an empty file, a CSV or someone else's SQLite database
given as ``--journal`` is refused, never changed (content, mode, folder). A new journal is
built beside its path and linked into place once its schema is written, so a journal is never
seen half-made, and a file that appeared there meanwhile is never written over.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final

from automation.evidence.artifacts import private_file
from flows.language import say

__all__ = [
    "SCHEMA_VERSION",
    "JournalBusy",
    "JournalLock",
    "NotAJournal",
    "Store",
    "check_journal",
    "now",
]

SCHEMA_VERSION: Final = "1"

_SQLITE_HEADER: Final = b"SQLite format 3\x00"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    row INTEGER NOT NULL,
    listed INTEGER NOT NULL DEFAULT 1,
    content TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT '',
    reason_fr TEXT NOT NULL DEFAULT '',
    reason_en TEXT NOT NULL DEFAULT '',
    where_fr TEXT NOT NULL DEFAULT '',
    where_en TEXT NOT NULL DEFAULT '',
    what_fr TEXT NOT NULL DEFAULT '',
    what_en TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT 'plan',
    opportunity_name TEXT,
    new_contract_number TEXT,
    premium TEXT,
    premium_currency TEXT,
    failed_step TEXT,
    artifacts TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0,
    check_first INTEGER NOT NULL DEFAULT 0,
    worker TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_claim ON requests (state, listed, check_first, row);
CREATE TABLE IF NOT EXISTS rows (
    row INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    duplicate_of INTEGER,
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    worker TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_key ON events (key, id);
CREATE TABLE IF NOT EXISTS step_timings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    step TEXT NOT NULL,
    started_at TEXT NOT NULL,
    seconds REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS step_timings_step ON step_timings (step);
"""

#: Columns added after journals were first written: (table, column, declaration). An older
#: journal gains them, empty, when it is opened (its rows read as before).
_ADDED_COLUMNS: Final = (
    # The premium is a decimal amount ("607.20") in ``premium`` since this column exists; an
    # older journal's ``premium`` holds the text the portal showed (« 607,20 $ »).
    ("requests", "premium_currency", "TEXT"),
)


class JournalBusy(RuntimeError):
    """Another run holds this journal; the message says which file to wait for."""


class NotAJournal(ValueError):
    """A path given as a journal holds something else; the message names it in one line."""


def now() -> str:
    """The time of a change, as the journal records it (UTC, ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _refuse(path: Path, found: str) -> NotAJournal:
    return NotAJournal(
        say(
            fr=f"{path} n’est pas un journal de prolong ({found}) : attendu le journal.sqlite "
            f"d’une "
            "exécution bulk de prolong, ou un chemin où rien n’existe encore",
            en=f"{path} is not a prolong journal ({found}): expected the journal.sqlite of a "
            f"prolong "
            "bulk run, or a path where none exists yet",
        )
    )


def check_journal(path: Path) -> None:
    """Raise ``NotAJournal`` unless nothing is at ``path`` or it is a prolong journal.

    Reads only: the first bytes, then the names of its tables, read-only.
    """
    if not os.path.lexists(path):
        return
    if not path.is_file():
        raise _refuse(path, say(fr="pas un fichier", en="not a file"))
    with path.open("rb") as stream:
        header = stream.read(len(_SQLITE_HEADER))
    if not header:
        raise _refuse(path, say(fr="un fichier vide", en="an empty file"))
    if header != _SQLITE_HEADER:
        raise _refuse(path, say(fr="pas une base SQLite", en="not an SQLite database"))
    # Without a -wal file beside it everything is in the file itself: read it as immutable, so
    # SQLite creates nothing beside someone else's database. With one (a journal in use, or a
    # run killed before its schema left the WAL) the WAL must be read too.
    wal = path.with_name(path.name + "-wal").exists()
    try:
        with contextlib.closing(
            sqlite3.connect(
                f"{path.resolve().as_uri()}?{'mode=ro' if wal else 'immutable=1'}",
                uri=True,
                timeout=30.0,
            )
        ) as db:
            tables = {
                name
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            schema = (
                db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
                if "meta" in tables
                else None
            )
    except sqlite3.Error as error:
        raise _refuse(
            path,
            say(fr=f"SQLite ne peut pas le lire : {error}", en=f"SQLite cannot read it: {error}"),
        ) from None
    if schema is None or not {"requests", "rows", "events"} <= tables:
        raise _refuse(
            path,
            say(
                fr="une base SQLite sans les tables de prolong",
                en="an SQLite database without prolong's tables",
            ),
        )


def _create(path: Path) -> None:
    """Write a new journal's schema beside ``path``, then link it there (never over a file)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    temporary.unlink(missing_ok=True)  # a leftover of a process that died here
    private_file(temporary)  # owner-only; creates missing folders 0700, leaves others alone
    try:
        with contextlib.closing(sqlite3.connect(temporary, isolation_level=None)) as db:
            db.executescript(_SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        with contextlib.suppress(FileExistsError):  # made meanwhile: check_journal judges it
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class Store:
    """The journal file at ``path``: a connection per thread and write transactions.

    Raises ``NotAJournal`` when ``path`` holds something other than a prolong journal.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if not os.path.lexists(path):
            _create(path)
        check_journal(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        # IF NOT EXISTS throughout: on a journal of this version, opening changes nothing.
        self.db().executescript(_SCHEMA)
        self._add_columns()

    def _add_columns(self) -> None:
        db = self.db()
        for table, column, declaration in _ADDED_COLUMNS:
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                try:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                except sqlite3.OperationalError as error:
                    # Another process (``bulk report`` beside a run) added it first.
                    if "duplicate column" not in str(error):
                        raise

    def db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE … COMMIT).
            db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed "submitting" survives a power cut, not only a killed process.
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
            with self._guard:
                self._connections.append(db)
        return db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``): one writer at a time,
        so what it reads is still true when it writes (claims never race)."""
        db = self.db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection."""
        with self._guard:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()


class JournalLock:
    """An exclusive lock on ``<journal>.lock`` for the length of one run.

    ``flock`` is released by the kernel when the process ends, however it ends, so a run killed
    with SIGKILL never leaves a stale lock behind.
    """

    def __init__(self, journal_path: Path) -> None:
        self.path = journal_path.with_name(journal_path.name + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> JournalLock:
        import fcntl  # POSIX only, like the rest of the bulk runner's process handling

        private_file(self.path)
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalBusy(
                f"another prolong bulk run is using {self.path.with_suffix('')}; wait for it to "
                "end (or stop it) before running again"
            ) from None
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
