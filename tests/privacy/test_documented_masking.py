"""The masking examples of the README and docs/security.md are what the logs print.

Each example is written `` `value` → `masked` `` in the documents' privacy sections; the test
reads them there (so changing one without the other fails), registers the values as a command
registers a request's client, logs them through the real logging set-up and compares.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from automation.evidence.privacy import Masker
from automation.runtime.logging_setup import configure_logging, reset_logging
from automation.runtime.settings import Settings

ROOT = Path(__file__).parents[2]
_EXAMPLE = re.compile(r"`([^`]+)`\s*→\s*`([^`]+)`")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PHONE = re.compile(r"[\d\s().+-]{7,}")


def _section(document: Path, heading: str) -> str:
    """The text of ``document`` under ``heading`` (a Markdown heading), to the next heading."""
    text = document.read_text(encoding="utf-8")
    found = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert found, f"{document.name} has no section « {heading} »"
    return found.group(1)


def _examples(document: str, heading: str) -> list[tuple[str, str]]:
    # Lines are wrapped anywhere in Markdown: join them before looking for `a` → `b`.
    text = " ".join(_section(ROOT / document, heading).split())
    return _EXAMPLE.findall(text)


DOCUMENTED = [
    pytest.param(value, masked, id=f"{document}:{value}")
    for document, heading in (
        ("README.md", "Security and personal data"),
        ("docs/security.md", "Personal data in logs and on the console"),
    )
    for value, masked in _examples(document, heading)
]


def _register(masker: Masker, value: str) -> None:
    """Register ``value`` as the field of a request it looks like."""
    if _DATE.fullmatch(value):
        masker.register(birth_date=value)
    elif "@" in value:
        masker.register(email=value)
    elif _PHONE.fullmatch(value):
        masker.register(phone=value)
    else:
        masker.register(names=(value,))


def test_both_documents_show_an_example_of_each_kind() -> None:
    values = [param.values[0] for param in DOCUMENTED]
    assert any(_DATE.fullmatch(str(v)) for v in values)
    assert any("@" in str(v) for v in values)
    assert any(_PHONE.fullmatch(str(v)) and not _DATE.fullmatch(str(v)) for v in values)
    assert any(str(v).istitle() for v in values)  # a name


@pytest.mark.parametrize(("value", "masked"), DOCUMENTED)
def test_a_documented_example_is_what_the_log_prints(value: str, masked: str) -> None:
    stream = io.StringIO()
    masker = configure_logging(Settings(_env_file=None), stream=stream)
    try:
        _register(masker, value)
        logging.getLogger("flows.documented").warning("searching the portal for %s", value)
    finally:
        reset_logging()
    assert stream.getvalue().rstrip("\n").endswith(f"searching the portal for {masked}")
