"""Finding and starting a Chromium for Playwright, here and on a user's machine.

Order of preference: a running Playwright server or Chromium (``PORTAL_BROWSER_WS_ENDPOINT``: a
Chromium's own DevTools endpoint, ``ws://…/devtools/browser/…``, is reached over CDP, so several
processes or threads can share one browser, each in contexts of its own); an executable or
channel named in the settings; the Chromium that ``playwright install chromium`` manages; a system
Chromium. Playwright's own download is refused on some networks while the distribution's
``chromium`` package installs fine, so both routes must work.

Headless, a system Chromium's old headless shell (Debian's ``chromium-headless-shell``) comes
before the full browser, as Playwright's own headless default does with the shell it manages:
the full browser's new headless mode runs the whole browser UI stack unseen, 12–17 % of a bulk
run's toolkit CPU (``scripts/bench_bulk.py``; docs/performance.md).

To share one browser, a Playwright server is the better endpoint: each connection to it sees
its own contexts only, while a CDP connection adopts every page of the browser, the other
connections' included, and instruments each (the bulk workers' browser is one such server:
``flows.bulk.browsers``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Playwright

from automation.runtime.settings import Settings

__all__ = [
    "BrowserNotFound",
    "LaunchPlan",
    "is_devtools_endpoint",
    "open_browser",
    "resolve_launch",
]

SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Tried first when headless; a shell cannot open a window, so a headed run never gets one.
SYSTEM_HEADLESS_SHELLS = ("chromium-headless-shell",)

# Without the background-networking flags a system Chromium keeps calling home, and on a closed
# network every such call is refused and logged.
QUIET_FLAGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class BrowserNotFound(RuntimeError):
    """No Chromium could be found; the message says how to get one."""


@dataclass(frozen=True)
class LaunchPlan:
    """How to obtain a browser: connect to ``ws_endpoint`` or launch with ``launch_args``.

    For a remote server, ``launch_args`` are the server's launch options in the protocol's
    camelCase names (a Playwright server started with ``--unsafe`` accepts an executable path).
    """

    source: str
    ws_endpoint: str = ""
    launch_args: dict[str, Any] = field(default_factory=dict)


def _playwright_managed_chromium() -> Path | None:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            path = Path(pw.chromium.executable_path)
    except Exception:
        return None
    return path if path.exists() else None


def _system_chromium(*, headless: bool) -> Path | None:
    names = (SYSTEM_HEADLESS_SHELLS if headless else ()) + SYSTEM_CHROMIUMS
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def resolve_launch(settings: Settings, *, managed: Path | bool | None = True) -> LaunchPlan:
    """Decide where the browser comes from.

    ``managed`` lets a caller that already holds a Playwright instance skip the probe for a
    Playwright-managed Chromium (pass the path, or ``False`` for none).
    """
    # Ctrl-C is prolong's to handle (finish or leave the request in flight, then say which):
    # by default Playwright's driver would close the browser under the running request.
    base: dict[str, Any] = {
        "headless": settings.headless,
        "slow_mo": settings.slow_mo_ms,
        "handle_sigint": False,
    }
    if settings.browser_ws_endpoint:
        remote: dict[str, Any] = {"headless": settings.headless}
        if settings.browser_executable:
            # A path on the server's machine: meaningful only when the operator names one.
            remote |= {
                "executablePath": str(settings.browser_executable),
                "args": list(QUIET_FLAGS),
            }
        return LaunchPlan("remote", ws_endpoint=settings.browser_ws_endpoint, launch_args=remote)
    if settings.browser_executable:
        if not settings.browser_executable.exists():
            raise BrowserNotFound(
                f"PORTAL_BROWSER_EXECUTABLE={settings.browser_executable} does not exist"
            )
        return LaunchPlan(
            "configured",
            launch_args={
                **base,
                "executable_path": str(settings.browser_executable),
                "args": list(QUIET_FLAGS),
            },
        )
    if settings.browser_channel:
        return LaunchPlan("channel", launch_args={**base, "channel": settings.browser_channel})
    managed_path = _playwright_managed_chromium() if managed is True else managed or None
    if managed_path:
        return LaunchPlan("playwright", launch_args=base)
    system = _system_chromium(headless=settings.headless)
    if system:
        return LaunchPlan(
            "system",
            launch_args={**base, "executable_path": str(system), "args": list(QUIET_FLAGS)},
        )
    raise BrowserNotFound(
        "No Chromium found. Install one with `playwright install chromium` "
        "(or, on Debian/Ubuntu, `apt-get install -y chromium`), "
        "or set PORTAL_BROWSER_EXECUTABLE to a Chromium binary."
    )


def is_devtools_endpoint(endpoint: str) -> bool:
    """Whether ``endpoint`` is a Chromium's own DevTools endpoint (not a Playwright server's)."""
    return urlsplit(endpoint).path.startswith("/devtools/browser/")


def open_browser(playwright: Playwright, settings: Settings) -> Browser:
    """Connect to the configured Playwright server or Chromium, or launch a local Chromium."""
    if is_devtools_endpoint(settings.browser_ws_endpoint):
        # A browser shared with others: closing this connection leaves it running.
        return playwright.chromium.connect_over_cdp(
            settings.browser_ws_endpoint, slow_mo=settings.slow_mo_ms
        )
    managed = Path(playwright.chromium.executable_path)
    plan = resolve_launch(settings, managed=managed if managed.exists() else False)
    if plan.ws_endpoint:
        options = {"x-playwright-launch-options": json.dumps(plan.launch_args)}
        return playwright.chromium.connect(plan.ws_endpoint, headers=options)
    return playwright.chromium.launch(**plan.launch_args)
