"""Where sales may be made: the bundled simulator, or a sandbox host named by the operator.

The one rule every command and test that issues contracts goes through (``prolong extend``,
``prolong bulk run``, ``prolong demo`` and the ``sales`` tests), checked before any browser work:
a URL is allowed when its host is listed in ``PORTAL_SANDBOX_HOSTS``, or when it answers
``/__sim__/health`` as the simulator does. Anything else may be production, where a test sale is
a real contract sold to a real client.

A URL is read as the browser will read it: with the WHATWG URL standard (``ada-url``, the parser
Node.js uses), not ``urllib.parse``, which disagrees with browsers on backslashes, tabs and
userinfo (``https://evil.test\\@uat.example.test/`` is ``evil.test`` to a browser and
``uat.example.test`` to ``urlsplit``). The rules:

- only ``http`` and ``https`` URLs;
- a URL holding a character the browser drops or rewrites silently (tab, newline, space, any
  other control character, backslash) is refused: what a person reads in it, what the logs show
  and where the browser goes must be one and the same;
- the host is compared as the browser resolves it: lower case, IDN as punycode, an IPv4 address
  in dotted decimal, without the trailing dot of a fully qualified name; any port;
- a ``PORTAL_SANDBOX_HOSTS`` entry is a host name (or an IP address, IPv6 in brackets), nothing
  else: a scheme, a wildcard, a path, user information or a port is refused at start
  (``sandbox_host``), so no entry silently never matches.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from ada_url import URL

if TYPE_CHECKING:  # settings validate their entries with this module: no import at run time
    from automation.runtime.settings import Settings

__all__ = [
    "SIMULATOR_NAME",
    "SalesNotAllowed",
    "UnsafeUrl",
    "browser_host",
    "ensure_sales_allowed",
    "is_simulator",
    "sandbox_host",
]

#: What the simulator answers as ``simulator`` on ``/__sim__/health``.
SIMULATOR_NAME = "prolong-portal"

_SCHEMES = ("http:", "https:")
# What WHATWG parsing drops (tabs, newlines; controls and spaces at either end) or rewrites (a
# backslash is a slash in http and https URLs); a space or control elsewhere is no valid URL.
_REWRITTEN = re.compile(r"[\x00-\x20\x7f\\]")
_NAMES = {
    "\t": "a tab",
    "\n": "a newline",
    "\r": "a carriage return",
    " ": "a space",
    "\\": "a backslash",
}
_ACCEPTED = (
    "a host name such as uat.example.my.site.com, or an IP address (IPv6 in brackets); "
    "any port of a listed host is allowed"
)


class SalesNotAllowed(RuntimeError):
    """The portal is neither the simulator nor a listed sandbox host, or its URL cannot be read
    safely; the message says how to allow it."""


class UnsafeUrl(ValueError):
    """A URL a browser would read differently from how it is written, or not an http(s) URL."""


def _rewritten(text: str) -> str | None:
    """How to name the first character of ``text`` a browser drops or rewrites, if any."""
    found = _REWRITTEN.search(text)
    if found is None:
        return None
    char = found.group(0)
    return _NAMES.get(char, f"the control character U+{ord(char):04X}")


def _shown(url: str) -> str:
    """``url`` for a message: control characters escaped (\\t, \\n), everything else as is."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda found: repr(found.group(0))[1:-1], url)


def _parse(url: str) -> URL:
    try:
        return URL(url)
    except ValueError:
        raise UnsafeUrl(f"{_shown(url)} is not a URL (expected https://host/…)") from None


def _canonical(hostname: str) -> str:
    # The root's trailing dot (uat.example.test.) names the same host; ada keeps it.
    return hostname.lower().removesuffix(".")


def _read_as(url: str) -> str:
    """`` (a browser goes to host H)`` for ``url``, to show why it is refused; or nothing."""
    try:
        host = URL(url).hostname
    except ValueError:
        return ""
    return f" (a browser would go to {_canonical(host)})" if host else ""


def browser_host(url: str) -> str:
    """The host a browser goes to for ``url``: lower case, punycode, without a trailing dot.

    Raises ``UnsafeUrl`` for anything but an http(s) URL written plainly (see the module
    docstring): the host of such a URL depends on who reads it.
    """
    char = _rewritten(url)
    if char is not None:
        raise UnsafeUrl(
            f"{_shown(url)} contains {char}, which a browser drops or reads as another character"
            f"{_read_as(url)}: write the URL plainly (https://host/path)"
        )
    parsed = _parse(url)
    if parsed.protocol not in _SCHEMES:
        raise UnsafeUrl(f"{_shown(url)} is not an http:// or https:// URL")
    host = _canonical(parsed.hostname)
    if not host:
        raise UnsafeUrl(f"{_shown(url)} names no host")
    return host


def sandbox_host(entry: str) -> str:
    """The ``PORTAL_SANDBOX_HOSTS`` ``entry`` in the form ``browser_host`` gives; ``ValueError``
    naming the entry and what is accepted when it could never match a URL's host."""
    entry = entry.strip()
    problem = _entry_problem(entry)
    if problem is None:
        try:
            parsed = URL(f"http://{entry}/")
        except ValueError:
            parsed = None
        # Anything ada read as more than a host (a query, a fragment) is not a host name.
        if parsed is None or parsed.href != f"http://{parsed.host}/" or parsed.port:
            problem = "is not a host name"
        elif _canonical(parsed.hostname):
            return _canonical(parsed.hostname)
        else:
            problem = "is not a host name"
    raise ValueError(f"PORTAL_SANDBOX_HOSTS entry {entry!r} {problem}: list {_ACCEPTED}")


def _entry_problem(entry: str) -> str | None:
    """Why ``entry`` could never match, for the forms people write by mistake."""
    if "://" in entry or re.match(r"(?i)(https?|ftp|wss?):", entry):
        return "has a scheme (write the host alone, without https://)"
    if "*" in entry:
        return "is a wildcard (hosts match exactly: list each one)"
    if "/" in entry or "\\" in entry:
        return "has a path (write the host alone)"
    if "@" in entry:
        return "has user information (write the host alone)"
    if entry.count(":") > 1 and not entry.startswith("["):
        return "is an IPv6 address without brackets (write it as [::1])"
    if re.fullmatch(r"[^\[\]]*:\d*|\[.*\]:\d*", entry):
        return "has a port (ports are not compared: write the host alone)"
    char = _rewritten(entry)
    if char is not None:
        return f"contains {char}"
    return None


def _health_url(url: str) -> str | None:
    """``url``'s ``/__sim__/health``, built from the WHATWG reading of it (None if none)."""
    try:
        parsed = URL(url)
    except ValueError:
        return None
    if parsed.protocol not in _SCHEMES:
        return None
    # Rebuilt from its parts: urllib then asks the host a browser would go to.
    return f"{parsed.protocol}//{parsed.host}{parsed.pathname.rstrip('/')}/__sim__/health"


def is_simulator(url: str, *, timeout_s: float = 5.0) -> bool:
    """Whether ``url`` is the bundled simulator (it answers ``/__sim__/health``)."""
    health = _health_url(url)
    if health is None:
        return False
    try:
        with urllib.request.urlopen(health, timeout=timeout_s) as answer:
            return bool(json.load(answer).get("simulator") == SIMULATOR_NAME)
    except (OSError, urllib.error.URLError, ValueError, AttributeError):
        return False


def ensure_sales_allowed(url: str, settings: Settings) -> None:
    """Raise ``SalesNotAllowed`` unless contracts may be issued on ``url``.

    An empty ``url`` means "start the bundled simulator" and is allowed. Otherwise the host a
    browser would go to must be listed in ``settings.sandbox_hosts`` (any port), or the URL must
    answer as the simulator does.
    """
    if not url:
        return
    try:
        host = browser_host(url)
    except UnsafeUrl as unsafe:
        raise SalesNotAllowed(f"refusing to issue contracts: {unsafe}") from None
    if host in settings.sandbox_hosts or is_simulator(url):
        return
    raise SalesNotAllowed(
        f"refusing to issue contracts on {url}: it is neither the simulator nor a host of "
        f"PORTAL_SANDBOX_HOSTS (it does not answer /__sim__/health), so it may be production. "
        f"If {host} is a sandbox or UAT org, allow it with PORTAL_SANDBOX_HOSTS={host} "
        f"(comma-separated host names, in the environment or .env)."
    )
