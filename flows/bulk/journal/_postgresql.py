"""A journal on PostgreSQL: one database for the runs of many machines (psycopg 3, a pool).

The schema is the SQLite journal's, built by the same numbered migrations
(``flows.bulk.journal._migrations``) under an advisory lock, so two machines opening a new
journal at once migrate it once. Every unit of work runs in its own transaction on a pooled
connection (autocommit outside them: a connection never idles inside a transaction). A lost
connection, or a database restarting, is retried with a growing back-off for ``outage_s``
seconds; after that ``JournalUnavailable`` stops the run. A unit of work may therefore run twice
when a commit's answer was lost: the journal's worker moves carry a token so the second run
sees the first one done (``flows.bulk.journal._journal``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from automation.text import first_line
from flows.bulk.journal._db import Db
from flows.bulk.journal._errors import JournalUnavailable, NotAJournal
from flows.bulk.journal._migrations import POSTGRESQL, migrate, recorded_version
from flows.language import say

__all__ = ["URL_SCHEMES", "PostgresStore", "is_database_url", "safe_url"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

#: How a ``--journal`` names a PostgreSQL database.
URL_SCHEMES: Final = ("postgresql://", "postgres://")

# Any 64-bit number of the application's own: the advisory lock that serialises migrations and
# loads of one journal database (``pg_advisory_xact_lock``; released at commit).
_SCHEMA_LOCK: Final = 0x70726F6C6F6E67  # "prolong"
_FIRST_DELAY_S: Final = 0.1
_MAX_DELAY_S: Final = 2.0


def is_database_url(journal: str) -> bool:
    """True when ``journal`` names a PostgreSQL database rather than a file."""
    return journal.startswith(URL_SCHEMES)


def safe_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}"))


class PostgresStore:
    """The journal in the PostgreSQL database at ``url``; shared by the runs of many machines.

    Raises ``JournalUnavailable`` when the database cannot be reached within ``outage_s``
    seconds, ``NotAJournal`` when it holds tables of prolong's names without being a journal,
    ``JournalTooNew`` when a newer prolong wrote it.
    """

    dialect: Final = POSTGRESQL
    shared: Final = True

    def __init__(self, url: str, *, outage_s: float = 30.0, max_connections: int = 20) -> None:
        self.where = safe_url(url)
        self.outage_s = outage_s
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "connect_timeout": 5},
            check=ConnectionPool.check_connection,  # a connection the restart broke is replaced
            open=False,
            name="prolong-journal",
        )
        self._pool.open(wait=False)
        try:
            self.write(self._migrate)
        except BaseException:
            self._pool.close()
            raise

    def _migrate(self, db: Db) -> int:
        db.run("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))
        if "requests" in _tables(db) and ("meta" not in _tables(db) or recorded_version(db) == 0):
            raise NotAJournal(
                say(
                    fr=f"{self.where} n’est pas un journal de prolong (une base qui a déjà une "
                    "table « requests ») : donnez une base vide ou le journal d’une exécution",
                    en=f"{self.where} is not a prolong journal (a database that already has "
                    "a « requests » table): give an empty database or a run's journal",
                )
            )
        return migrate(db, self.where)

    def lock_loading(self, db: Db) -> None:
        """Inside a write: wait until no other machine is loading a file into this journal."""
        db.run("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))

    def write(self, work: Callable[[Db], _T]) -> _T:
        """Run ``work`` in one transaction, again after a lost connection (back-off)."""
        return self._retrying(work)

    def read(self, work: Callable[[Db], _T]) -> _T:
        """Run ``work`` to read (in a transaction: one snapshot), again after a lost connection."""
        return self._retrying(work)

    def _retrying(self, work: Callable[[Db], _T]) -> _T:
        deadline = time.monotonic() + self.outage_s
        delay = _FIRST_DELAY_S
        failures = 0
        while True:
            try:
                wait = max(1.0, deadline - time.monotonic())
                with self._pool.connection(timeout=wait) as db, db.transaction():
                    return work(Db(db, POSTGRESQL))
            except (psycopg.OperationalError, PoolTimeout) as error:
                # OperationalError: the connection went (or the server is restarting), and the
                # transaction rolled back: the work is run again from its start.
                failures += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise JournalUnavailable(
                        say(
                            fr=f"le journal {self.where} est injoignable depuis "
                            f"{self.outage_s:g} s ({first_line(error)}) : exécution arrêtée ; "
                            "relancez la même commande quand la base répond",
                            en=f"the journal {self.where} has been out of reach for "
                            f"{self.outage_s:g} s ({first_line(error)}): run stopped; run the "
                            "same command again once the database answers",
                        )
                    ) from error
                if failures == 1:
                    logger.warning("journal %s out of reach, retrying: %s", self.where, error)
                time.sleep(min(delay, left))
                delay = min(delay * 2, _MAX_DELAY_S)

    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()


def _tables(db: Db) -> frozenset[str]:
    found = db.run(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return frozenset(str(name) for (name,) in found)
