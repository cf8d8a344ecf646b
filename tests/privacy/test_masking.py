"""Personal data is masked, and secrets hidden, in any text a Masker passes."""

from __future__ import annotations

import logging
import sys

import pytest

from automation.evidence.privacy import (
    SECRET_MASK,
    Masker,
    PersonalDataFilter,
    redact_secrets,
    register_secret,
)
from tests.privacy.conftest import PASSWORD, find_in_text, spellings


def _jean(show: bool = False) -> Masker:
    masker = Masker(show=show)
    masker.register(
        names=("Jean", "Bonjour"),
        birth_date="1950-01-01",
        phone="5144673193",
        email="jeanbonjour@pv.ca",
    )
    return masker


@pytest.mark.parametrize(
    "shown", ["(514) 467-3193", "514-467-3193", "514 467 3193", "514.467.3193", "5144673193"]
)
def test_every_usual_spelling_of_a_registered_phone_is_masked(shown: str) -> None:
    masked = _jean().mask(f"tél. {shown}.")
    assert "467" not in masked and masked.endswith("3193.")


def test_names_are_masked_whatever_their_case() -> None:
    assert _jean().mask("Compte JEAN BONJOUR, jean bonjour") == "Compte J. B., J. B."


def test_a_portal_opportunity_name_keeps_only_initials() -> None:
    masked = _jean().mask("contract AA1 issued (QUO - Jean Bonjour - 2026-11-26 - 3528119)")
    assert masked == "contract AA1 issued (QUO - J. B. - 2026-11-26 - 3528119)"


def test_a_registered_secret_is_hidden_in_every_spelling_even_when_data_is_shown() -> None:
    register_secret(PASSWORD)
    forms = [form.decode() for form in spellings(PASSWORD)]
    text = " | ".join(f'fill("{form}")' for form in forms)
    for masker in (_jean(), _jean(show=True)):
        masked = masker.mask(text)
        assert find_in_text(spellings(PASSWORD), masked) == []
        assert masked.count(SECRET_MASK) == len(forms)
    assert find_in_text(spellings(PASSWORD), redact_secrets(text)) == []


def test_a_too_short_secret_is_not_registered() -> None:
    register_secret("abc")  # would blank out ordinary words
    assert redact_secrets("abc abcd") == "abc abcd"


def test_the_filter_masks_the_traceback_of_a_logged_exception() -> None:
    record: logging.LogRecord
    try:
        raise ValueError("no account for Jean Bonjour born 1950-01-01")
    except ValueError:
        record = logging.LogRecord(
            "flows.x", logging.ERROR, __file__, 1, "failed for %s", ("Jean",), sys.exc_info()
        )
    PersonalDataFilter(_jean()).filter(record)
    shown = logging.Formatter().format(record)
    assert "Bonjour" not in shown and "1950-01-01" not in shown and "Jean" not in shown
    assert "no account for J. B. born 1950-**-**" in shown
