"""One Chromium shared by the workers of a bulk run, each in browser contexts of its own.

A worker is a thread with its own Playwright (sync Playwright objects belong to the thread that
made them), and by default each would start its own Chromium: about 450 MiB a worker. Here the
first worker to open a session starts one Chromium with a DevTools endpoint, and every worker
connects to it (``automation.browser.open_browser`` reaches a ``/devtools/browser/`` endpoint over
CDP); each still signs in and works in contexts of its own, so no cookie, page or toast passes
from one worker to another. The browser closes when the last session using it closes.

Nothing is shared when the settings name a Playwright server (``PORTAL_BROWSER_WS_ENDPOINT``) or
a browser channel: those are the operator's choice, and each worker launches as before.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO

from automation.browser import QUIET_FLAGS, BrowserNotFound, chromium_executable
from automation.settings import Settings

__all__ = ["SharedChromium", "shared_settings"]

logger = logging.getLogger(__name__)

_LISTENING = "DevTools listening on "
# How long a starting Chromium may take to say where it listens (seconds): generous, as two
# busy cores can take a while; a Chromium that never says it is a BrowserNotFound.
_START_TIMEOUT_S = 60.0


class SharedChromium:
    """A Chromium started on first use and stopped when the last user leaves (``lease``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._users = 0
        self._process: subprocess.Popen[str] | None = None
        self._profile: Path | None = None
        self._endpoint = ""
        self.starts = 0  # how many Chromiums this run started (one, unless one died)

    @contextmanager
    def lease(self) -> Iterator[Settings]:
        """The settings a worker opens its session with: they point at the shared Chromium."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
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
        executable = chromium_executable(self.settings)
        if executable is None:
            raise BrowserNotFound("no Chromium binary to share between the workers")
        self._profile = Path(tempfile.mkdtemp(prefix="prolong-chromium-"))
        args = [
            str(executable),
            "--remote-debugging-port=0",  # the endpoint is read from what Chromium prints
            "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={self._profile}",
            # As Playwright launches it: its sandbox needs privileges a container lacks.
            "--no-sandbox",
            *QUIET_FLAGS,
            *(("--headless=new", "--hide-scrollbars", "--mute-audio")
              if self.settings.headless else ()),
            "about:blank",
        ]
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        self._process = process
        assert process.stderr is not None  # piped just above
        found = threading.Event()
        reader = threading.Thread(target=self._read_stderr, args=(process.stderr, found),
                                  name="chromium-stderr", daemon=True)
        reader.start()
        if not found.wait(_START_TIMEOUT_S) or not self._endpoint:
            self._stop()
            raise BrowserNotFound(f"{executable} did not open a DevTools endpoint")
        self.starts += 1
        logger.info("one Chromium shared by the workers (pid %d)", process.pid)

    def _read_stderr(self, stream: IO[str], found: threading.Event) -> None:
        # Chromium says once where it listens, then keeps writing: the pipe is drained to the
        # end so that a full pipe never blocks it.
        for line in stream:
            if not found.is_set() and line.startswith(_LISTENING):
                self._endpoint = line[len(_LISTENING):].strip()
                found.set()
        found.set()  # the process ended: whoever waits stops waiting

    def _stop(self) -> None:
        process, self._process, self._endpoint = self._process, None, ""
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None


def can_share(settings: Settings) -> bool:
    """Whether the workers may share one Chromium started here (no server, no channel named)."""
    return not settings.browser_ws_endpoint and not settings.browser_channel


def shared_settings(shared: SharedChromium | None,
                    settings: Settings) -> AbstractContextManager[Settings]:
    """The settings one worker's session opens with: leased from ``shared`` when there is one."""
    if shared is None:
        return _as_is(settings)
    return shared.lease()


@contextmanager
def _as_is(settings: Settings) -> Iterator[Settings]:
    yield settings
