"""Where a journal lives: the SQLite file, one connection per thread, the lock.

The schema is built and brought up to date by the numbered migrations (``_migrations``).

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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, TypeVar

from automation.evidence.artifacts import private_file
from flows.bulk.journal._db import Db
from flows.bulk.journal._errors import NotAJournal
from flows.bulk.journal._migrations import SQLITE, migrate, refuse_newer
from flows.language import say

__all__ = [
    "JournalBusy",
    "JournalLock",
    "NotAJournal",
    "Store",
    "check_journal",
    "now",
]

_T = TypeVar("_T")

_SQLITE_HEADER: Final = b"SQLite format 3\x00"


class JournalBusy(RuntimeError):
    """Another run holds this journal; the message says which file to wait for."""


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
    try:
        version = int(str(schema[0]))
    except ValueError:
        raise _refuse(
            path, say(fr="une version de schéma illisible", en="an unreadable schema version")
        ) from None
    refuse_newer(version, str(path))  # before anything is written, not even a -wal file


def _create(path: Path) -> None:
    """Write a new journal's schema beside ``path``, then link it there (never over a file)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    temporary.unlink(missing_ok=True)  # a leftover of a process that died here
    private_file(temporary)  # owner-only; creates missing folders 0700, leaves others alone
    try:
        with contextlib.closing(sqlite3.connect(temporary, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            migrate(Db(db, SQLITE), str(path))
            db.execute("COMMIT")
        with contextlib.suppress(FileExistsError):  # made meanwhile: check_journal judges it
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class Store:
    """The SQLite journal file at ``path``: a connection per thread and write transactions.

    Raises ``NotAJournal`` when ``path`` holds something other than a prolong journal. One run
    at a time uses it (``JournalLock``), so it is not ``shared``.
    """

    dialect: Final = SQLITE
    shared: Final = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        if not os.path.lexists(path):
            _create(path)
        check_journal(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        # One writer at a time (BEGIN IMMEDIATE): a ``bulk report`` opening the journal beside
        # a run finds it migrated or migrates it, never half-way. On a journal at the latest
        # version this only reads the version.
        self.write(lambda db: migrate(db, str(path)))

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

    def write(self, work: Callable[[Db], _T]) -> _T:
        """Run ``work`` in one write transaction, taken at once (``BEGIN IMMEDIATE``): one
        writer at a time, so what it reads is still true when it writes (claims never race)."""
        db = self.db()
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(Db(db, SQLITE))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    def read(self, work: Callable[[Db], _T]) -> _T:
        """Run ``work`` on this thread's connection, outside a write transaction."""
        return work(Db(self.db(), SQLITE))

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
