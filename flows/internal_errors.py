"""A bug met while entering a request: how every path reports it (``prolong extend``, bulk).

An exception that is neither a portal error or a walk stop (``automation.errors``) nor a business
error (``flows.errors``) is a bug of prolong's: an ``AssertionError`` or a ``KeyError`` raised by
a page object as much as one raised here. The portal is not at fault and trying again would meet
the same bug, so the request ends ``failed`` after that one attempt, is not counted by the
circuit breaker, and says so: "internal error: <type>: <first line>" (« erreur interne : … » in
a French run), masked with the client's masker. The traceback, masked the same way, goes to the
log at ERROR: the one place a developer finds where it happened.
"""

from __future__ import annotations

import logging
import traceback

from automation.evidence.privacy import Masker
from automation.text import first_line
from flows.language import say

__all__ = ["internal_error", "log_internal_error"]

# A result's message is one line that a report cell and a terminal show whole.
_LIMIT = 300


def internal_error(error: BaseException, masker: Masker) -> str:
    """How a bug is reported on its request: its type and the first line of its message,
    masked before it is cut (a cut never leaves part of a name showing)."""
    what = f"{type(error).__name__}: {first_line(error)}"
    text = say(fr=f"erreur interne : {what}", en=f"internal error: {what}")
    return first_line(masker.mask(text), limit=_LIMIT)


def log_internal_error(
    logger: logging.Logger, where: str, error: BaseException, masker: Masker
) -> None:
    """Log ``error``'s traceback at ERROR, masked, after ``where`` (the request or row)."""
    # The traceback quotes messages and source lines that may hold the client's values.
    text = "".join(traceback.format_exception(error))
    line = say(fr="%s : erreur interne\n%s", en="%s: internal error\n%s")
    logger.error(line, where, masker.mask(text).rstrip())
