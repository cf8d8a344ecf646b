"""``lightning-datatable``: rows read by column name from the accessibility tree.

Under native shadow the cells' text lives in nested shadow roots, where ``inner_text()``
returns nothing; the accessibility snapshot crosses them, so rows are read from it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from automation.lightning._base import Scope

__all__ = ["Datatable"]

# The snapshot is YAML: a node whose text holds a colon comes single-quoted, quotes doubled.
_NODE = re.compile(r'^(?P<indent>\s*)- (?P<q>\'?)(?P<role>[a-z]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')
_CELL_ROLES = {"gridcell", "rowheader", "cell"}


def _unquote(name: str | None) -> str:
    return (name or "").replace('\\"', '"').strip()


class Datatable:
    """A table of records with a header row (found by its accessible name)."""

    def __init__(self, scope: Scope, name: str) -> None:
        self.scope = scope
        self.name = name

    @property
    def grid(self) -> Locator:
        """The grid element."""
        return self.scope.get_by_role("grid", name=self.name)

    def rows(self) -> list[dict[str, str]]:
        """Every data row as {column title: cell text}."""
        header, *body = self._snapshot()
        return [dict(zip(header, cells, strict=False)) for cells in body]

    def row(self, *texts: str) -> Locator:
        """The data rows that contain every one of ``texts``."""
        rows = self.grid.get_by_role("row")
        for text in texts:
            rows = rows.filter(has_text=text)
        return rows

    def _snapshot(self) -> list[list[str]]:
        table: list[list[str]] = []
        current: list[str] | None = None
        for line in self.grid.aria_snapshot().splitlines():
            match = _NODE.match(line)
            if not match:
                continue
            role = match["role"]
            if role == "row":
                current = []
                table.append(current)
            elif current is not None and (role in _CELL_ROLES or role == "columnheader"):
                name = _unquote(match["name"])
                current.append(_column_text(name.replace("''", "'") if match["q"] else name))
        return [row for row in table if row] or [[]]


def _column_text(name: str) -> str:
    # Sortable headers read "Sort by: NAME" or "NAME Sorted ..." in some releases.
    return re.sub(r"^(Sort by|Trier par)\s*:\s*", "", name).strip()
