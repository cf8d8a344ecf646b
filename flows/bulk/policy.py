"""How the runner reacts to portal faults: bounded retries with back-off, and a circuit breaker.

A portal fault (the portal answered 500, timed out, signed the session out…) is worth another
try after a pause; a bad row is not (a business error is reported, never retried:
docs/architecture.md, « Errors »). When faults keep coming one after another the portal is down
or has changed, and going on would only turn every remaining row into a failure: the breaker
stops the run and leaves those rows pending.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from flows.language import say

__all__ = ["CircuitBreaker", "RetryPolicy", "back_off"]


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` tries per request and run; the pause doubles each time, with jitter."""

    max_attempts: int = 3
    base_delay_s: float = 2.0
    max_delay_s: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < self.base_delay_s:
            raise ValueError("delays must satisfy 0 <= base_delay_s <= max_delay_s")

    def delay(self, attempt: int, *, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based).

        Jitter (between half and all of the exponential delay) keeps several workers that
        failed together from hitting the portal again at the same instant.
        """
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        spread = rng.uniform(0.5, 1.0) if rng is not None else random.uniform(0.5, 1.0)
        return ceiling * spread


def back_off(seconds: float, stop: threading.Event) -> bool:
    """Wait ``seconds`` unless the run is stopping; True when the wait ran its course.

    An ``Event`` wait rather than ``time.sleep``: a stop (breaker, Ctrl-C) ends it at once.
    """
    return not stop.wait(seconds)


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
