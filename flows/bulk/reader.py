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
from typing import Any, Final

from flows.bulk.headers import ALIASES, HeaderMap, map_headers
from flows.errors import Problem
from flows.language import say
from flows.request import ExtensionRequest, RoutingFacts


def _required(model: type[RoutingFacts]) -> tuple[str, ...]:
    return tuple(name for name, info in model.model_fields.items() if info.is_required())


#: Columns without which no row can be routed: one error for the file, not one per row.
ROUTING_REQUIRED: Final = _required(RoutingFacts)
#: Columns the automated entry needs besides (a file without them can still be planned).
ENTRY_REQUIRED: Final = tuple(
    name for name in _required(ExtensionRequest) if name not in ROUTING_REQUIRED
)

__all__ = [
    "ENTRY_REQUIRED",
    "ROUTING_REQUIRED",
    "InputFile",
    "InputFileError",
    "InputRow",
    "raw_records",
    "read_requests",
]

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
        raise InputFileError(
            say(
                fr=f"{path.name} : un ancien fichier Excel .xls ; l'enregistrer en .xlsx ou en "
                "CSV UTF-8",
                en=f"{path.name}: an old Excel .xls file; save it as .xlsx or CSV UTF-8",
            )
        )
    if head.startswith(_XLSX_MAGIC):
        return _read_xlsx(path)
    return _read_csv(path)


def raw_records(path: Path) -> list[list[Any]]:
    """Every row of the file as it is (the first sheet of a workbook), header first; blank
    rows kept, so the n-th record is spreadsheet row n. Raises ``InputFileError``."""
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(_XLSX_MAGIC):
        return _xlsx_records(path)[0]
    text = _csv_text(path)
    return [
        list(record)
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    ]


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(path: Path) -> InputFile:
    text = _csv_text(path)
    delimiter = _delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _from_records(path, "csv", records, delimiter=delimiter)


def _csv_text(path: Path) -> str:
    try:
        # utf-8-sig drops the byte-order mark Excel writes in "CSV UTF-8" files.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise InputFileError(
            say(
                fr=f"{path.name} : la ligne {line} n'est pas en UTF-8 ; enregistrer le "
                "fichier en « CSV UTF-8 » (Excel : Fichier → Enregistrer sous → CSV UTF-8)",
                en=f"{path.name}: line {line} is not UTF-8; save the file as « CSV UTF-8 » "
                "(Excel: File → Save as → CSV UTF-8)",
            )
        ) from None
    return text


def _delimiter(text: str) -> str:
    """``;`` when the header line has more semicolons than commas (French Excel), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> InputFile:
    records, sheets = _xlsx_records(path)
    notes: tuple[str, ...] = ()
    if len(sheets) > 1:
        notes = (
            say(
                fr=f"seule la première feuille « {sheets[0]} » a été lue",
                en=f"only the first sheet « {sheets[0]} » was read",
            ),
        )
    return _from_records(path, "xlsx", records, notes=notes)


def _xlsx_records(path: Path) -> tuple[list[list[Any]], list[str]]:
    import openpyxl  # openpyxl is slow to import; CSV users never pay for it

    try:
        # read_only: streams the sheet and never writes; data_only: values, not formulas.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise InputFileError(
            say(
                fr=f"{path.name} : pas un classeur .xlsx lisible ({error})",
                en=f"{path.name}: not a readable .xlsx workbook ({error})",
            )
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = [list(values) for values in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return records, list(workbook.sheetnames)


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
        raise InputFileError(
            say(
                fr=f"{path.name} : la ligne 1 doit porter les en-têtes",
                en=f"{path.name}: row 1 must hold the column headings",
            )
        )
    headers = map_headers(first[1])
    if headers.clashes:
        clash = "; ".join(
            f"{', '.join(repr(h) for h in headings)} = {name}" for name, headings in headers.clashes
        )
        raise InputFileError(
            say(
                fr=f"{path.name} : {clash} ; garder une seule colonne par champ",
                en=f"{path.name}: {clash}; keep one column per field",
            )
        )
    if not headers.columns:
        raise InputFileError(
            say(
                fr=f"{path.name} : aucun en-tête n'est un champ de demande (p. ex. contract_number "
                "ou « Numéro de contrat ») ; la ligne 1 est-elle l'en-tête ?",
                en=f"{path.name}: no column heading is a request field (e.g. contract_number or "
                "« Numéro de contrat »); is row 1 the header?",
            )
        )
    missing = [name for name in ROUTING_REQUIRED if name not in headers.fields]
    if missing:
        raise InputFileError(
            say(
                fr=f"{path.name} : "
                + " ; ".join(
                    f"aucune colonne pour {name} (en-têtes acceptés : {_accepted_headings(name)})"
                    for name in missing
                )
                + " ; chaque ligne en a besoin pour être routée",
                en=f"{path.name}: "
                + "; ".join(
                    f"no column for {name} (headings accepted: {_accepted_headings(name)})"
                    for name in missing
                )
                + "; every row needs it to be routed",
            )
        )
    if headers.unknown:
        ignored = ", ".join(headers.unknown)
        notes += (
            say(
                fr=f"colonnes ignorées (pas des champs de demande) : {ignored}",
                en=f"columns ignored (not request fields): {ignored}",
            ),
        )
    absent = [name for name in ENTRY_REQUIRED if name not in headers.fields]
    if absent:
        names = ", ".join(absent)
        notes += (
            say(
                fr=f"aucune colonne pour {names} : les lignes à saisir par prolong en ont "
                "besoin et seront invalides (celles à traiter ailleurs restent listées)",
                en=f"no column for {names}: rows routed to the automated entry need them "
                "and will be invalid (hand-offs are still listed)",
            ),
        )
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
        # Counted even when the extra cells are blank: « emc;baggage » unquoted in a row whose
        # last cell is empty still shifts every cell after it.
        if len(cells) > width and delimiter is not None:
            problems = (
                Problem(
                    "row",
                    say(
                        fr=f"a {len(cells)} cellules mais l’en-tête en a {width} : une cellule "
                        f"contient le séparateur « {delimiter} »",
                        en=f"has {len(cells)} cells but the header has {width}: a cell "
                        f"holds the separator « {delimiter} »",
                    ),
                    say(
                        fr=f'mettre cette cellule entre guillemets ("emc{delimiter}baggage") ou '
                        "utiliser l’autre séparateur",
                        en=f'quote that cell ("emc{delimiter}baggage") or use the other separator',
                    ),
                ),
            )
        yield InputRow(number, values, problems)


def _accepted_headings(name: str) -> str:
    return ", ".join(f"« {heading} »" for heading in (name, *ALIASES.get(name, ())))


def _present(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _cell(cell: object) -> object:
    return cell.strip() if isinstance(cell, str) else cell
