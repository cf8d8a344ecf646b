"""One Chromium shared by the workers of a bulk run, each in browser contexts of its own.

A worker is a thread with its own Playwright (sync Playwright objects belong to the thread that
made them), and by default each would launch its own Chromium: about 450 MiB a worker. Here the
first worker to open a session has one Chromium launched with a DevTools endpoint, and every
worker connects to it (``automation.runtime.browser.open_browser`` reaches a ``/devtools/browser/``
endpoint over CDP); each still signs in and works in contexts of its own, so no cookie, page or
toast passes from one worker to another. The browser closes when the last session using it
closes.

The Chromium is launched by Playwright in a thread of its own that holds it until then: launched
as every other (same executable, flags, sandbox), and ended by Playwright's driver with this
process, even a killed one, as the workers' own browsers were.

Nothing is shared when the settings name a Playwright server (``PORTAL_BROWSER_WS_ENDPOINT``):
each worker connects to it as before.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from automation.runtime.browser import BrowserNotFound, resolve_launch
from automation.runtime.settings import Settings

__all__ = ["SharedChromium", "can_share", "shared_settings"]

logger = logging.getLogger(__name__)

# How long a starting Chromium may take to open its endpoint (seconds): generous, as two busy
# cores can take a while.
_START_TIMEOUT_S = 120.0


class SharedChromium:
    """A Chromium started on first use and stopped when the last user leaves (``lease``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._users = 0
        self._host: threading.Thread | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        self._endpoint = ""
        self._error: BaseException | None = None
        self.starts = 0  # how many Chromiums this run started (one, unless one died)

    @contextmanager
    def lease(self) -> Iterator[Settings]:
        """The settings a worker opens its session with: they point at the shared Chromium."""
        with self._lock:
            if self._host is None or not self._host.is_alive():
                self._stop()  # a Chromium that died is replaced, not reused
                self._start()
            self._users += 1
            endpoint = self._endpoint
        try:
            yield self.settings.model_copy(update={"browser_ws_endpoint": endpoint})
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._stop()

    def _start(self) -> None:
        self._ready, self._done = threading.Event(), threading.Event()
        self._endpoint, self._error = "", None
        self._host = threading.Thread(target=self._hold, name="shared-chromium", daemon=True)
        self._host.start()
        if not self._ready.wait(_START_TIMEOUT_S):
            self._stop()
            raise BrowserNotFound("the shared Chromium did not open its DevTools endpoint")
        if self._error is not None:
            error, self._error = self._error, None
            self._stop()
            raise error
        self.starts += 1

    def _hold(self) -> None:
        """Launch Chromium, say where it listens, hold it until told to stop (host thread)."""
        from playwright.sync_api import sync_playwright

        profile = Path(tempfile.mkdtemp(prefix="prolong-chromium-"))
        try:
            with sync_playwright() as playwright:
                managed = Path(playwright.chromium.executable_path)
                plan = resolve_launch(self.settings, managed=managed if managed.exists() else False)
                options = dict(plan.launch_args)
                # Port 0: Chromium picks a free one and writes it to DevToolsActivePort.
                options["args"] = [*options.get("args", ()), "--remote-debugging-port=0"]
                context = playwright.chromium.launch_persistent_context(profile, **options)
                try:
                    self._endpoint = _devtools_endpoint(profile)
                    self._ready.set()
                    logger.info("one Chromium shared by the workers")
                    self._done.wait()
                finally:
                    context.close()
        except BaseException as error:  # told to the worker waiting in _start
            self._error = error
        finally:
            self._ready.set()
            shutil.rmtree(profile, ignore_errors=True)

    def _stop(self) -> None:
        host, self._host = self._host, None
        self._done.set()
        if host is not None:
            host.join(timeout=30)


def _devtools_endpoint(profile: Path) -> str:
    """The browser's DevTools endpoint, from the port file Chromium writes in its profile."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        lines = port_file.read_text().splitlines() if port_file.exists() else []
        if len(lines) >= 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        # Chromium writes the file from its own thread as the endpoint opens: nothing to wait
        # on. It was there when the launch returned in 10 of 10 tries; this covers a slow start.
        time.sleep(0.05)
    raise BrowserNotFound("the shared Chromium did not open its DevTools endpoint")


def can_share(settings: Settings) -> bool:
    """Whether the workers may share one Chromium launched here (no browser server named)."""
    return not settings.browser_ws_endpoint


def shared_settings(
    shared: SharedChromium | None, settings: Settings
) -> AbstractContextManager[Settings]:
    """The settings one worker's session opens with: leased from ``shared`` when there is one."""
    if shared is None:
        return _as_is(settings)
    return shared.lease()


@contextmanager
def _as_is(settings: Settings) -> Iterator[Settings]:
    yield settings
