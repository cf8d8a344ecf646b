"""The bulk journal: one SQLite row per request, every state change recorded before it matters.

States and the moves between them (``issued`` is never left)::

    pending ──claim──► in_progress ──hook──► submitting ──► issued
       ▲                 │   │                  │
       │                 │   └──► handed_off | invalid | failed | skipped
       └──── release ────┴──────────────────────┘   (circuit breaker, reconciled: not found)

- The hook passed to ``ExtensionFlow.run`` writes ``submitting`` (with the opportunity name)
  *before* « Finaliser la vente », and ``issued`` is written right after it; both commit at once
  (WAL, ``synchronous=FULL``), so a crash leaves at worst a row in ``submitting``.
- ``check_first`` marks a request that may already have been sold (a run stopped while it was
  ``in_progress`` or ``submitting``, or a fault after ``submitting``): it is claimed before any
  other and the worker asks the portal (``find_issued``) before entering it again.
- ``claim`` hands a pending request to exactly one worker: ``BEGIN IMMEDIATE`` then
  ``UPDATE … WHERE state = 'pending' … RETURNING``.
- ``load`` brings the journal up to date with a (possibly corrected) file: new requests come in
  planned; requests not final are planned again from their current row; a run that died is
  recovered (``in_progress``/``submitting`` → ``pending`` + ``check_first``). Only one run may
  use a journal at a time (``JournalLock``, released by the system even on SIGKILL).

The journal keeps no client data except the opportunity name the portal gives (it holds the
client's name), so it is created owner-only like every artifact.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Final

from automation.artifacts import private_dir, private_file
from flows.bulk.plan import Plan, PlanItem, Planned

__all__ = [
    "Claim",
    "Entry",
    "Event",
    "Journal",
    "JournalBusy",
    "JournalConflict",
    "JournalLock",
    "LoadSummary",
    "RowLink",
    "State",
]

SCHEMA_VERSION: Final = "1"


class State(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    SUBMITTING = "submitting"
    ISSUED = "issued"
    HANDED_OFF = "handed_off"
    INVALID = "invalid"
    FAILED = "failed"
    SKIPPED = "skipped"


#: A run is over for these; ``failed`` and ``skipped`` are pending again at the next load.
FINAL_STATES: Final = frozenset({State.ISSUED, State.HANDED_OFF, State.INVALID, State.FAILED,
                                 State.SKIPPED})
_IN_FLIGHT: Final = (State.IN_PROGRESS, State.SUBMITTING)

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
"""


class JournalConflict(RuntimeError):
    """A state change found the request in another state than expected (a bug, or two runs)."""


class JournalBusy(RuntimeError):
    """Another run holds this journal; the message says which file to wait for."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Claim:
    """A request handed to one worker."""

    key: str
    row: int
    contract_number: str
    check_first: bool
    attempts: int


@dataclass(frozen=True)
class Entry:
    """A request as the journal knows it (what reports are built from)."""

    key: str
    state: State
    row: int
    listed: bool
    contract_number: str
    route: str
    rule: str
    reason_fr: str
    reason_en: str
    where_fr: str
    where_en: str
    what_fr: str
    what_en: str
    problems: tuple[str, ...]
    message: str
    decided_by: str
    opportunity_name: str | None
    new_contract_number: str | None
    premium: str | None
    failed_step: str | None
    artifacts: tuple[str, ...]
    attempts: int
    check_first: bool
    updated_at: str


@dataclass(frozen=True)
class RowLink:
    """A row of the latest file and the request it stands for (``duplicate_of`` a row)."""

    row: int
    key: str
    duplicate_of: int | None
    message: str


@dataclass(frozen=True)
class Event:
    """One recorded state change."""

    key: str
    at: str
    from_state: State | None
    to_state: State
    worker: str | None
    detail: str


@dataclass(frozen=True)
class LoadSummary:
    """What ``load`` did: requests new to the journal, planned again, recovered from a crash."""

    new: int
    replanned: int
    recovered: int
    kept: int


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

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None


class Journal:
    """The SQLite journal at ``path``; safe to use from several threads (one connection each)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        private_dir(path.parent)
        private_file(path)  # created owner-only before SQLite opens it; WAL files follow its mode
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        db = self._db()
        db.executescript(_SCHEMA)  # IF NOT EXISTS throughout: opening again changes nothing
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    # --- connections -------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE … COMMIT).
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed "submitting" survives a power cut, not only a killed process.
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
            with self._guard:
                self._connections.append(db)
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``) so claims never race."""
        db = self._db()
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

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- meta --------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The journal's notes about itself (source file, notes of the reader, schema)."""
        return dict(self._db().execute("SELECT name, value FROM meta").fetchall())

    def set_meta(self, **values: str) -> None:
        """Record notes about the run (file name, when it was loaded…)."""
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    # --- loading a plan ------------------------------------------------------------------------

    def load(self, plan: Plan) -> LoadSummary:
        """Bring the journal up to date with ``plan`` (see the module docstring)."""
        counts: Counter[str] = Counter()
        with self._write() as db:
            recovered = self._recover(db)
            db.execute("UPDATE requests SET listed = 0")
            db.execute("DELETE FROM rows")
            for item in plan.items:
                db.execute("INSERT INTO rows VALUES (?, ?, ?, ?)",
                           (item.row, item.key, item.duplicate_of,
                            item.message if item.planned is Planned.DUPLICATE else ""))
                if item.planned is not Planned.DUPLICATE:
                    counts[self._load_item(db, item)] += 1
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
                ("file", plan.source.path.name), ("loaded_at", _now()),
                ("notes", json.dumps(list(plan.notes), ensure_ascii=False)),
            ])
        return LoadSummary(counts["new"], counts["replanned"], recovered, counts["kept"])

    def _recover(self, db: sqlite3.Connection) -> int:
        """Requests a dead run left in flight: pending again, to be checked in the portal first."""
        stranded = db.execute(
            "SELECT key, state FROM requests WHERE state IN (?, ?)", _IN_FLIGHT).fetchall()
        for key, state in stranded:
            db.execute("UPDATE requests SET state = ?, check_first = 1, worker = NULL, "
                       "updated_at = ? WHERE key = ?", (State.PENDING, _now(), key))
            self._event(db, key, State(state), State.PENDING, None,
                        "run interrupted: the portal is checked before entering it again")
        return len(stranded)

    def _load_item(self, db: sqlite3.Connection, item: PlanItem) -> str:
        found = db.execute("SELECT state, content, decided_by, check_first FROM requests "
                           "WHERE key = ?", (item.key,)).fetchone()
        state = _planned_state(item)
        if found is None:
            db.execute(
                "INSERT INTO requests (key, state, row, content, contract_number, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (item.key, state, item.row, item.content, item.contract_number, _now()))
            self._write_plan_fields(db, item)
            self._event(db, item.key, None, state, None, f"planned from row {item.row}")
            return "new"
        old_state, old_content = State(found[0]), str(found[1])
        decided_by, check_first = str(found[2]), bool(found[3])
        db.execute("UPDATE requests SET listed = 1, row = ? WHERE key = ?", (item.row, item.key))
        # Issued is final. A portal's verdict (hand-off, invalid) holds while the row is unchanged.
        keep = old_state is State.ISSUED or (
            decided_by == "flow" and old_state in (State.HANDED_OFF, State.INVALID)
            and old_content == item.content
        )
        if keep:
            return "kept"
        if check_first and state is not State.PENDING:
            # A past attempt may have sold it, and the row no longer plans an entry: a person
            # must look in the portal before doing anything with it.
            state = State.FAILED
        self._write_plan_fields(db, item)
        db.execute(
            "UPDATE requests SET state = ?, content = ?, contract_number = ?, decided_by = 'plan', "
            "message = ?, failed_step = NULL, worker = NULL, updated_at = ? WHERE key = ?",
            (state, item.content, item.contract_number,
             _CHANGED_AFTER_ATTEMPT if state is State.FAILED else item.message, _now(), item.key))
        if state is not old_state:
            self._event(db, item.key, old_state, state, None, f"planned again from row {item.row}")
        return "replanned"

    def _write_plan_fields(self, db: sqlite3.Connection, item: PlanItem) -> None:
        decision = item.decision
        handoff = decision.handoff if decision else None
        db.execute(
            "UPDATE requests SET route = ?, rule = ?, reason_fr = ?, reason_en = ?, "
            "where_fr = ?, where_en = ?, what_fr = ?, what_en = ?, problems = ?, message = ? "
            "WHERE key = ?",
            (item.route, decision.rule if decision else "",
             decision.reason_fr if decision else "", decision.reason_en if decision else "",
             handoff.where_fr if handoff else "", handoff.where_en if handoff else "",
             handoff.what_fr if handoff else "", handoff.what_en if handoff else "",
             json.dumps([str(p) for p in item.problems], ensure_ascii=False), item.message,
             item.key))

    # --- the run -----------------------------------------------------------------------------

    def claim(self, worker: str) -> Claim | None:
        """Hand the next pending request to ``worker`` (requests to check first come first)."""
        with self._write() as db:
            found = db.execute(
                "UPDATE requests SET state = ?, worker = ?, attempts = attempts + 1, "
                "updated_at = ? WHERE key = (SELECT key FROM requests WHERE state = ? "
                "AND listed = 1 ORDER BY check_first DESC, row LIMIT 1) AND state = ? "
                "RETURNING key, row, contract_number, check_first, attempts",
                (State.IN_PROGRESS, worker, _now(), State.PENDING, State.PENDING),
            ).fetchone()
            if found is None:
                return None
            key, row, number, check_first, attempts = found
            self._event(db, key, State.PENDING, State.IN_PROGRESS, worker,
                        "claimed to check the portal first" if check_first else "claimed")
        return Claim(key, row, number, bool(check_first), attempts)

    def submitting(self, key: str, opportunity_name: str, worker: str) -> None:
        """Written just before « Finaliser la vente »: from here the sale may exist."""
        self._move(key, _IN_FLIGHT, State.SUBMITTING, worker,
                   "finalising the sale", opportunity_name=opportunity_name)

    def issued(self, key: str, worker: str, *, contract_number: str, opportunity_name: str,
               premium: str | None, artifacts: Sequence[str] = (), message: str = "",
               reconciled: bool = False) -> None:
        """The sale is recorded: ``contract_number`` is the new AA contract."""
        detail = ("found already sold in the portal (reconciled)" if reconciled
                  else "contract issued")
        self._move(key, _IN_FLIGHT, State.ISSUED, worker, f"{detail}: {contract_number}",
                   new_contract_number=contract_number, opportunity_name=opportunity_name,
                   premium=premium, artifacts=json.dumps(list(artifacts)), message=message,
                   check_first=0, failed_step=None, decided_by="flow")

    def finish(self, key: str, state: State, worker: str, *, message: str,
               failed_step: str | None = None, artifacts: Sequence[str] = (),
               check_first: bool = False) -> None:
        """End the request in ``state`` (handed_off, invalid, failed or skipped)."""
        if state not in (State.HANDED_OFF, State.INVALID, State.FAILED, State.SKIPPED):
            raise ValueError(f"finish() does not end a request in {state}")
        self._move(key, _IN_FLIGHT, state, worker, message, message=message,
                   failed_step=failed_step, artifacts=json.dumps(list(artifacts)),
                   check_first=int(check_first),
                   decided_by="flow" if state in (State.HANDED_OFF, State.INVALID) else "plan")

    def retrying(self, key: str, worker: str, *, message: str, check_first: bool) -> None:
        """A fault: the worker keeps the request and tries again after a back-off."""
        self._move(key, _IN_FLIGHT, State.IN_PROGRESS, worker, f"retry after: {message}",
                   message=message, check_first=int(check_first), attempts_plus=1)

    def checked(self, key: str, worker: str) -> None:
        """The portal holds no contract for this request: it may be entered (again)."""
        self._move(key, _IN_FLIGHT, State.IN_PROGRESS, worker,
                   "reconciled: no contract in the portal", check_first=0)

    def release(self, key: str, worker: str, *, reason: str, check_first: bool) -> None:
        """Give the request back (pending) for a later claim or the next run."""
        self._move(key, _IN_FLIGHT, State.PENDING, worker, reason, message=reason,
                   check_first=int(check_first), clear_worker=True)

    def _move(self, key: str, expected: Sequence[State], to: State, worker: str | None,
              detail: str, *, attempts_plus: int = 0, clear_worker: bool = False,
              **columns: object) -> None:
        sets = ["state = ?", "updated_at = ?", "attempts = attempts + ?"]
        values: list[object] = [to, _now(), attempts_plus]
        if clear_worker:
            sets.append("worker = NULL")
        for name, value in columns.items():
            sets.append(f"{name} = ?")
            values.append(value)
        marks = ", ".join("?" for _ in expected)
        with self._write() as db:
            found = db.execute("SELECT state FROM requests WHERE key = ?", (key,)).fetchone()
            moved = db.execute(
                f"UPDATE requests SET {', '.join(sets)} WHERE key = ? AND state IN ({marks})",
                (*values, key, *expected)).rowcount
            if not moved:
                now = found[0] if found else "absent"
                raise JournalConflict(f"request {key} is {now}, expected {', '.join(expected)}")
            self._event(db, key, State(found[0]), to, worker, detail)

    def _event(self, db: sqlite3.Connection, key: str, from_state: State | None, to: State,
               worker: str | None, detail: str) -> None:
        db.execute("INSERT INTO events (key, at, from_state, to_state, worker, detail) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (key, _now(), from_state, to, worker, detail))

    # --- reading -----------------------------------------------------------------------------

    def entries(self, *, listed_only: bool = False) -> list[Entry]:
        """Every request, in row order."""
        where = " WHERE listed = 1" if listed_only else ""
        cursor = self._db().execute(f"SELECT {_ENTRY_COLUMNS} FROM requests{where} ORDER BY row")
        return [_entry(found) for found in cursor.fetchall()]

    def entry(self, key: str) -> Entry | None:
        """One request, or None."""
        found = self._db().execute(
            f"SELECT {_ENTRY_COLUMNS} FROM requests WHERE key = ?", (key,)).fetchone()
        return _entry(found) if found else None

    def rows(self) -> list[RowLink]:
        """The rows of the latest file loaded, in order."""
        cursor = self._db().execute("SELECT row, key, duplicate_of, message FROM rows ORDER BY row")
        return [RowLink(*found) for found in cursor.fetchall()]

    def events(self, key: str | None = None) -> list[Event]:
        """The recorded state changes (of one request, or all), oldest first."""
        query = "SELECT key, at, from_state, to_state, worker, detail FROM events"
        cursor = (self._db().execute(query + " WHERE key = ? ORDER BY id", (key,)) if key
                  else self._db().execute(query + " ORDER BY id"))
        return [Event(k, at, State(f) if f else None, State(t), w, d)
                for k, at, f, t, w, d in cursor.fetchall()]

    def state_counts(self) -> Counter[State]:
        """How many requests of the latest file are in each state."""
        cursor = self._db().execute(
            "SELECT state, COUNT(*) FROM requests WHERE listed = 1 GROUP BY state")
        return Counter({State(state): count for state, count in cursor.fetchall()})


_CHANGED_AFTER_ATTEMPT: Final = (
    "an earlier attempt may have finalised this sale, and the row changed since: look for the "
    "contract in Espace partenaire before entering anything by hand"
)

_ENTRY_FIELDS: Final = tuple(Entry.__dataclass_fields__)
_ENTRY_COLUMNS: Final = ", ".join(_ENTRY_FIELDS)


def _entry(found: Sequence[object]) -> Entry:
    values = dict(zip(_ENTRY_FIELDS, found, strict=True))
    values["state"] = State(str(values["state"]))
    values["listed"] = bool(values["listed"])
    values["check_first"] = bool(values["check_first"])
    values["problems"] = tuple(json.loads(str(values["problems"])))
    values["artifacts"] = tuple(json.loads(str(values["artifacts"])))
    return Entry(**values)  # type: ignore[arg-type]  # columns match the fields one to one


def _planned_state(item: PlanItem) -> State:
    return {
        Planned.ENTER: State.PENDING,
        Planned.HANDED_OFF: State.HANDED_OFF,
        Planned.INVALID: State.INVALID,
    }[item.planned]
