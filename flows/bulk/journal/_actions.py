"""What a person did, kept among the journal's events: who (``actor``), what (``action``), when.

The desk's operators approve or skip a sale, start, stop or retry a run, tick a hand-off; each
of these is one row of ``events`` whose ``action`` and ``actor`` are set (migration 5). Such an
event moves nothing: its ``to_state`` is NULL and ``from_state`` says where the request stood;
its ``key`` is NULL for an action on the run as a whole. ``Journal.events`` reads the state
changes only, ``Journal.actions`` these.

An action's detail is a few words for the record, never client data: the journal keeps no
name or birth date (``flows.bulk.journal``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from flows.bulk.journal._db import Db
from flows.bulk.journal._states import JournalConflict, Standing, standing
from flows.bulk.journal._storage import now

__all__ = ["ACTION_COLUMNS", "Action", "check_action", "insert_action", "read_action"]


@dataclass(frozen=True)
class Action:
    """One thing a person did (``Journal.record_action``): who, what, when, on which request.

    ``key`` is None for an action on the run as a whole (start, stop); ``standing`` is where the
    request stood when it was done (None: no request).
    """

    key: str | None
    at: str
    action: str
    actor: str
    detail: str
    standing: Standing | None


#: An action's name: a short word of lower-case letters, digits and ``_`` (``approve``).
_ACTION_NAME: Final = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: The longest actor (a user's name) and detail an action keeps.
_ACTOR_MAX: Final = 200
_DETAIL_MAX: Final = 500

#: The columns ``read_action`` reads, in its order.
ACTION_COLUMNS: Final = "key, at, action, actor, detail, from_state"


def check_action(action: str, actor: str, detail: str) -> None:
    """Raise ``ValueError``, naming the argument, for an action the journal may not keep."""
    if not _ACTION_NAME.fullmatch(action):
        raise ValueError(
            f"action {action!r}: expected a short name of lower-case letters, digits and _ "
            "(e.g. approve, skip, start), at most 40 characters"
        )
    if not actor.strip() or len(actor) > _ACTOR_MAX or not actor.isprintable():
        raise ValueError(
            f"actor: expected the name of the person who acted, 1 to {_ACTOR_MAX} printable "
            "characters on one line"
        )
    if len(detail) > _DETAIL_MAX or not detail.isprintable():
        raise ValueError(f"detail: expected at most {_DETAIL_MAX} printable characters on one line")


def insert_action(db: Db, *, key: str | None, action: str, actor: str, detail: str) -> None:
    """Append one action to the events, in the caller's write transaction.

    Raises ``ValueError`` (``check_action``), or ``JournalConflict`` when ``key`` names no
    request.
    """
    check_action(action, actor, detail)
    current: str | None = None
    if key is not None:
        found = db.execute("SELECT state FROM requests WHERE key = ?", (key,)).fetchone()
        if found is None:
            raise JournalConflict(f"request {key} is absent: no action may name it")
        current = str(found[0])
    db.execute(
        "INSERT INTO events (key, at, from_state, to_state, worker, detail, actor, action) "
        "VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)",
        (key, now(), current, detail, actor, action),
    )


def read_action(values: Sequence[object]) -> Action:
    """An action from a row of ``ACTION_COLUMNS``."""
    key, at, action, actor, detail, state = values
    return Action(
        None if key is None else str(key),
        str(at),
        str(action),
        str(actor),
        str(detail),
        standing(str(state)) if state else None,
    )
