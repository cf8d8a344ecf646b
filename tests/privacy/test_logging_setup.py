"""``configure_logging``: every record a prolong command logs is masked, whoever logs it."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from automation.runtime.logging_setup import active_masker, configure_logging, reset_logging
from automation.runtime.settings import Settings
from tests.privacy.conftest import PASSWORD, find_in_text, spellings


@pytest.fixture(autouse=True)
def _undo() -> Iterator[None]:
    yield
    reset_logging()


def _settings(show: bool = False) -> Settings:
    return Settings(_env_file=None, password=SecretStr(PASSWORD), show_personal_data=show)


def _configure(show: bool = False, verbose: bool = False) -> io.StringIO:
    stream = io.StringIO()
    masker = configure_logging(_settings(show), verbose=verbose, stream=stream)
    masker.register(names=("Marie", "Tremblay"), birth_date="1988-11-02", phone="4385550100")
    return stream


def test_prolong_and_library_records_are_masked_by_default() -> None:
    stream = _configure(verbose=True)
    logging.getLogger("flows.extension").info("searching %s", "Marie Tremblay")
    logging.getLogger("some.library").warning("row for (438) 555-0100 born 1988-11-02")
    logged = stream.getvalue()
    assert "searching M. T." in logged
    assert "row for (***) ***-0100 born 1988-**-**" in logged
    for value in ("Marie", "Tremblay", "555-0100", "1988-11-02"):
        assert value not in logged


def test_show_personal_data_shows_them_but_never_the_password() -> None:
    stream = _configure(show=True, verbose=True)
    logging.getLogger("automation.runtime.session").info("Marie Tremblay, password %s", PASSWORD)
    logged = stream.getvalue()
    assert "Marie Tremblay" in logged
    assert find_in_text(spellings(PASSWORD), logged) == []


def test_info_records_need_verbose() -> None:
    quiet = _configure(verbose=False)
    logging.getLogger("flows.bulk").info("a step")
    logging.getLogger("flows.bulk").warning("a problem")
    assert "a step" not in quiet.getvalue() and "a problem" in quiet.getvalue()


def test_an_existing_root_handler_gets_the_filter_too() -> None:
    other = io.StringIO()
    handler = logging.StreamHandler(other)
    logging.getLogger().addHandler(handler)
    try:
        _configure()
        logging.getLogger("some.library").warning("Marie Tremblay")
    finally:
        logging.getLogger().removeHandler(handler)
    assert other.getvalue().strip() == "M. T."


def test_warnings_go_through_the_masking_handler() -> None:
    stream = _configure()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("odd value for Marie Tremblay", UserWarning, stacklevel=1)
    assert "odd value for M. T." in stream.getvalue()


def test_configuring_twice_keeps_one_handler_and_reset_removes_it() -> None:
    _configure()
    _configure()
    ours = [h for h in logging.getLogger().handlers if type(h).__name__ == "_ProlongHandler"]
    assert len(ours) == 1
    assert active_masker() is not None
    reset_logging()
    assert not [h for h in logging.getLogger().handlers if type(h).__name__ == "_ProlongHandler"]
    assert active_masker() is None
