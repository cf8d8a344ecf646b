"""Writing report files owner-only and whole, and never over the input file.

A reader never sees half a file, and an output path that is the request file itself (say
``prolong bulk plan plan.csv --out .``) is refused before anything is written: input files are
never modified. An existing output folder keeps its mode (it is the user's); the files written
in it are owner-only from their first byte (``automation.evidence.artifacts.write_private``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from automation.evidence.artifacts import write_private as _write_whole
from flows.bulk.reader import InputFileError
from flows.language import say

__all__ = ["refuse_input_overwrite", "write_private"]


def _same(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)  # hard links and symbolic links included
    return a.resolve() == b.resolve()


def refuse_input_overwrite(source: Path, outputs: Iterable[Path]) -> None:
    """Raise ``InputFileError`` if any of ``outputs`` is the request file ``source``."""
    for output in outputs:
        if _same(source, output):
            raise InputFileError(
                say(
                    fr=f"{output} est le fichier de demandes lui-même : choisir un autre --out ou "
                    "--journal (prolong n'écrit jamais sur son entrée)",
                    en=f"{output} is the request file itself: choose another --out or --journal "
                    "(prolong never writes over its input)",
                )
            )


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (a new 0600 file) through a temporary file and a rename."""
    return _write_whole(path, text)
