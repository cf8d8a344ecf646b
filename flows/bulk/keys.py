"""Stable keys: which rows are the same request, across runs and across edits of the file.

``request_key`` names the *sale*: the legacy contract, the client (name and birth date) and the
stay (trip start and end). It deliberately leaves out the cells that describe the request
rather than identify it (coverages, departed, legacy days, phone, e-mail…): correcting one of
those after a contract was issued must find the same journal entry, already issued, instead of
selling a second contract. Names are compared folded (case, accents and spacing ignored).

``content_key`` names the row's exact content, for rows that do not parse (their key cannot be
trusted) and to notice that a row changed between two runs.

Keys are hashes: the journal and reports never need the values themselves.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

from flows.request import RoutingFacts

__all__ = ["KEY_FIELDS", "content_key", "fold", "request_key"]

#: The fields that identify one sale (see the module docstring for why only these).
KEY_FIELDS: Final = (
    "contract_number", "first_name", "last_name", "birth_date", "trip_start", "trip_end",
)


def fold(value: object) -> str:
    """A value as compared in keys: dates ISO, text without case, accents or extra spaces."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A spreadsheet's date cell is a midnight datetime: the same day as "2026-06-10".
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(sorted(fold(item) for item in value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 15.0 is the CSV's 15
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.replace("-", " ").casefold().split())


def _digest(prefix: str, values: Mapping[str, str]) -> str:
    blob = json.dumps(values, sort_keys=True, ensure_ascii=True).encode("ascii")
    return prefix + hashlib.sha256(blob).hexdigest()[:24]


def request_key(facts: RoutingFacts) -> str:
    """``r-`` + a hash of contract number, client name and birth date, trip start and end."""
    return _digest("r-", {name: fold(getattr(facts, name, None)) for name in KEY_FIELDS})


def content_key(values: Mapping[str, object]) -> str:
    """``c-`` + a hash of every non-blank cell of a row, by field name."""
    folded = {name: fold(value) for name, value in values.items()}
    return _digest("c-", {name: text for name, text in folded.items() if text})
