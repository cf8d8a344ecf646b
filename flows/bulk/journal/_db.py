"""What the journal's code talks to, whatever the database: ``Db`` and ``JournalStore``.

``Db`` is one connection inside a transaction with ``?`` placeholders on every backend (the
PostgreSQL driver's ``%s`` is written for it). ``JournalStore`` is a journal's database:
``write`` runs a unit of work in one write transaction, ``read`` without one; a store may run
a unit of work again after a lost connection, so each must be safe to run twice (worker moves
carry a token for that, see ``flows.bulk.journal._journal``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from flows.bulk.journal._migrations import POSTGRESQL, Dialect

__all__ = ["Cursor", "Db", "JournalStore"]

_T = TypeVar("_T")


class Cursor(Protocol):
    """What the journal reads of a DB-API cursor."""

    @property
    def rowcount(self) -> int:
        """How many rows the statement changed."""

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> list[Any]:
        """The remaining rows."""


class Db:
    """One connection (``sqlite3`` or ``psycopg``) inside a transaction, ``?`` placeholders."""

    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self._connection = connection
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        if self.dialect is POSTGRESQL:
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        """Execute one statement."""
        cursor: Cursor = self._connection.execute(self._sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Execute one statement once per row of parameters."""
        if self.dialect is POSTGRESQL:
            with self._connection.cursor() as cursor:
                cursor.executemany(self._sql(sql), [tuple(row) for row in rows])
        else:
            self._connection.executemany(sql, [tuple(row) for row in rows])

    # --- what migrations need (``flows.bulk.journal._migrations.Schema``) ---------------------

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Execute one statement; the rows it returned, if any."""
        cursor = self._connection.execute(self._sql(sql), tuple(params))
        return list(cursor.fetchall()) if cursor.description else []

    def columns(self, table: str) -> frozenset[str]:
        """The names of ``table``'s columns."""
        if self.dialect is POSTGRESQL:
            found = self.run(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ?",
                (table,),
            )
            return frozenset(str(name) for (name,) in found)
        return frozenset(str(row[1]) for row in self.run(f"PRAGMA table_info({table})"))


class JournalStore(Protocol):
    """A journal's database: SQLite (one run at a time) or PostgreSQL (many machines)."""

    @property
    def where(self) -> str:
        """How messages name it (a path, or a URL without its password)."""

    @property
    def shared(self) -> bool:
        """True when several runs may use it at once (claims then take leases into account)."""

    @property
    def dialect(self) -> Dialect:
        """The database's dialect."""

    def write(self, work: Callable[[Db], _T]) -> _T:
        """Run ``work`` in one write transaction; its result."""

    def read(self, work: Callable[[Db], _T]) -> _T:
        """Run ``work`` to read; its result."""

    def close(self) -> None:
        """Close every connection."""
