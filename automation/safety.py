"""Where sales may be made: the bundled simulator, or a sandbox host named by the operator.

The one rule every command and test that issues contracts goes through (``prolong extend``,
``prolong bulk run``, ``prolong demo`` and the ``sales`` tests), checked before any browser work:
a URL is allowed when it answers ``/__sim__/health`` as the simulator does, or when its host is
listed in ``PORTAL_SANDBOX_HOSTS``. Anything else may be production, where a test sale is a real
contract sold to a real client.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from automation.settings import Settings

__all__ = ["SIMULATOR_NAME", "SalesNotAllowed", "ensure_sales_allowed", "is_simulator"]

#: What the simulator answers as ``simulator`` on ``/__sim__/health``.
SIMULATOR_NAME = "prolong-portal"


class SalesNotAllowed(RuntimeError):
    """The portal is neither the simulator nor a listed sandbox host; the message says how to
    allow it."""


def is_simulator(url: str, *, timeout_s: float = 5.0) -> bool:
    """Whether ``url`` is the bundled simulator (it answers ``/__sim__/health``)."""
    try:
        with urllib.request.urlopen(
            f"{url.rstrip('/')}/__sim__/health", timeout=timeout_s
        ) as answer:
            return bool(json.load(answer).get("simulator") == SIMULATOR_NAME)
    except (OSError, urllib.error.URLError, ValueError, AttributeError):
        return False


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def ensure_sales_allowed(url: str, settings: Settings) -> None:
    """Raise ``SalesNotAllowed`` unless contracts may be issued on ``url``.

    An empty ``url`` means "start the bundled simulator" and is allowed. The sandbox list is
    compared with the URL's host name, case-insensitively.
    """
    if not url or _host(url) in settings.sandbox_hosts or is_simulator(url):
        return
    host = _host(url) or url
    raise SalesNotAllowed(
        f"refusing to issue contracts on {url}: it is neither the simulator nor a host of "
        f"PORTAL_SANDBOX_HOSTS (it does not answer /__sim__/health), so it may be production. "
        f"If {host} is a sandbox or UAT org, allow it with PORTAL_SANDBOX_HOSTS={host} "
        f"(comma-separated host names, in the environment or .env)."
    )
