"""How a run asks a person before each sale is finalised (``--assist``, the desk).

``Confirm`` is the terminal's question: (row, contract number, premium) → ``Answer``, one at a
time (a terminal has one prompt). ``Asking`` is the richer form: its ``ask`` is given a
``Question`` carrying the run's stop event (a wait for the answer ends when the run stops) and
the pending sale (its page can be pictured), and ``concurrent=True`` lets several workers'
questions wait at once (the desk shows each in its own section). A plain ``Confirm`` passed to
the runner is asked as ``Asking(..., concurrent=False)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from flows.bulk.seam import SaleLike

__all__ = ["Answer", "Asking", "Confirm", "Question", "asking"]


class Answer(StrEnum):
    """The operator's answer before a sale is finalised."""

    FINALISE = "finalise"
    SKIP = "skip"
    STOP = "stop"  # skip this one and stop the run
    # Nobody answered before the run stopped: the request goes back to pending, neither sold
    # nor skipped, for the next run to ask again.
    UNANSWERED = "unanswered"


#: Asks the operator about one sale: (row, contract number, premium shown) → answer. Called one
#: at a time.
Confirm = Callable[[int, str, str], Answer]


@dataclass(frozen=True)
class Question:
    """One sale waiting for a person's word."""

    key: str  # the request's key in the journal (a hash: no client data)
    row: int
    contract_number: str
    premium: str  # as the portal shows it
    stop: threading.Event = field(repr=False)  # set when the run stops: end the wait then
    sale: SaleLike = field(repr=False)

    def screenshot(self, path: Path) -> bool:
        """Picture the page of the sale (values entered, premium) in ``path``, owner-only;
        False when the flow has no page. Only from the thread that was asked."""
        return self.sale.screenshot(path)


@dataclass(frozen=True)
class Asking:
    """How a run asks: ``ask`` answers one ``Question``; ``concurrent`` lets several questions
    wait at once (else they are asked one after the other)."""

    ask: Callable[[Question], Answer]
    concurrent: bool = False


def asking(confirm: Confirm | Asking) -> Asking:
    """``confirm`` as an ``Asking`` (a terminal's ``Confirm`` is asked one at a time)."""
    if isinstance(confirm, Asking):
        return confirm

    def ask(question: Question) -> Answer:
        return confirm(question.row, question.contract_number, question.premium)

    return Asking(ask, concurrent=False)
