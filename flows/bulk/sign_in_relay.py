"""One sign-in for the workers of a bulk run: the first signs in, the others start from it.

Signing in costs a worker a page load of the sign-in page and the portal's round trips, and
four workers signing in at once on two cores took twice as long to reach full speed as two.
So a worker that finds no session to start from (none handed over here, and no saved state
of ``prolong login``, or one that has expired) signs in while the others that need one wait,
their browser contexts started; then they open the portal from its session's state, handed
over in memory here (never written, never logged: it holds session cookies).

A handed-over session is never assumed to work (a real org's session cookie may be bound to
where it was made, or expire): ``automation.runtime.session.PortalSession`` checks that its
first page load shows the app, not the sign-in form, and signs in itself when it does not,
telling the relay the state is stale so that no other worker starts from it.

A refusal of the credentials themselves is kept and given to every worker that asks after it:
typing a refused password again, once per worker, could lock the account.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from automation.errors import SignInFailed
from automation.runtime.session import RelayedState

__all__ = ["SignInRelay"]

# How long a worker waits for another one's sign-in before signing in itself (seconds): a
# sign-in is a page load and a few round trips, and the sign-in's own waits end sooner.
_WAIT_S = 180.0


class SignInRelay:
    """The state of the last session signed in, shared by the sessions of one run."""

    def __init__(self, wait_s: float = _WAIT_S) -> None:
        self._wait_s = wait_s
        self._changed = threading.Condition()
        self._state: RelayedState | None = None
        self._signing = False
        self._refused: SignInFailed | None = None
        #: taken (a worker started from a state), published, stale (refused or expired)
        self.counts: Counter[str] = Counter()

    def current(self) -> RelayedState | None:
        """The state published last and not found stale, if any (no wait)."""
        with self._changed:
            if self._state is not None:
                self.counts["taken"] += 1
            return self._state

    def take(self) -> RelayedState | None:
        """The state to start from, waiting while another worker signs in; None: this worker
        is the one to sign in (it then calls ``publish`` or ``failed``)."""
        deadline = time.monotonic() + self._wait_s
        with self._changed:
            while True:
                if self._refused is not None:
                    raise SignInFailed(self._refused.detail, step=self._refused.step)
                if self._state is not None:
                    self.counts["taken"] += 1
                    return self._state
                if not self._signing:
                    self._signing = True
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None  # the other sign-in is taking too long: this one signs in too
                self._changed.wait(left)

    def publish(self, state: RelayedState) -> None:
        """A worker signed in (or loaded the saved state): the others start from it."""
        with self._changed:
            self._state, self._signing = state, False
            self.counts["published"] += 1
            self._changed.notify_all()

    def failed(self, error: BaseException) -> None:
        """The worker that was to sign in could not: the next one tries, unless the portal
        refused the credentials (or a saved session that cannot be renewed here)."""
        with self._changed:
            self._signing = False
            if isinstance(error, SignInFailed) and not error.retryable:
                self._refused = error
            self._changed.notify_all()

    def stale(self, state: RelayedState) -> None:
        """``state`` was refused or has expired: the next worker to start signs in."""
        with self._changed:
            self.counts["stale"] += 1
            if self._state is state:
                self._state = None
