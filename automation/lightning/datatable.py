"""``lightning-datatable``: rows read by column name from the accessibility tree.

Under native shadow the cells' text lives in nested shadow roots, where ``inner_text()``
returns nothing; the accessibility snapshot crosses them, so rows are read from it.

A row is a ``TableRow``: looked up by column title whatever its case and accents (SLDS
upper-cases headers with CSS on some releases, so « Nom du compte » and « NOM DU COMPTE » are
the same column). A row whose cells do not match the headers is an error naming the table, never
a silent shift of every column after a missing cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from playwright.sync_api import Locator

from automation.errors import UnexpectedScreen
from automation.lightning._base import Scope
from automation.text import fold

__all__ = ["Datatable", "TableRow"]

# The snapshot is YAML: a node whose text holds a colon comes single-quoted, quotes doubled.
_NODE = re.compile(r'^(?P<indent>\s*)- (?P<q>\'?)(?P<role>[a-z]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')
_CELL_ROLES = {"gridcell", "rowheader", "cell"}


def _unquote(name: str | None) -> str:
    return (name or "").replace('\\"', '"').strip()


class TableRow(Mapping[str, str]):
    """One data row: {column title: cell text}, looked up by title without case or accents."""

    def __init__(self, cells: Mapping[str, str]) -> None:
        self._titles = {fold(title): title for title in cells}
        self._cells = dict(cells)

    def __getitem__(self, title: str) -> str:
        return self._cells[self._titles[fold(title)]]

    def __contains__(self, title: object) -> bool:
        return isinstance(title, str) and fold(title) in self._titles

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def __eq__(self, other: object) -> bool:
        return dict(self) == dict(other) if isinstance(other, Mapping) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a mapping is not hashable

    def __repr__(self) -> str:
        return f"TableRow({self._cells!r})"


class Datatable:
    """A table of records with a header row (found by its accessible name)."""

    def __init__(self, scope: Scope, name: str) -> None:
        self.scope = scope
        self.name = name

    @property
    def grid(self) -> Locator:
        """The grid element."""
        return self.scope.get_by_role("grid", name=self.name)

    def rows(self) -> list[TableRow]:
        """Every data row, read by column title.

        Raises ``UnexpectedScreen`` naming the table when a row has more or fewer cells than
        there are headers: reading it anyway would put every value after the gap in the wrong
        column.
        """
        header, *body = self._snapshot()
        for number, cells in enumerate(body, start=1):
            if len(cells) != len(header):
                raise UnexpectedScreen(
                    f"table « {self.name} »: row {number} has {len(cells)} cells for "
                    f"{len(header)} columns"
                )
        return [TableRow(dict(zip(header, cells, strict=True))) for cells in body]

    def row(self, *texts: str | re.Pattern[str]) -> Locator:
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
