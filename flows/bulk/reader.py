"""Reading a file of extension requests: CSV (UTF-8, BOM or not, ``,`` or ``;``) or XLSX.

Row numbers are the spreadsheet's: the header is row 1, the first request row 2, blank rows
keep their number (so "row 14" is the row an operator sees in Excel). The file is only ever
opened for reading.

A problem with the whole file (not UTF-8, no header, two columns for one field) raises
``InputFileError``; a problem with one row (a cell holding the separator) stays on that row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.bulk.headers import HeaderMap, map_headers
from flows.errors import Problem

__all__ = ["InputFile", "InputFileError", "InputRow", "read_requests"]

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class InputFileError(ValueError):
    """The file as a whole cannot be read; the message says what to do about it."""


@dataclass(frozen=True)
class InputRow:
    """One request row: its spreadsheet row number and its cells by field name (blanks left out)."""

    row: int
    values: dict[str, object]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class InputFile:
    """The rows of a request file, with what was learnt about its columns."""

    path: Path
    kind: str  # "csv" or "xlsx"
    rows: tuple[InputRow, ...]
    headers: HeaderMap
    delimiter: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_requests(path: Path) -> InputFile:
    """Read ``path`` (CSV or XLSX, decided by its content, not only its name)."""
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(_XLS_MAGIC) or path.suffix.lower() == ".xls":
        raise InputFileError(f"{path.name}: an old Excel .xls file; save it as .xlsx or CSV UTF-8")
    if head.startswith(_XLSX_MAGIC):
        return _read_xlsx(path)
    return _read_csv(path)


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(path: Path) -> InputFile:
    try:
        # utf-8-sig drops the byte-order mark Excel writes in "CSV UTF-8" files.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise InputFileError(
            f"{path.name}: line {line} is not UTF-8; save the file as « CSV UTF-8 » "
            "(Excel: File → Save as → CSV UTF-8)"
        ) from None
    delimiter = _delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _from_records(path, "csv", records, delimiter=delimiter)


def _delimiter(text: str) -> str:
    """``;`` when the header line has more semicolons than commas (French Excel), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> InputFile:
    import openpyxl  # openpyxl is slow to import; CSV users never pay for it

    try:
        # read_only: streams the sheet and never writes; data_only: values, not formulas.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise InputFileError(f"{path.name}: not a readable .xlsx workbook ({error})") from None
    try:
        sheet = workbook.worksheets[0]
        records = [list(values) for values in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    notes: tuple[str, ...] = ()
    if len(workbook.sheetnames) > 1:
        notes = (f"only the first sheet « {workbook.sheetnames[0]} » was read",)
    return _from_records(path, "xlsx", records, notes=notes)


# --- both --------------------------------------------------------------------------------------


def _from_records(
    path: Path,
    kind: str,
    records: Iterable[Sequence[Any]],
    *,
    delimiter: str | None = None,
    notes: tuple[str, ...] = (),
) -> InputFile:
    numbered = enumerate(records, start=1)
    first = next(numbered, None)
    if first is None or not any(_present(cell) for cell in first[1]):
        raise InputFileError(f"{path.name}: row 1 must hold the column headings")
    headers = map_headers(first[1])
    if headers.clashes:
        clash = "; ".join(f"{', '.join(repr(h) for h in headings)} all mean {name}"
                          for name, headings in headers.clashes)
        raise InputFileError(f"{path.name}: {clash}; keep one column per field")
    if not headers.columns:
        raise InputFileError(
            f"{path.name}: no column heading is a request field (e.g. contract_number or "
            "« Numéro de contrat »); is row 1 the header?"
        )
    if headers.unknown:
        notes += (f"columns ignored (not request fields): {', '.join(headers.unknown)}",)
    width = len(first[1])
    rows = tuple(_rows(numbered, headers, width, delimiter))
    return InputFile(path, kind, rows, headers, delimiter, notes)


def _rows(
    numbered: Iterator[tuple[int, Sequence[Any]]],
    headers: HeaderMap,
    width: int,
    delimiter: str | None,
) -> Iterator[InputRow]:
    for number, cells in numbered:
        if not any(_present(cell) for cell in cells):
            continue  # a blank row is not a request; its number is still skipped
        values = {
            name: _cell(cells[index])
            for index, name in headers.columns.items()
            if index < len(cells) and _present(cells[index])
        }
        problems: tuple[Problem, ...] = ()
        extra = [cell for cell in cells[width:] if _present(cell)]
        if extra and delimiter is not None:
            problems = (Problem(
                "row", f"has {width + len(extra)} cells but the header has {width}: a cell "
                f"holds the separator « {delimiter} »",
                f'quote that cell ("emc{delimiter}baggage") or use the other separator',
            ),)
        yield InputRow(number, values, problems)


def _present(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _cell(cell: object) -> object:
    return cell.strip() if isinstance(cell, str) else cell
