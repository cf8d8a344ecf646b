"""Ctrl-C for the commands that drive a browser: stop at the next safe point and say so.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to be. Raised
while worker threads hold Playwright's sync API, that crashed the interpreter (a segmentation
fault, exit 139, in 4 tries of 5 of ``bulk run``), and Playwright's driver used to close the
browser under the request in flight. So the browser is launched with ``handle_sigint=False``
(``automation.runtime.browser``), and here the first Ctrl-C only sets an event the work checks
between steps; a second Ctrl-C calls ``hurry`` (leave at once).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType

__all__ = ["CtrlC"]


class CtrlC:
    """While active (``with CtrlC(...) as stop:``), Ctrl-C sets ``stop`` instead of raising.

    ``notice`` is called once at the first Ctrl-C (to say what will happen); ``hurry`` at the
    second (its default raises ``KeyboardInterrupt``). Outside the main thread, where signal
    handlers cannot be set, it only provides the event.
    """

    def __init__(
        self,
        notice: Callable[[], None] | None = None,
        hurry: Callable[[], None] | None = None,
    ) -> None:
        self.event = threading.Event()
        self._notice = notice
        self._hurry = hurry
        self._previous: signal.Handlers | Callable[[int, FrameType | None], object] | int | None
        self._previous = None
        self._installed = False

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():
            if self._hurry is not None:
                self._hurry()
            raise KeyboardInterrupt
        self.event.set()
        if self._notice is not None:
            self._notice()

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self.event

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
