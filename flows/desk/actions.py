"""What the desk's users do to a run, recorded among the run's journal events with the user's
name (``Journal.record_action``), as the assisted sale's « Approve » and « Skip » are.

The journal is the run's own record, the one its bulk process writes and ``bulk report``'s
summary reads: who uploaded the file, started, stopped or retried the run, ticked a hand-off,
travels with it. The journal is created at the upload (empty: the run loads the file into it
later), so the upload is its first event. The desk names an action in words (``upload``,
``retry 9``, ``handoff 19 done``); the journal keeps the verb as the action (``retry``,
``handoff_done``), the row in the detail (``row 9``) and, once the file is loaded, the row's
request as the key. No client data goes into the journal.
"""

from __future__ import annotations

import os
from pathlib import Path

from flows.bulk.journal import Journal

__all__ = ["journal_action", "record_in_journal"]


def journal_action(words: str) -> tuple[str, int | None]:
    """The journal's action and row for the desk's words: ``retry 9`` → (``retry``, 9),
    ``handoff 19 done`` → (``handoff_done``, 19), ``start`` → (``start``, None)."""
    parts = words.split()
    if len(parts) == 3 and parts[0] == "handoff" and parts[1].isdigit():
        return f"handoff_{parts[2]}", int(parts[1])
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0], int(parts[1])
    return words, None


def record_in_journal(journal: Path, user: str, words: str) -> None:
    """Record in ``journal`` that ``user`` did ``words``; the journal and its folder are created
    owner-only when the run has none yet."""
    journal.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(journal.parent, 0o700)
    action, row = journal_action(words)
    with Journal(journal) as opened:
        key = None
        if row is not None:
            key = next((link.key for link in opened.rows() if link.row == row), None)
        opened.record_action(key, action, user, "" if row is None else f"row {row}")
