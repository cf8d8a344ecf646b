"""Masking of personal data in logs and console output."""

from __future__ import annotations

import logging

import pytest

from automation.evidence.privacy import (
    Masker,
    PersonalDataFilter,
    mask_birth_date,
    mask_email,
    mask_name,
    mask_phone,
)


def test_masks_each_kind_of_value() -> None:
    assert mask_name("Jean Bonjour") == "J. B."
    assert mask_birth_date("1950-01-01") == "1950-**-**"
    assert mask_phone("(514) 467-3193") == "(***) ***-3193"
    assert mask_email("jeanbonjour@pv.bleuelab.ca") == "j***@pv.bleuelab.ca"


def _client_masker(show: bool = False) -> Masker:
    masker = Masker(show=show)
    masker.register(
        names=("Jean", "Bonjour"),
        birth_date="1950-01-01",
        phone="(514) 467-3193",
        email="jeanbonjour@pv.bleuelab.ca",
    )
    return masker


def test_registered_values_are_masked_wherever_they_appear() -> None:
    text = "Client Jean Bonjour né le 1950-01-01, tél. (514) 467-3193 / 5144673193"
    masked = _client_masker().mask(text)
    for secret in ("Jean", "Bonjour", "1950-01-01", "467-3193", "5144673193"):
        assert secret not in masked
    assert "J. B." in masked


def test_words_that_merely_contain_a_name_are_left_alone() -> None:
    assert _client_masker().mask("Jeanne Bonjourno") == "Jeanne Bonjourno"


def test_showing_personal_data_is_an_explicit_choice() -> None:
    assert _client_masker(show=True).mask("Jean Bonjour") == "Jean Bonjour"


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("prolong.test.privacy")
    logger.addFilter(PersonalDataFilter(_client_masker()))
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("searching %s born %s", "Jean Bonjour", "1950-01-01")
    assert caplog.messages == ["searching J. B. born 1950-**-**"]
