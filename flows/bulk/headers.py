"""Column headings → request fields, from the data file ``header_aliases.json``.

A spreadsheet made by operations says « Numéro de contrat » or "Contract number" where the schema
says ``contract_number``. The aliases live in a JSON file beside this module so a heading can be
added without touching code; the field name itself always matches. Headings are compared with
the project's one fold (``automation.text.fold``): no case, no accents, and spaces, hyphens,
apostrophes, underscores, dots, brackets and « ° » all count as one space.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

from automation.text import fold
from flows.request import iter_fields

__all__ = ["ALIASES", "HeaderMap", "load_aliases", "map_headers"]


def load_aliases(text: str | None = None) -> dict[str, tuple[str, ...]]:
    """Read the alias file (or ``text``); every key must be a field of the request schema."""
    raw = (
        text
        if text is not None
        else (
            resources.files("flows.bulk")
            .joinpath("header_aliases.json")
            .read_text(encoding="utf-8")
        )
    )
    data = json.loads(raw)
    fields = set(iter_fields())
    aliases: dict[str, tuple[str, ...]] = {}
    for name, headings in data.items():
        if name.startswith("_"):
            continue  # "_comment" and the like
        if name not in fields:
            raise ValueError(f"header_aliases.json: {name!r} is not a field of the request")
        if not isinstance(headings, list) or not all(isinstance(h, str) for h in headings):
            raise ValueError(f"header_aliases.json: {name!r} must map to a list of headings")
        aliases[name] = tuple(headings)
    return aliases


#: field → the headings people use for it (French and English), as read from the data file.
ALIASES: Final = load_aliases()


def _lookup(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    table = {fold(field): field for field in iter_fields()}
    for field, headings in aliases.items():
        for heading in headings:
            folded = fold(heading)
            if table.setdefault(folded, field) != field:
                raise ValueError(f"heading {heading!r} is given for two fields")
    return table


_LOOKUP: Final = _lookup(ALIASES)


@dataclass(frozen=True)
class HeaderMap:
    """Which column holds which field, and the headings that mean nothing to the schema.

    ``columns`` maps a 0-based column index to its field. ``clashes`` lists fields named by
    more than one column (the file is ambiguous and cannot be read).
    """

    columns: dict[int, str]
    unknown: tuple[str, ...]
    clashes: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def fields(self) -> set[str]:
        """The fields the file has a column for."""
        return set(self.columns.values())


def map_headers(headings: Iterable[object]) -> HeaderMap:
    """Map a header row to fields; blank headings are ignored (empty trailing columns)."""
    columns: dict[int, str] = {}
    unknown: list[str] = []
    named: dict[str, list[str]] = {}
    for index, heading in enumerate(headings):
        text = "" if heading is None else str(heading).strip()
        if not text.replace("\ufeff", ""):
            continue
        field = _LOOKUP.get(fold(text))
        if field is None:
            unknown.append(text)
            continue
        columns[index] = field
        named.setdefault(field, []).append(text)
    clashes = tuple((f, tuple(h)) for f, h in named.items() if len(h) > 1)
    return HeaderMap(columns, tuple(unknown), clashes)
