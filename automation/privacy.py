"""Masking personal data before it reaches a log line, a console or a report.

A request carries a client's name, birth date, phone and health-insurance facts, which Québec law
treats as personal information. Logs show ``J. B.``, ``1950-**-**`` and ``(***) ***-3193`` unless
``PORTAL_SHOW_PERSONAL_DATA`` is set by a person debugging on their own machine.
"""

from __future__ import annotations

import logging
import re

__all__ = [
    "Masker",
    "PersonalDataFilter",
    "mask_birth_date",
    "mask_email",
    "mask_name",
    "mask_phone",
]

_DIGIT = re.compile(r"\d")


def mask_name(name: str) -> str:
    """« Jean Bonjour » → « J. B. »: enough to tell rows apart, not to identify someone."""
    return " ".join(f"{part[0]}." for part in name.split() if part) or ""


def mask_birth_date(value: str) -> str:
    """Keep the year only: « 1950-01-01 » → « 1950-**-** »."""
    return f"{value[:4]}-**-**" if len(value) >= 4 else "****"


def mask_phone(value: str) -> str:
    """Keep the last four digits: « (514) 467-3193 » → « (***) ***-3193 »."""
    digits = len(_DIGIT.findall(value))
    seen = 0
    out = []
    for char in value:
        if char.isdigit():
            seen += 1
            out.append(char if seen > digits - 4 else "*")
        else:
            out.append(char)
    return "".join(out)


def mask_email(value: str) -> str:
    """« jeanbonjour@pv.ca » → « j***@pv.ca »."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class Masker:
    """Masks known personal values wherever they appear in a text.

    Values are registered as they are read (a request's client fields); ``mask`` replaces each
    registered value by its masked form. With ``show=True`` it returns texts unchanged.
    """

    def __init__(self, *, show: bool = False) -> None:
        self.show = show
        self._replacements: dict[str, str] = {}

    def register(
        self,
        *,
        names: tuple[str, ...] = (),
        birth_date: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> None:
        """Remember a client's values so later texts mentioning them are masked."""
        for name in names:
            for part in name.split():
                if len(part) > 1:
                    self._replacements[part] = f"{part[0]}."
        if birth_date:
            self._replacements[birth_date] = mask_birth_date(birth_date)
        if phone:
            self._replacements[phone] = mask_phone(phone)
            digits = "".join(_DIGIT.findall(phone))
            if len(digits) >= 7:
                self._replacements[digits] = mask_phone(digits)
        if email:
            self._replacements[email] = mask_email(email)

    def mask(self, text: str) -> str:
        """``text`` with every registered value masked (longest values first)."""
        if self.show or not self._replacements:
            return text
        for value in sorted(self._replacements, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", self._replacements[value], text)
        return text


class PersonalDataFilter(logging.Filter):
    """A logging filter that passes every record through a ``Masker``."""

    def __init__(self, masker: Masker) -> None:
        super().__init__()
        self.masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.masker.mask(record.getMessage())
        record.args = None
        return True
