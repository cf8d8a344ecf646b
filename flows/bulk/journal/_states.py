"""Where a request stands in the journal, and the one table of the moves between standings.

A request is either in one of the journal's own in-flight ``State``\\ s or ended with an
``Outcome`` (``flows.outcome``; ``duplicate`` is never stored: duplicates are rows, not
requests). ``MOVES`` lists, for each standing, where a request may go next; ``move`` is the one
function that changes a standing: it checks the table, writes the row and records the event,
inside the caller's write transaction. ``issued`` is never left::

    (new row) ──► pending ──claim──► in_progress ──hook──► submitting ──► issued
                     ▲                 │   │                   │
                     │                 │   └──► handed_off | invalid | failed | skipped
                     ├── release ──────┴───────────────────────┘   (stop, reconciled, crash)
                     └── planned again ◄── handed_off | invalid | failed | skipped

One move is outside the table: a sale recorded late (``move(..., late_sale=True)``), from a
worker whose click went through after its claim was lost: ``issued`` from wherever the request
stands by then, never from ``issued`` (``flows.bulk.journal._fence`` says when).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, TypeAlias

from flows.bulk.journal._db import Db
from flows.bulk.journal._storage import now
from flows.outcome import Outcome

__all__ = [
    "ENDINGS",
    "IN_FLIGHT",
    "MOVES",
    "ClaimLost",
    "JournalConflict",
    "Standing",
    "State",
    "check_move",
    "move",
    "record_event",
    "standing",
]


class State(StrEnum):
    """The journal's in-flight states: a request not ended yet."""

    PENDING = "pending"  # waiting for a worker (again, after a stop or a crash)
    IN_PROGRESS = "in_progress"  # a worker holds it
    SUBMITTING = "submitting"  # « Finaliser la vente » is being clicked: the sale may exist


#: Where a request stands: in flight, or ended.
Standing: TypeAlias = State | Outcome

IN_FLIGHT: Final[frozenset[Standing]] = frozenset({State.IN_PROGRESS, State.SUBMITTING})

#: The outcomes a worker may end a request with.
ENDINGS: Final[frozenset[Standing]] = frozenset(
    {Outcome.ISSUED, Outcome.HANDED_OFF, Outcome.INVALID, Outcome.FAILED, Outcome.SKIPPED}
)

# Where loading the file puts a request it plans again: pending to enter, or what routing says;
# failed when an attempt that may have sold it was followed by a change of the row.
_PLANNED_AGAIN: Final[frozenset[Standing]] = frozenset(
    {State.PENDING, Outcome.HANDED_OFF, Outcome.INVALID, Outcome.FAILED, Outcome.CONFLICT}
)
# What a worker holding a request may do with it: retry (in_progress), finalise (submitting),
# give it back (pending), or end it.
_WORKED: Final[frozenset[Standing]] = frozenset({*State, *ENDINGS})

#: The one table of moves: standing (None: not in the journal yet) → where it may go next.
MOVES: Final[Mapping[Standing | None, frozenset[Standing]]] = {
    None: frozenset({State.PENDING, Outcome.HANDED_OFF, Outcome.INVALID, Outcome.CONFLICT}),
    State.PENDING: frozenset({State.IN_PROGRESS, *_PLANNED_AGAIN}),
    State.IN_PROGRESS: _WORKED,
    State.SUBMITTING: _WORKED,
    Outcome.ISSUED: frozenset(),  # the contract exists: nothing may ever enter it again
    Outcome.HANDED_OFF: _PLANNED_AGAIN,
    Outcome.INVALID: _PLANNED_AGAIN,
    Outcome.FAILED: _PLANNED_AGAIN,
    Outcome.SKIPPED: _PLANNED_AGAIN,
    Outcome.CONFLICT: _PLANNED_AGAIN,  # rows that disagree: planned again once the file is fixed
}


class JournalConflict(RuntimeError):
    """A state change found the request in another state than expected (a bug, or two runs)."""


class ClaimLost(JournalConflict):
    """A worker's claim ran out and another worker took the request: it must leave it alone."""


def standing(text: str) -> Standing:
    """A standing as the journal stores it (its value)."""
    try:
        return State(text)
    except ValueError:
        return Outcome(text)


def check_move(key: str, current: Standing | None, to: Standing) -> None:
    """Raise ``JournalConflict`` unless ``MOVES`` lets a request go from ``current`` to ``to``."""
    if to not in MOVES.get(current, frozenset()):
        raise JournalConflict(f"request {key} is {current or 'absent'}: it may not become {to}")


def record_event(
    db: Db,
    key: str,
    current: Standing | None,
    to: Standing,
    worker: str | None,
    detail: str,
) -> None:
    """Append one state change to the events (the caller checked it with ``check_move``)."""
    db.execute(
        "INSERT INTO events (key, at, from_state, to_state, worker, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (key, now(), current, to, worker, detail),
    )


def move(
    db: Db,
    key: str,
    to: Standing,
    by: str | None,
    detail: str,
    columns: Mapping[str, object] | None = None,
    *,
    attempts_plus: int = 0,
    event_if_unchanged: bool = True,
    late_sale: bool = False,
) -> Standing:
    """Move the request ``key`` to ``to`` and set ``columns`` (name → value); returns where it
    was.

    ``by`` (the worker, None for loading) and ``detail`` go to the event.

    Run inside a write transaction (``JournalStore.write``): the standing read here is still the
    standing when the row is written (the row is locked on PostgreSQL). Raises
    ``JournalConflict`` for a move ``MOVES`` forbids; ``late_sale`` (to ``issued`` only) allows
    any standing but ``issued`` instead.
    """
    found = db.execute(
        f"SELECT state FROM requests WHERE key = ?{db.dialect.row_lock}", (key,)
    ).fetchone()
    if found is None:
        raise JournalConflict(f"request {key} is absent: it may not become {to}")
    current = standing(str(found[0]))
    if late_sale and to is Outcome.ISSUED and current is not Outcome.ISSUED:
        pass  # the contract exists in the portal: the journal must say so
    else:
        check_move(key, current, to)
    sets = ["state = ?", "updated_at = ?", "attempts = attempts + ?"]
    values: list[object] = [to, now(), attempts_plus]
    for name, value in (columns or {}).items():
        sets.append(f"{name} = ?")
        values.append(value)
    db.execute(f"UPDATE requests SET {', '.join(sets)} WHERE key = ?", (*values, key))
    if event_if_unchanged or current is not to:
        record_event(db, key, current, to, by, detail)
    return current
