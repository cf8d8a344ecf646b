"""Plain console lines that wrap between words at the terminal's width (``COLUMNS``).

Errors are printed without rich (no markup to escape, copied as they are), but a line longer than
the terminal would be broken by the terminal wherever it ends, often inside a word. ``echo``
wraps it first, between words, and indents the continuation under the line's own text.
"""

from __future__ import annotations

import shutil
import textwrap

import typer

__all__ = ["echo", "wrap"]


def wrap(text: str, *, width: int | None = None) -> str:
    """``text`` wrapped between words at ``width`` (default: the terminal's, else 80).

    A continuation is indented two spaces more than the line it continues; words are never
    cut, not even at a hyphen (« Info-partenaires.ca » stays whole).
    """
    width = width or shutil.get_terminal_size((80, 24)).columns
    wrapped = []
    for line in text.splitlines() or [""]:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        wrapped.append(
            textwrap.fill(
                line,
                width=width,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            or line
        )
    return "\n".join(wrapped)


def echo(text: str, *, err: bool = False) -> None:
    """``typer.echo`` of ``text`` wrapped at the terminal's width."""
    typer.echo(wrap(text), err=err)
