"""What opening or using a journal may refuse::

ValueError
 └─ NotAJournal         the path or URL holds something else than a prolong journal
     └─ JournalTooNew   a journal written by a newer prolong (a schema this one does not know)
RuntimeError
 └─ JournalUnavailable  the journal's database stayed out of reach: the run stops (exit 3)
"""

from __future__ import annotations

__all__ = ["JournalTooNew", "JournalUnavailable", "NotAJournal"]


class NotAJournal(ValueError):
    """A path given as a journal holds something else; the message names it in one line."""


class JournalTooNew(NotAJournal):
    """A journal whose schema is newer than this prolong's: it is read by none of its code."""


class JournalUnavailable(RuntimeError):
    """The journal's database could not be reached again within the outage allowed."""
