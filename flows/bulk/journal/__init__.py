"""The bulk journal: one row per request, every state change recorded before it matters.

The journal is an SQLite file (the embedded default, one run at a time) or a PostgreSQL
database (``postgresql://…``: the runs of many machines at once), with one schema (the
numbered ``MIGRATIONS``) and one table of moves on both.

::

    _errors      NotAJournal, JournalTooNew             what opening a journal may refuse
    _migrations  MIGRATIONS, migrate                    the schema's numbered history
    _db          Db, JournalStore                       what the journal's SQL talks to
    _storage     Store, JournalLock, check_journal      the SQLite file, connections, the lock
    _postgresql  PostgresStore                          the PostgreSQL database, its pool
    _states      State, MOVES, move                     where a request stands; the moves
    _loading     load_plan, LoadSummary                 a (corrected) file brought into the journal
    _journal     Journal, Claim, Entry, Event, Action   a worker's moves, people's actions, what
                                                        reports read

A request is ``pending``, ``in_progress`` or ``submitting`` (``State``) until it ends with an
``Outcome`` (``flows.outcome``); ``issued`` is never left. Only one run may use an SQLite
journal at a time (``JournalLock``, released by the system even on SIGKILL); on PostgreSQL
claims are held with leases instead, and an expired one is taken over. Only a path where nothing
exists becomes a new journal: anything else that is not a prolong journal is ``NotAJournal``.

The journal keeps no client data except the opportunity name the portal gives (it holds the
client's name), so it is created owner-only like every artifact.
"""

from __future__ import annotations

from flows.bulk.journal._errors import JournalTooNew, JournalUnavailable
from flows.bulk.journal._journal import (
    Action,
    Claim,
    Entry,
    Event,
    Journal,
    RowLink,
    StepTime,
    TimedStep,
)
from flows.bulk.journal._loading import LoadSummary
from flows.bulk.journal._postgresql import is_database_url, safe_url
from flows.bulk.journal._states import (
    ENDINGS,
    IN_FLIGHT,
    MOVES,
    ClaimLost,
    JournalConflict,
    Standing,
    State,
    check_move,
)
from flows.bulk.journal._storage import JournalBusy, JournalLock, NotAJournal, check_journal

__all__ = [
    "ENDINGS",
    "IN_FLIGHT",
    "MOVES",
    "Action",
    "Claim",
    "ClaimLost",
    "Entry",
    "Event",
    "Journal",
    "JournalBusy",
    "JournalConflict",
    "JournalLock",
    "JournalTooNew",
    "JournalUnavailable",
    "LoadSummary",
    "NotAJournal",
    "RowLink",
    "Standing",
    "State",
    "StepTime",
    "TimedStep",
    "check_journal",
    "check_move",
    "is_database_url",
    "safe_url",
]
