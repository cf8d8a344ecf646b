"""Amounts as numbers: the premium the portal shows (« 607,20 $ », "$607.20") as a ``Money``.

Machine outputs (``--json``, ``results.csv``, the journal, the results spreadsheet) hold the
decimal amount and its currency; only text for people formats it, in the run's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from automation.runtime.settings import Locale

__all__ = ["Money", "parse_money"]

# Spaces a locale may put between thousands: plain, no-break, narrow no-break.
_GROUPING = re.compile(r"[\s\u00a0\u202f]")
_AMOUNT = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency (the portal sells in Canadian dollars)."""

    amount: Decimal
    currency: str = "CAD"

    def text(self, lang: Locale) -> str:
        """As a person in ``lang`` reads it: « 1 607,20 $ » or "$1,607.20"."""
        digits = f"{self.amount:,.2f}"
        if lang is Locale.EN:
            return f"${digits}" if self.currency == "CAD" else f"{digits} {self.currency}"
        french = digits.replace(",", "\u00a0").replace(".", ",")
        return f"{french}\u00a0$" if self.currency == "CAD" else f"{french}\u00a0{self.currency}"

    def as_json(self) -> dict[str, float | str]:
        """``{"amount": 607.2, "currency": "CAD"}``: a JSON number (cents survive a float)."""
        return {"amount": float(self.amount), "currency": self.currency}


def parse_money(shown: str) -> Money:
    """Read an amount as the portal shows it, in either language.

    Raises ``ValueError`` quoting the text when it is not an amount in dollars.
    """
    text = _GROUPING.sub("", shown).replace("$", "").replace("CAD", "")
    if "," in text and "." in text:  # "1,607.20": the comma groups thousands
        text = text.replace(",", "")
    if not _AMOUNT.match(text):
        raise ValueError(f"not an amount in dollars: {shown!r}")
    try:
        return Money(Decimal(text.replace(",", ".")).quantize(Decimal("0.01")))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        raise ValueError(f"not an amount in dollars: {shown!r}") from None
