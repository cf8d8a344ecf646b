"""Every date the portal shows, written and read from CLDR (Babel): no name typed by hand.

A portal shows one day in several ways, and which depends on the site (issue 21):

- **Intl** (LWR sites): lightning-base-components has no ``$A`` and formats with
  ``Intl.DateTimeFormat`` in the org's locale, i.e. CLDR's own patterns and names:
  fr-CA short « 2027-07-31 », medium « 31 juill. 2027 », long « 31 juillet 2027 »;
  plain ``fr`` writes « 31 juil. 2027 », ``en`` « 7/31/27 ».
- **Aura** sites: ``$A.localizationService`` formats with the org's ``$Locale`` patterns
  (:data:`AURA_PATTERNS`: the seed's medium « janv. 1, 1950 » is ``MMM d, yyyy``, its short
  « 1950-01-01 » ``yyyy-MM-dd``) and the month names of the locale's CLDR data.

:func:`write` gives a day in one (source, CLDR locale, style); :func:`read` takes a text a
field or a cell shows and gives the day back, whatever the source and style, accepting the
names of both CLDR locales of the language in every pattern (« juil. » and « juill. »: an Aura
org may take its names from either), the month's final dot and Aura's comma optional, any
case and spacing. :func:`day_pattern` is what a check that waits for a field or looks for a
table row matches: every form :func:`read` accepts for that one day.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from typing import Final, Literal

from babel import Locale as CldrLocale
from babel.dates import format_date, get_date_format, get_day_names, get_month_names

from automation.locale import Locale

__all__ = [
    "AURA_PATTERNS",
    "LANGUAGES",
    "LOCALES",
    "Shown",
    "Source",
    "Style",
    "any_date",
    "day_pattern",
    "day_patterns",
    "forms",
    "read",
    "read_day",
    "typed",
    "write",
]


class Source(StrEnum):
    """Who formats the dates of a site."""

    AURA = "aura"  # $A.localizationService, the org's $Locale patterns
    INTL = "intl"  # Intl.DateTimeFormat (LWR sites: no $A)


class Style(StrEnum):
    """A date style, as ``lightning-input``'s ``date-style`` and CLDR name them."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"
    FULL = "full"  # Intl only (a weekday first): Aura's $Locale has no full date pattern


#: The CLDR locales a portal of each language may format with: the org's (fr-CA, en-CA) first.
LANGUAGES: Final[dict[Locale, tuple[str, ...]]] = {
    Locale.FR: ("fr_CA", "fr"),
    Locale.EN: ("en_CA", "en"),
}
LOCALES: Final[tuple[str, ...]] = tuple(loc for family in LANGUAGES.values() for loc in family)

#: The org's ``$Locale`` date patterns (Salesforce's, not CLDR's), per language: the seed shows
#: the short and the medium; the long is the org setting the simulator's Aura service carries.
AURA_PATTERNS: Final[dict[Locale, dict[Style, str]]] = {
    Locale.FR: {Style.SHORT: "yyyy-MM-dd", Style.MEDIUM: "MMM d, yyyy", Style.LONG: "d MMMM yyyy"},
    Locale.EN: {Style.SHORT: "yyyy-MM-dd", Style.MEDIUM: "MMM d, yyyy", Style.LONG: "MMMM d, yyyy"},
}


@dataclass(frozen=True)
class Shown:
    """A day read from the page, and the first way of writing it that reads so."""

    day: date
    source: Source
    locale: str
    style: Style


def typed(day: date) -> str:
    """What a date input is typed: ISO 8601, the fr-CA and en-CA short style, which every date
    input accepts (Aura's service parses it as the short pattern, Intl-based LWR inputs as
    ISO)."""
    return day.isoformat()


def language_of(locale: str) -> Locale:
    """The language of a CLDR locale (``fr_CA``), a browser's (``fr-CA``) or a run's (``fr``)."""
    language = str(locale).replace("-", "_").split("_", 1)[0].lower()
    if language not in LANGUAGES:
        raise ValueError(f"no portal dates for locale {locale!r}")
    return Locale(language)


@cache
def pattern_of(source: Source, locale: str, style: Style) -> str:
    """The CLDR pattern ``source`` formats ``style`` with in ``locale`` (``fr_CA``)."""
    if source is Source.INTL:
        return str(get_date_format(style.value, locale=locale).pattern)
    patterns = AURA_PATTERNS[language_of(locale)]
    if style not in patterns:
        raise ValueError(f"Aura's $Locale has no {style} date pattern")
    return patterns[style]


def writers(language: str) -> Iterator[tuple[Source, str, Style]]:
    """Every (source, locale, style) a portal of ``language`` may write a date in: Aura's
    first (an English Aura medium and Intl medium look the same: read as Aura's)."""
    for source in (Source.AURA, Source.INTL):
        for locale in LANGUAGES[language_of(str(language))]:
            for style in Style:
                if source is Source.INTL or style in AURA_PATTERNS[language_of(locale)]:
                    yield source, locale, style


def write(day: date, locale: str, style: Style, source: Source = Source.INTL) -> str:
    """``day`` as ``source`` writes it in ``locale``'s ``style`` (« 31 juill. 2027 »)."""
    return str(format_date(day, pattern_of(source, locale, style), locale=_cldr(locale)))


def forms(day: date, language: str) -> frozenset[str]:
    """Every text a portal of ``language`` may show for ``day`` (to mask a birth date)."""
    return frozenset(write(day, loc, style, source) for source, loc, style in writers(language))


def read(text: str, language: str) -> Shown | None:
    """The day ``text`` shows in any style a portal of ``language`` writes, or None."""
    shown = _normal(text)
    for source, locale, style in writers(language):
        family = language_of(locale)
        match = _reader(pattern_of(source, locale, style), family).fullmatch(shown)
        day = _day_of(match, family) if match else None
        if day is not None:
            return Shown(day, source, locale, style)
    return None


def read_day(text: str, language: str) -> date | None:
    """The day ``text`` shows (a cell, a field's value), or None when it shows no date."""
    shown = read(text, language)
    return shown.day if shown else None


@lru_cache(maxsize=1024)  # a walk asks for its few days again and again
def day_pattern(day: date, language: str, *, whole: bool = True) -> re.Pattern[str]:
    """Match ``day`` in any form :func:`read` accepts: the whole text (a field's value, what a
    web-first check waits for) or, ``whole`` False, anywhere in a text (a table row).

    Written for the browser's regular expressions too (Playwright sends it to the page): no
    named group, no bare slash.
    """
    either = _either(
        _regex(pattern_of(source, locale, style), language_of(locale), day)
        for source, locale, style in writers(language)
    )
    if not whole:
        # A row's text runs its cells together (« Bonjour1950-01-01(514) »): only a digit
        # next to the date makes it another number.
        return re.compile(rf"(?<!\d)(?:{either})(?!\d)", re.IGNORECASE)
    return re.compile(rf"^\s*(?:{either})\s*$", re.IGNORECASE)


def day_patterns(language: str) -> Callable[[date], re.Pattern[str]]:
    """:func:`day_pattern` of ``language``: what a date field of that portal is checked by."""

    def pattern(day: date) -> re.Pattern[str]:
        return day_pattern(day, language)

    return pattern


@cache
def any_date() -> re.Pattern[str]:
    """Any date shown in any style of either language (to mask a snapshot's dates)."""
    either = _either(
        _regex(pattern_of(source, locale, style), language_of(locale), None)
        for language in LANGUAGES
        for source, locale, style in writers(language)
    )
    return re.compile(rf"(?<!\w)(?:{either})(?!\w)", re.IGNORECASE)


# ---- patterns to regular expressions ---------------------------------------------------------

_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")
_SPECIAL = frozenset("\\^$.|?*+()[]{}/")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# What a field of a pattern matches in a reader: a named group per field.
Width = Literal["abbreviated", "wide"]
_CONTEXTS: Final[tuple[Literal["format", "stand-alone"], ...]] = ("format", "stand-alone")
_GROUPS = {
    "y": "year",
    "yy": "year2",
    "M": "month",
    "MMM": "month_name",
    "d": "day",
    "E": "weekday",
}


@cache
def _cldr(locale: str) -> CldrLocale:
    return CldrLocale.parse(locale)


def _normal(text: str) -> str:
    # Intl writes narrow and non-breaking spaces in some locales; a page may show either.
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _either(regexes: Iterable[str]) -> str:
    # Longest first, so that a search never stops at a shorter form inside a longer one.
    return "|".join(sorted(set(regexes), key=lambda r: (-len(r), r)))


@cache
def _reader(pattern: str, language: Locale) -> re.Pattern[str]:
    return re.compile(_regex(pattern, language, None, groups=True), re.IGNORECASE)


@cache
def _regex(pattern: str, language: Locale, day: date | None, *, groups: bool = False) -> str:
    """``pattern`` as a regular expression: any day (``day`` None) or that day's values only;
    with ``groups``, each field a named group :func:`_day_of` reads."""
    parts: list[str] = []
    for token in _TOKEN.finditer(pattern):
        text = token[0]
        if text.startswith("'"):
            parts.append(_literal(text[1:-1].replace("''", "'") or "'"))
        elif token[1]:
            kind, value = _field(token[1], len(text), language, day)
            parts.append(f"(?P<{_GROUPS[kind]}>{value})" if groups else f"(?:{value})")
        else:
            parts.append(_literal(text))
    return "".join(parts)


def _literal(text: str) -> str:
    # Spacing may vary and Aura's comma may be left out, as a person types it or a cell wraps.
    out = []
    for char in text:
        if char.isspace():
            out.append(r"\s*")
        elif char == ",":
            out.append(",?")
        elif char in _SPECIAL:
            # Escaped for both Python and the browser (Playwright writes a pattern between
            # slashes; a Unicode-mode RegExp refuses "\-"), so nothing else is.
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _field(letter: str, width: int, language: Locale, day: date | None) -> tuple[str, str]:
    """The kind of a pattern field (a key of ``_GROUPS``) and what it matches."""
    if letter == "y" and width == 2:
        return "yy", f"{day.year % 100:02d}" if day else r"\d{2}"
    if letter == "y":
        return "y", str(day.year) if day else r"\d{4}"
    if letter in "ML" and width >= 3:
        names = _months(language, _width(width))
        return "MMM", _names_of(names, day.month if day else None)
    if letter in "ML":
        return "M", rf"0?{day.month}" if day else r"\d{1,2}"
    if letter == "d":
        return "d", rf"0?{day.day}" if day else r"\d{1,2}"
    if letter in "Ec":
        names = _weekdays(language, _width(width))
        return "E", _names_of(names, day.weekday() if day else None)
    raise ValueError(f"date pattern field {letter * width!r} is not read")


def _names_of(names: Mapping[str, int], number: int | None) -> str:
    chosen = sorted((n for n, k in names.items() if number in (None, k)), key=lambda n: -len(n))
    return "|".join(re.escape(name) for name in chosen)


@cache
def _months(language: Locale, width: Width) -> dict[str, int]:
    """Month names of both CLDR locales of ``language`` (format and stand-alone contexts),
    each also without its final dot, folded: name → month number."""
    return _folded(
        (number, name)
        for locale in LANGUAGES[language]
        for context in _CONTEXTS
        for number, name in get_month_names(width, context, locale).items()
    )


@cache
def _weekdays(language: Locale, width: Width) -> dict[str, int]:
    """Weekday names as :func:`_months` gives months: name → ``date.weekday()`` (CLDR's
    numbering too: Monday 0)."""
    return _folded(
        (number, name)
        for locale in LANGUAGES[language]
        for context in _CONTEXTS
        for number, name in get_day_names(width, context, locale).items()
    )


def _folded(names: Iterable[tuple[object, str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, name in names:
        folded = unicodedata.normalize("NFC", name).casefold()
        found[folded] = found[folded.rstrip(".")] = int(str(number))
    return found


def _width(pattern_width: int) -> Width:
    return "wide" if pattern_width >= 4 else "abbreviated"


def _day_of(match: re.Match[str], language: Locale) -> date | None:
    found = match.groupdict()
    try:
        if found.get("month_name"):
            names = {**_months(language, "abbreviated"), **_months(language, "wide")}
            month = names[found["month_name"].casefold()]
        else:
            month = int(found["month"])
        year = int(found["year"]) if found.get("year") else _century(int(found["year2"]))
        day = date(year, month, int(found["day"]))
    except (KeyError, ValueError):
        return None  # 31 février, month 13: no such day
    weekday = found.get("weekday")
    if weekday:
        names = {**_weekdays(language, "abbreviated"), **_weekdays(language, "wide")}
        if names.get(weekday.casefold()) != day.weekday():
            return None  # a weekday that is not the day's
    return day


def _century(two_digits: int) -> int:
    # CLDR's rule for a two-digit year (ICU's too): within 80 years before and 20 after today.
    pivot = date.today().year + 20
    year = pivot - pivot % 100 + two_digits
    return year - 100 if year > pivot else year
