"""What the desk's users did to a run, kept in the run's journal (``Journal.record_action``).

Every desk action (upload, « Start », « Stop », « Retry », a hand-off ticked, a sale approved or
skipped) is one of the journal's events with the user's name: the journal the run's bulk
process writes, so a run's record of who did what travels with its journal and needs no desk
to be read. The journal is created at the upload (empty: the run loads the file into it later),
so the upload is its first event.

The desk names an action as words (``upload``, ``retry 9``, ``approve 3``, ``handoff 19
done``); the journal keeps the verb as the action's name (``retry``, ``handoff_done``), the row
in its detail (``row 9``) and the row's request as its key once the file is loaded. No client
data goes into the journal.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Final

from flows.bulk.journal import Journal

__all__ = ["read_actions", "record_action"]

_ROW: Final = re.compile(r"row (\d+)")


def _split(words: str) -> tuple[str, int | None]:
    """``retry 9`` → (``retry``, 9); ``handoff 19 done`` → (``handoff_done``, 19)."""
    parts = words.split()
    if len(parts) == 3 and parts[0] == "handoff" and parts[1].isdigit():
        return f"handoff_{parts[2]}", int(parts[1])
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0], int(parts[1])
    return words, None


def _words(action: str, row: int | None) -> str:
    if row is None:
        return action
    if action.startswith("handoff_"):
        return f"handoff {row} {action.removeprefix('handoff_')}"
    return f"{action} {row}"


def record_action(journal: Path, user: str, words: str) -> None:
    """Record in ``journal`` that ``user`` did ``words`` (see the module's note); the journal
    and its folder are created owner-only when the run has none yet."""
    journal.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(journal.parent, 0o700)
    action, row = _split(words)
    with Journal(journal) as opened:
        key = None
        if row is not None:
            key = next((link.key for link in opened.rows() if link.row == row), None)
        opened.record_action(key, action, user, "" if row is None else f"row {row}")


def read_actions(journal: Path) -> list[tuple[str, str, str]]:
    """(user, words, at) of the actions in ``journal``, oldest first; ``at`` in UTC to the
    second. None before the journal exists."""
    if not journal.exists():
        return []
    with Journal(journal) as opened:
        found = opened.actions()
    listed = []
    for action in found:
        row = _ROW.fullmatch(action.detail)
        at = datetime.fromisoformat(action.at).isoformat(timespec="seconds")
        listed.append((action.actor, _words(action.action, int(row[1]) if row else None), at))
    return listed
