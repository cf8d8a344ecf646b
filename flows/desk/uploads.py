"""An uploaded request file, checked before the bulk reader opens it, and stored under the desk.

Bounds: ``MAX_UPLOAD_BYTES`` of file, ``MAX_ROWS`` rows, and for an XLSX (a zip) at most
``MAX_XLSX_EXPANDED`` bytes once unzipped, ``MAX_XLSX_RATIO`` times its compressed size per
member and ``MAX_XLSX_MEMBERS`` members: a zip-bomb workbook is refused before openpyxl
unzips anything. The name stored is the desk's (``requests.csv`` or the upload's own name
reduced to letters, digits, ``-`` and ``_``): no path is ever taken from the request.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from flows.language import say

__all__ = [
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_EXPANDED",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_RATIO",
    "UploadLimits",
    "UploadRefused",
    "check_rows",
    "check_upload",
    "stored_name",
]

MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024
MAX_ROWS: Final = 5000
MAX_XLSX_EXPANDED: Final = 50 * 1024 * 1024
MAX_XLSX_RATIO: Final = 200
MAX_XLSX_MEMBERS: Final = 500

_XLSX_MAGIC: Final = b"PK\x03\x04"


class UploadRefused(ValueError):
    """An upload the desk does not read; the message says why, for the operator."""


@dataclass(frozen=True)
class UploadLimits:
    """The bounds an upload must stay within."""

    max_bytes: int = MAX_UPLOAD_BYTES
    max_rows: int = MAX_ROWS
    max_expanded: int = MAX_XLSX_EXPANDED


def stored_name(upload_name: str, data: bytes) -> str:
    """The file name the desk stores an upload under: the upload's stem, cleaned, and the
    extension its content has (``.xlsx`` for a zip, else ``.csv``)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(upload_name.replace("\\", "/")).stem).strip("-")
    suffix = ".xlsx" if data.startswith(_XLSX_MAGIC) else ".csv"
    return f"{(stem or 'requests')[:60]}{suffix}"


def check_upload(data: bytes, limits: UploadLimits) -> None:
    """Raise ``UploadRefused`` when ``data`` is too big, or a workbook that expands too much."""
    if not data:
        raise UploadRefused(say(fr="Le fichier est vide.", en="The file is empty."))
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes // (1024 * 1024)
        raise UploadRefused(
            say(
                fr=f"Fichier trop gros : au plus {mb} Mo.",
                en=f"File too large: {mb} MB at most.",
            )
        )
    if data.startswith(_XLSX_MAGIC):
        _check_workbook(data, limits)


def _check_workbook(data: bytes, limits: UploadLimits) -> None:
    refused = UploadRefused(
        say(
            fr="Classeur refusé : il se décompresse en bien plus que sa taille (fichier "
            "piégé ou anormal). Enregistrez-le de nouveau depuis Excel, ou en CSV.",
            en="Workbook refused: it unzips to far more than its size (a booby-trapped or "
            "abnormal file). Save it again from Excel, or as CSV.",
        )
    )
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise UploadRefused(
            say(fr="Classeur illisible (zip abîmé).", en="Unreadable workbook (broken zip).")
        ) from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise refused
    if sum(member.file_size for member in members) > limits.max_expanded:
        raise refused
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(
            member.compress_size, 1
        ):
            raise refused


def check_rows(count: int, limits: UploadLimits) -> None:
    """Raise ``UploadRefused`` for a file of more than ``limits.max_rows`` rows."""
    if count > limits.max_rows:
        raise UploadRefused(
            say(
                fr=f"Trop de lignes : {count} (au plus {limits.max_rows}). Coupez le fichier.",
                en=f"Too many rows: {count} ({limits.max_rows} at most). Split the file.",
            )
        )
