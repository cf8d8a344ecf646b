"""The runner's circuit breaker: when portal faults keep coming, stop the run.

Each fault is tried again within ``flows.attempts`` (bounded, with back-off); when faults keep
coming one after another over every worker the portal is down or has changed, and going on
would only turn every remaining row into a failure: the breaker stops the run and leaves those
rows pending.
"""

from __future__ import annotations

import threading

from flows.language import say

__all__ = ["CircuitBreaker"]


class CircuitBreaker:
    """Trips after ``threshold`` portal faults in a row, counted over every worker.

    Any answer that is not a fault (a sale, a hand-off, an invalid row, a reconciliation)
    resets the count: the portal is up. Thread-safe.
    """

    def __init__(self, threshold: int) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self._faults = 0
        self._lock = threading.Lock()
        self._last: str = ""
        self._tripped = False

    def fault(self, message: str) -> bool:
        """Count one fault; True when this one trips the breaker (or it already was)."""
        with self._lock:
            self._faults += 1
            self._last = message
            if self._faults >= self.threshold:
                self._tripped = True
            return self._tripped

    def success(self) -> None:
        """The portal answered: reset the count (a tripped breaker stays tripped)."""
        with self._lock:
            self._faults = 0

    @property
    def tripped(self) -> bool:
        """Whether the run must stop."""
        return self._tripped

    @property
    def reason(self) -> str:
        """What to tell the operator when it tripped."""
        return say(
            fr=f"arrêt après {self.threshold} pannes du portail d'affilée (dernière : "
            f"{self._last}) ; les demandes non faites restent à faire : relancer la même "
            "commande quand le portail répond",
            en=f"stopped after {self.threshold} portal faults in a row (last: {self._last}); "
            "the requests not done stay pending: run the same command again once the portal "
            "answers",
        )
