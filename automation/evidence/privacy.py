"""Masking personal data before it reaches a log line, a console or a report; hiding secrets.

A request carries a client's name, birth date, phone and health-insurance facts, which Québec law
treats as personal information. Logs show ``J. B.``, ``1950-**-**`` and ``(***) ***-3193`` unless
``PORTAL_SHOW_PERSONAL_DATA`` is set by a person debugging on their own machine.

Secrets (the portal password, session cookies) are another matter: they are never shown, whatever
the setting. ``register_secret`` adds one to a process-wide list that every ``Masker`` (so every
log line, console message and report message that goes through one) replaces by ``**********``,
in its plain, URL-encoded, JSON-escaped and HTML-escaped spellings. It is a second line of
defence: Playwright's call log, for one, quotes the text it was asked to type into a field.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

__all__ = [
    "SECRET_MASK",
    "Masker",
    "PersonalDataFilter",
    "mask_birth_date",
    "mask_email",
    "mask_name",
    "mask_phone",
    "redact_secrets",
    "register_secret",
    "secret_spellings",
]

SECRET_MASK = "**********"
# Shorter "secrets" would blank out ordinary words; a real password is longer than this anyway.
_MIN_SECRET = 4

_DIGIT = re.compile(r"\d")


def mask_name(name: str) -> str:
    """« Jean Bonjour » → « J. B. »: enough to tell rows apart, not to identify someone."""
    return " ".join(f"{part[0]}." for part in name.split() if part) or ""


def mask_birth_date(value: str) -> str:
    """Keep the year only: « 1950-01-01 » → « 1950-**-** »."""
    return f"{value[:4]}-**-**" if len(value) >= 4 else "****"


def mask_phone(value: str) -> str:
    """Keep the last four digits: « (514) 467-3193 » → « (***) ***-3193 ».

    A North American number (10 digits, or 11 starting with 1) is shown in that one form
    however it was written (« 5144673193 », « 514.467.3193 »…), as the README says logs show
    it; any other number keeps its own layout, every digit but the last four starred.
    """
    digits = _DIGIT.findall(value)
    if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
        return f"(***) ***-{''.join(digits[-4:])}"
    return _star_digits(value, len(digits))


def _star_digits(value: str, digits: int) -> str:
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


def secret_spellings(secret: str) -> set[str]:
    """The ways ``secret`` can be written in a log, a URL, a JSON document or an HTML page."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret, quote=True),
    }
    return {form for form in forms if len(form) >= _MIN_SECRET}


def _phone_forms(phone: str) -> set[str]:
    """``phone`` as given, its digits, and the ways a portal or a person writes a 10-digit one."""
    digits = "".join(_DIGIT.findall(phone))
    forms = {phone}
    if len(digits) >= 7:
        forms.add(digits)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        area, exchange, line = digits[:3], digits[3:6], digits[6:]
        forms |= {
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area} {exchange} {line}",
            f"{area}.{exchange}.{line}",
            digits,
        }
    return forms


class _Secrets:
    """The process-wide list of secrets, with one compiled pattern rebuilt on change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secret: str) -> None:
        with self._lock:
            new = secret_spellings(secret) - self._values
            if new:
                self._values |= new
                self._pattern = _alternation(self._values, flags=0)

    def redact(self, text: str) -> str:
        pattern = self._pattern  # read once: a concurrent add swaps it whole
        return text if pattern is None else pattern.sub(SECRET_MASK, text)


def _alternation(values: Iterable[str], *, flags: int) -> re.Pattern[str]:
    # Longest first, so a value never loses to one of its own prefixes.
    ordered = sorted(values, key=len, reverse=True)
    return re.compile("|".join(re.escape(value) for value in ordered), flags)


_SECRETS = _Secrets()


def register_secret(secret: str | None) -> None:
    """Never show ``secret`` again in anything a ``Masker`` or ``redact_secrets`` passes."""
    if secret and len(secret) >= _MIN_SECRET:
        _SECRETS.add(secret)


def redact_secrets(text: str) -> str:
    """``text`` with every registered secret replaced by ``**********``."""
    return _SECRETS.redact(text)


class Masker:
    """Masks known personal values wherever they appear in a text; always hides secrets.

    Values are registered as they are read (a request's client fields); ``mask`` replaces each
    registered value by its masked form. Names are matched whatever their case (a portal may show
    « BONJOUR »). With ``show=True`` personal values pass unchanged; secrets never do.
    Safe to share between threads (bulk workers register while others log).
    """

    def __init__(self, *, show: bool = False) -> None:
        self.show = show
        self._lock = threading.Lock()
        self._replacements: dict[str, str] = {}  # casefolded value → masked form
        self._pattern: re.Pattern[str] | None = None

    def register(
        self,
        *,
        names: tuple[str, ...] = (),
        birth_date: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> None:
        """Remember a client's values so later texts mentioning them are masked."""
        found: dict[str, str] = {}
        for name in names:
            for part in name.split():
                if len(part) > 1:
                    found[part] = f"{part[0]}."
        if birth_date:
            found[birth_date] = mask_birth_date(birth_date)
        if phone:
            for form in _phone_forms(phone):
                found[form] = mask_phone(form)
        if email:
            found[email] = mask_email(email)
        with self._lock:
            before = len(self._replacements)
            for value, masked in found.items():
                self._replacements.setdefault(value.casefold(), masked)
            if len(self._replacements) != before:
                self._pattern = re.compile(
                    rf"(?<!\w)(?:{_alternation(self._replacements, flags=0).pattern})(?!\w)",
                    re.IGNORECASE,
                )

    def mask(self, text: str) -> str:
        """``text`` with every registered value masked and every secret hidden."""
        text = redact_secrets(text)
        pattern = self._pattern
        if self.show or pattern is None:
            return text
        replacements = self._replacements

        def masked(found: re.Match[str]) -> str:
            value = found.group(0)
            # IGNORECASE and casefold disagree on a few letters (ß): fall back to an initial.
            return replacements.get(value.casefold()) or f"{value[0]}."

        return pattern.sub(masked, text)


class PersonalDataFilter(logging.Filter):
    """A logging filter that passes every record, traceback included, through a ``Masker``.

    Installed on a handler it masks every record the handler emits, whichever logger made it
    (a filter on a logger would miss the records that only propagate through it).
    """

    def __init__(self, masker: Masker) -> None:
        super().__init__()
        self.masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.masker.mask(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatter reuses exc_text when set: the traceback is masked once, here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.masker.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.masker.mask(record.stack_info)
        return True
