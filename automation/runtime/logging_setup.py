"""Logging for the ``prolong`` commands: one handler on the root logger, masking every record.

``configure_logging(settings, masker)`` is called once by a command-line entry point, before any
work. It

- installs a stderr handler on the root logger with a ``PersonalDataFilter``, and adds the same
  filter to any handler already there, so records of every logger (prolong's and the libraries')
  are masked: names to initials, birth dates and phones masked, unless
  ``PORTAL_SHOW_PERSONAL_DATA`` is set;
- registers the portal password as a secret, hidden even when personal data is shown;
- sets prolong's loggers to INFO with ``verbose``, WARNING without, and keeps chatty libraries at
  WARNING (httpx logs URLs, and a portal's URLs can carry search terms: names, phones);
- routes ``warnings`` through logging, so they are masked too.

The masker it installs is ``active_masker()``: commands register each request's client values in
it, so any later log line that mentions them is masked. Calling it again replaces the previous
set-up (tests call ``reset_logging`` to undo it).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from automation.evidence.privacy import Masker, PersonalDataFilter, register_secret
from automation.runtime.settings import Settings

__all__ = ["LOG_FORMAT", "PROLONG_LOGGERS", "active_masker", "configure_logging", "reset_logging"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: The top-level loggers of prolong's own code (module loggers are named after the packages).
PROLONG_LOGGERS = ("prolong", "automation", "flows")
# These log every request URL at INFO, and a URL can carry a search term.
_QUIET_LIBRARIES = ("httpx", "httpcore", "urllib3", "uvicorn", "uvicorn.access", "asyncio")

_active: Masker | None = None


class _ProlongHandler(logging.StreamHandler):  # type: ignore[type-arg]  # TextIO stream
    """The handler ``configure_logging`` installs (a class of its own, to find it again)."""


def active_masker() -> Masker | None:
    """The masker the logging set-up uses, or None when logging was not configured."""
    return _active


def configure_logging(
    settings: Settings,
    masker: Masker | None = None,
    *,
    verbose: bool = False,
    stream: TextIO | None = None,
) -> Masker:
    """Install masked logging for a command (see the module docstring); returns the masker."""
    global _active
    reset_logging()
    masker = masker or Masker(show=settings.show_personal_data)
    register_secret(settings.password.get_secret_value())
    root = logging.getLogger()
    guard = PersonalDataFilter(masker)
    for existing in root.handlers:
        existing.addFilter(guard)
    handler = _ProlongHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(guard)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in PROLONG_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    _active = masker
    return masker


def reset_logging() -> None:
    """Undo ``configure_logging``: remove its handler and its filters."""
    global _active
    root = logging.getLogger()
    for handler in list(root.handlers):
        for guard in [f for f in handler.filters if isinstance(f, PersonalDataFilter)]:
            handler.removeFilter(guard)
        if isinstance(handler, _ProlongHandler):
            root.removeHandler(handler)
            handler.close()
    for name in PROLONG_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(False)
    _active = None
