"""Writing report files owner-only and whole: a reader never sees half a file."""

from __future__ import annotations

import os
from pathlib import Path

from automation.artifacts import private_dir, private_file

__all__ = ["write_private"]


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (mode 0600) through a temporary file and a rename."""
    private_dir(path.parent)
    temporary = private_file(path.with_name(f".{path.name}.{os.getpid()}.tmp"))
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path
