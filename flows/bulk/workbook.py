"""``<input name>-results.xlsx``: the operator's own rows back, with the outcome beside each.

A copy of the request file's first sheet (CSV or XLSX; the input is only read), row for row
(blank rows kept, so row 14 is still row 14), with four columns added: status (a code, as in
``results.csv``), new contract number, premium (a number in CAD number format) and message,
and the row filled with a colour per status. It holds what the input held, no more: written
owner-only like every report.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from flows.language import say
from flows.outcome import Outcome
from flows.request.money import Money

__all__ = [
    "ADDED_COLUMNS",
    "STATUS_FILLS",
    "WorkbookLine",
    "results_workbook_name",
    "write_results_workbook",
]

#: The columns added after the input's own, as codes (the header row names them so).
ADDED_COLUMNS: Final = ("status", "new_contract_number", "premium", "message")

#: Fill colour per status (RGB): green issued, blue hand-off, amber to fix, red failed…
STATUS_FILLS: Final[dict[str, str]] = {
    Outcome.ISSUED.value: "C8E6C9",
    Outcome.HANDED_OFF.value: "BBDEFB",
    Outcome.INVALID.value: "FFE0B2",
    Outcome.CONFLICT.value: "FFCC80",
    Outcome.FAILED.value: "FFCDD2",
    Outcome.DUPLICATE.value: "E0E0E0",
    Outcome.SKIPPED.value: "FFF9C4",
    "pending": "FFF9C4",
    "interrupted": "F8BBD0",
}

#: Excel's number format for Canadian dollars (two decimals, the sign after in French Excel
#: comes from the reader's own locale: the cell holds a number).
_CAD_FORMAT: Final = "#,##0.00 [$$-1009]"


@dataclass(frozen=True)
class WorkbookLine:
    """What the workbook writes beside one row."""

    status: str
    new_contract_number: str
    premium: Money | None
    message: str


def results_workbook_name(source: str) -> str:
    """``requests.xlsx`` → ``requests-results.xlsx`` (a CSV's name gives an xlsx too)."""
    return f"{Path(source).stem}-results.xlsx"


def _cell(value: Any) -> Any:
    # openpyxl writes str, numbers, dates; anything else as its text.
    if value is None or isinstance(value, str | int | float | date | datetime):
        return value
    return str(value)


def write_results_workbook(
    records: Sequence[Sequence[Any]], lines: Mapping[int, WorkbookLine], path: Path
) -> Path:
    """Write the copy of ``records`` (header first) with ``lines`` by spreadsheet row number.

    Returns ``path``; the file is written owner-only, whole (``write_private``).
    """
    import openpyxl  # slow to import: only runs that write the workbook pay for it
    from openpyxl.styles import Font, PatternFill

    from automation.evidence.artifacts import write_private

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = say(fr="Résultats", en="Results")
    width = max((len(record) for record in records), default=0)
    header = list(records[0]) if records else []
    header += [None] * (width - len(header))
    sheet.append([_cell(value) for value in header] + list(ADDED_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fills = {
        status: PatternFill("solid", start_color=rgb, end_color=rgb)
        for status, rgb in STATUS_FILLS.items()
    }
    for number, record in enumerate(records[1:], start=2):
        cells = [_cell(value) for value in record] + [None] * (width - len(record))
        line = lines.get(number)
        if line is None:
            sheet.append(cells)
            continue
        premium = float(line.premium.amount) if line.premium is not None else None
        sheet.append(
            [*cells, line.status, line.new_contract_number or None, premium, line.message or None]
        )
        fill = fills.get(line.status)
        for cell in sheet[number]:
            if fill is not None:
                cell.fill = fill
        if premium is not None:
            sheet.cell(row=number, column=width + 3).number_format = _CAD_FORMAT
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return write_private(path, buffer.getvalue())
