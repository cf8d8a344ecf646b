"""Evidence of one request: a Playwright trace while it runs, kept with a screenshot on failure.

What the trace records is ``PORTAL_TRACE`` (``TraceMode``): by default the actions of a request's
retries only (``retrying``: a step failed and is tried again), none of a request that succeeds
at once, whose trace would be thrown away; the actions of every request; DOM snapshots and a
screencast as well when asked (they double the browser's work per request); or nothing.

``EvidenceRecorder`` is told when a request starts and how it ended, and keeps what must be
kept, as pytest-playwright's ``ArtifactsRecorder`` does for a test: the flow's steps know
nothing of tracing. A kept trace is rewritten without the session's cookies and the password
(``redact_trace``): whoever reads it must not be able to use the session.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from automation.evidence.artifacts import claim_file, redact_trace, run_dir, write_private
from automation.runtime.session import PortalSession
from automation.runtime.settings import TraceMode

__all__ = ["EvidenceRecorder"]


class EvidenceRecorder:
    """Traces each request on ``session`` and keeps the evidence of those that fail."""

    def __init__(self, session: PortalSession, root: Path) -> None:
        self.session = session
        self.root = root
        self._cookies_at_start: list[str] = []
        self._tracing = False
        self._armed = False  # RETRIES: trace once a step is tried again

    def start(self) -> None:
        """A request starts: trace it as ``PORTAL_TRACE`` says."""
        mode = self.session.settings.trace
        self._armed = mode is TraceMode.RETRIES
        if mode in (TraceMode.OFF, TraceMode.RETRIES):
            return
        self._begin(full=mode is TraceMode.FULL)

    def retrying(self) -> None:
        """A step failed and the request tries again: trace from here on if the mode traces
        retries (the trace of what failed is kept if the request still fails)."""
        if self._armed and not self._tracing:
            self._armed = False
            with suppress(PlaywrightError):  # a context gone fails the retry itself, not this
                self._begin(full=False)

    def _begin(self, *, full: bool) -> None:
        # The cookies the trace will record; a re-sign-in may replace them before it is kept.
        self._cookies_at_start = self._cookie_values()
        self.session.context.tracing.start(screenshots=full, snapshots=full)
        self._tracing = True

    def discard(self) -> None:
        """The request ended as expected: drop its trace."""
        self._armed = False
        if self._tracing:
            self._tracing = False
            with suppress(PlaywrightError):  # the context is gone: there is nothing to drop
                self.session.context.tracing.stop()

    def keep(self, step: str) -> tuple[Path, ...]:
        """The request failed at ``step``: keep a screenshot, the redacted trace and the step
        name in a new private run folder; return the files kept."""
        self._armed = False
        folder = run_dir(self.root, "failure")
        kept: list[Path] = []
        screenshot = folder / "screenshot.png"
        try:
            self.session.page.screenshot(path=screenshot, full_page=True)
            kept.append(claim_file(screenshot))  # written by Playwright's driver
        except PlaywrightError:
            pass  # the page may be gone; the trace still says what happened
        if self._tracing:
            self._tracing = False
            trace = folder / "trace.zip"
            try:
                self.session.context.tracing.stop(path=trace)
            except PlaywrightError:
                pass
            else:
                kept.append(redact_trace(trace, self._secrets()))  # rewritten owner-only
        write_private(folder / "step.txt", step + "\n")
        return tuple(kept)

    def _secrets(self) -> list[str]:
        password = self.session.settings.password.get_secret_value()
        return [*self._cookies_at_start, *self._cookie_values(), password]

    def _cookie_values(self) -> list[str]:
        try:
            return [cookie.get("value", "") for cookie in self.session.context.cookies()]
        except PlaywrightError:
            return []  # the context is gone: nothing more can reach a trace
