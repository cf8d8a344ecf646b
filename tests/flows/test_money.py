"""The premium as a number: parsed from what either locale shows, formatted back per language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from automation.runtime.settings import Locale
from flows.request.money import Money, parse_money


@pytest.mark.parametrize(
    ("shown", "amount"),
    [
        ("607,20 $", "607.20"),
        ("607,20\u00a0$", "607.20"),
        ("1\u202f607,20 $", "1607.20"),
        ("$607.20", "607.20"),
        ("$1,607.20", "1607.20"),
        ("CAD 45", "45.00"),
        ("45,5 $", "45.50"),
    ],
)
def test_reads_what_the_portal_shows(shown: str, amount: str) -> None:
    assert parse_money(shown) == Money(Decimal(amount))


@pytest.mark.parametrize("shown", ["", "$", "six cents", "1,2,3 $", "12.345 $"])
def test_refuses_what_is_not_an_amount_quoting_it(shown: str) -> None:
    with pytest.raises(ValueError, match="not an amount in dollars"):
        parse_money(shown)


def test_text_per_language_and_json_keeps_cents() -> None:
    premium = Money(Decimal("1607.2"))
    assert premium.text(Locale.FR) == "1\u00a0607,20\u00a0$"
    assert premium.text(Locale.EN) == "$1,607.20"
    assert premium.as_json() == {"amount": 1607.2, "currency": "CAD"}
