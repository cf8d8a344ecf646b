"""The real ``prolong`` with a bug put into one toolkit method, for test_internal_errors.py.

    python -m tests.flows.buggy_prolong MODULE:CLASS.METHOD ERROR MESSAGE CALLS_FILE ARGS...

The method is replaced by one that appends a line to CALLS_FILE (so the test counts how many
times the walk reached it) and raises ``ERROR(MESSAGE)`` (a builtin exception type), as a
programming error in that page object or component would. Everything else is the real command:
the child process has its own Playwright, as tests/flows/test_cli_extend.py explains.
"""

from __future__ import annotations

import builtins
import importlib
import sys
from pathlib import Path
from typing import Any, NoReturn


def _break(target: str, error: type[Exception], message: str, calls: Path) -> None:
    module_name, _, attribute = target.partition(":")
    class_name, _, method_name = attribute.partition(".")
    owner = getattr(importlib.import_module(module_name), class_name)

    def buggy(*args: Any, **kwargs: Any) -> NoReturn:
        with calls.open("a", encoding="utf-8") as stream:
            stream.write(f"{target}\n")
        raise error(message)

    setattr(owner, method_name, buggy)


def main() -> None:
    """Break the method named on the command line, then run ``prolong`` with the rest."""
    target, error_name, message, calls, *args = sys.argv[1:]
    error = getattr(builtins, error_name)
    assert isinstance(error, type) and issubclass(error, Exception), error_name
    _break(target, error, message, Path(calls))
    from flows.cli.app import main as prolong

    sys.argv = ["prolong", *args]
    prolong()


if __name__ == "__main__":
    main()
