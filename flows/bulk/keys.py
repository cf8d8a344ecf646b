"""Stable keys: which rows are the same request, across runs and across edits of the file.

``request_key`` names the *sale*: the legacy contract, the client (name and birth date) and the
stay (trip start and end). It deliberately leaves out the cells that describe the request
rather than identify it (coverages, departed, legacy days, phone, e-mail…): correcting one of
those after a contract was issued must find the same journal entry, already issued, instead of
selling a second contract. Names are compared folded (``automation.text.fold``).

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

from automation.text import fold
from flows.request import RoutingFacts

__all__ = [
    "KEY_FIELDS",
    "KEY_RULE",
    "content_key",
    "fold_value",
    "legacy_request_key",
    "request_key",
]

#: The fields that identify one sale (see the module docstring for why only these).
KEY_FIELDS: Final = (
    "contract_number",
    "first_name",
    "last_name",
    "birth_date",
    "trip_start",
    "trip_end",
)

#: Which folding rule ``request_key`` uses; a journal records it (see ``legacy_request_key``).
KEY_RULE: Final = "shared-fold"


def fold_value(value: object) -> str:
    """A cell as compared in keys: dates ISO, lists sorted, text through the shared ``fold``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A spreadsheet's date cell is a midnight datetime: the same day as "2026-06-10".
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else (value.isoformat())
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(sorted(fold_value(item) for item in value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 15.0 is the CSV's 15
    return fold(str(value))


def _digest(prefix: str, values: Mapping[str, str]) -> str:
    blob = json.dumps(values, sort_keys=True, ensure_ascii=True).encode("ascii")
    return prefix + hashlib.sha256(blob).hexdigest()[:24]


def request_key(facts: RoutingFacts) -> str:
    """``r-`` + a hash of contract number, client name and birth date, trip start and end."""
    return _digest("r-", {name: fold_value(getattr(facts, name, None)) for name in KEY_FIELDS})


def content_key(values: Mapping[str, object]) -> str:
    """``c-`` + a hash of every non-blank cell of a row, by field name."""
    folded = {name: fold_value(value) for name, value in values.items()}
    return _digest("c-", {name: text for name, text in folded.items() if text})


def _legacy_text(value: object) -> str:
    # The rule of journals written before the shared fold: only ASCII letters kept, hyphens as
    # spaces ("O'Brien" stayed "o'brien", "Øst" became "st"). Kept for one purpose only.
    if not isinstance(value, str):
        return fold_value(value)
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.replace("-", " ").casefold().split())


def legacy_request_key(facts: RoutingFacts) -> str:
    """The key an earlier prolong gave this request (names folded by its own rule).

    Only for finding the entries of a journal written before ``KEY_RULE``: an issued request
    whose client's name has an apostrophe or a letter such as « ø » must still be found there,
    or a rerun would sell it again.
    """
    return _digest("r-", {name: _legacy_text(getattr(facts, name, None)) for name in KEY_FIELDS})
