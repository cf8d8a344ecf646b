"""One Chromium shared by the workers of a bulk run, each in browser contexts of its own.

A worker is a thread with its own Playwright (sync Playwright objects belong to the thread that
made them), and by default each would launch its own Chromium: about 450 MiB a worker. Here the
first worker to open a session starts one Playwright browser server (``launchServer`` of the
Playwright driver that ships with the Python package, run by its own Node) and every worker
connects to it (``automation.runtime.browser.open_browser``: a Playwright server endpoint); each
still works in contexts of its own, so no cookie, page or toast passes from one worker to
another. The server closes when the last session using it closes.

Why a Playwright server and not Chromium's DevTools endpoint (``connect_over_cdp``): a CDP
connection adopts every page of the browser, the other workers' included, as a page of its own
default context, so each of N workers' drivers instrumented every page (N times the protocol
events, the network ones included); a Playwright server gives each connection its own contexts
only. Over CDP the CPU per extension of ``scripts/bench_bulk.py`` rose with the worker count.

The server is the Playwright driver's own Node running its public ``chromium.launchServer``;
it ends its Chromium and exits when its standard input closes, which is when this process ends,
even a killed one (the pipe closes with it); Ctrl-C is left to prolong, which finishes the
requests in flight first. Chromium itself is launched by Playwright as every other (same
executable, flags, sandbox), over a pipe that closes with the server.

Nothing is shared when the settings name a Playwright server (``PORTAL_BROWSER_WS_ENDPOINT``):
each worker connects to it as before.
"""

from __future__ import annotations

import json
import logging
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from automation.runtime.browser import BrowserNotFound, resolve_launch
from automation.runtime.settings import Settings

__all__ = ["SharedChromium", "can_share", "shared_settings"]

logger = logging.getLogger(__name__)

# How long a starting browser server may take to say where it listens (seconds): generous, as
# two busy cores can take a while.
_START_TIMEOUT_S = 120.0

# Run by the driver's Node: argv[1] is the driver package, argv[2] the launch options, argv[3]
# those of a system Chromium for when Playwright's own is not installed (JSON, or "null"). It
# prints the server's endpoint, ignores SIGINT (prolong's to handle), closes the browser and
# exits when stdin ends (this process ended, however), and exits when its Chromium died, so
# that the next lease starts another.
_SERVER_JS = """
const fs = require('fs');
const playwright = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
const system = JSON.parse(process.argv[3]);
if (system && !fs.existsSync(playwright.chromium.executablePath())) Object.assign(options, system);
process.on('SIGINT', () => {});
playwright.chromium.launchServer(options).then((server) => {
  process.stdout.write(server.wsEndpoint() + '\\n');
  server.on('close', () => process.exit(0));
  let closing = false;
  const end = () => {
    if (closing) return;
    closing = true;
    server.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  process.stdin.on('error', end);
  process.stdin.resume();
}, (error) => {
  process.stderr.write(String((error && error.message) || error) + '\\n');
  process.exit(1);
});
"""


class SharedChromium:
    """A browser server started on first use and stopped when the last user leaves."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._users = 0
        self._server: subprocess.Popen[str] | None = None
        self._endpoint = ""
        self.starts = 0  # how many servers this run started (one, unless one died)

    @contextmanager
    def lease(self) -> Iterator[Settings]:
        """The settings a worker opens its session with: they point at the shared browser."""
        with self._lock:
            if self._server is None or self._server.poll() is not None:
                self._stop()  # a server that died is replaced, not reused
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
        node, package = _driver()
        options, system = _server_options(self.settings)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
            server = subprocess.Popen(
                [node, "-e", _SERVER_JS, package, json.dumps(options), json.dumps(system)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                encoding="utf-8",
            )
            endpoint = _first_line(server, _START_TIMEOUT_S)
            if not endpoint.startswith("ws://"):
                _end(server)
                errors.seek(0)
                said = errors.read().strip().splitlines()
                raise BrowserNotFound(
                    "the shared browser server did not start" + (f": {said[0]}" if said else "")
                )
        self._server, self._endpoint = server, endpoint
        self.starts += 1
        logger.info("one Chromium shared by the workers")

    def _stop(self) -> None:
        server, self._server, self._endpoint = self._server, None, ""
        if server is not None:
            _end(server)


def _driver() -> tuple[str, str]:
    """The Node and the driver package that the installed Playwright runs."""
    # The one place the driver's location is computed (PLAYWRIGHT_NODEJS_PATH included).
    from playwright._impl._driver import compute_driver_executable

    node, cli = compute_driver_executable()
    return node, str(Path(cli).parent)


def _server_options(settings: Settings) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """``launchServer``'s options, in the order of preference of ``resolve_launch`` (a named
    executable or channel; Playwright's Chromium; a system one), and the system Chromium's
    options for the server to fall back on (None when there is no need or none)."""
    base: dict[str, Any] = {
        "headless": settings.headless,
        "handleSIGINT": False,  # Ctrl-C finishes the requests in flight first
        "host": "127.0.0.1",
        "port": 0,
    }
    if settings.browser_executable or settings.browser_channel:
        return base | _camel(resolve_launch(settings, managed=False).launch_args), None
    try:
        # Probing for Playwright's own Chromium would start a driver; the server checks it.
        system = resolve_launch(settings, managed=False).launch_args
    except BrowserNotFound:
        return base, None
    return base, _camel(system)


def _camel(launch_args: dict[str, Any]) -> dict[str, Any]:
    """The executable, channel and flags of a launch plan in ``launchServer``'s names."""
    names = {"executable_path": "executablePath", "channel": "channel", "args": "args"}
    return {names[key]: value for key, value in launch_args.items() if key in names and value}


def _first_line(server: subprocess.Popen[str], timeout_s: float) -> str:
    """The first line the server prints, or "" when it exits or stays silent that long."""
    line: list[str] = []
    stdout: IO[str] | None = server.stdout

    def read() -> None:
        if stdout is not None:
            line.append(stdout.readline())

    reader = threading.Thread(target=read, name="browser-server-start", daemon=True)
    reader.start()
    reader.join(timeout_s)
    return line[0].strip() if line else ""


def _end(server: subprocess.Popen[str]) -> None:
    """Close the server's stdin (it closes its browser and exits); kill it if it lingers."""
    with suppress(OSError):
        if server.stdin is not None:
            server.stdin.close()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    if server.stdout is not None:
        server.stdout.close()


def can_share(settings: Settings) -> bool:
    """Whether the workers may share one browser started here (no browser server named)."""
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
