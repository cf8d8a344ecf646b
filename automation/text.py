"""Text helpers shared by every layer: how two human-typed texts are compared, and how an
error is cut to the line a person reads.

``fold`` is the one comparison rule of the project: a name typed in a spreadsheet, a heading in
a file, a label in the portal and a country's name are all compared after it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["first_line", "fold"]

# Hyphens, apostrophes (straight and typographic), periods, underscores, slashes and brackets
# separate words the way a space does: « Saint-Jean », « O’Brien », « N° de contrat ».
_SEPARATORS = re.compile(r"[-'’‘._/()°]+")


def fold(text: str) -> str:
    """``"  Hélène O’BRIEN-Côté "`` → ``"helene o brien cote"``.

    No accents, no case, separators as spaces, runs of spaces as one: the form in which two
    texts typed by different people are compared.
    """
    spaced = _SEPARATORS.sub(" ", text.replace("\ufeff", ""))
    decomposed = unicodedata.normalize("NFKD", spaced)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def first_line(error: BaseException | str, *, limit: int | None = None) -> str:
    """The first non-blank line of an error or text, spaces collapsed.

    Playwright puts a call log under the first line of its errors; that log quotes what was
    typed (a password, a client's name), so only the first line is ever shown or stored.
    A ``limit`` cuts the line with an ellipsis.
    """
    text = error if isinstance(error, str) else str(error)
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if not line and not isinstance(error, str):
        line = type(error).__name__
    line = re.sub(r"\s+", " ", line)
    if limit is not None and len(line) > limit:
        return line[: limit - 1] + "…"
    return line
