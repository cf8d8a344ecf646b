"""Every day of 2026-2029, in every style of fr-CA, fr, en-CA and en, Aura's and Intl's, is read
back as the day it is (automation/portal_dates.py, issue 21).

The days are generated, not chosen: a chosen date is how « juill. » survived three releases.
The strategies here are for dates only (the request strategies live with the request tests).
Reading what Chromium's own ``Intl.DateTimeFormat`` writes is checked for every day in one
``evaluate``: Babel's CLDR and the browser's ICU are two copies of the same published data,
and this is where they would part.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from playwright.sync_api import Page

from automation.portal_dates import (
    AURA_PATTERNS,
    LANGUAGES,
    LOCALES,
    Source,
    Style,
    any_date,
    day_pattern,
    forms,
    language_of,
    read,
    read_day,
    write,
    writers,
)

FIRST, LAST = date(2026, 1, 1), date(2029, 12, 31)
EVERY_DAY = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]

days = st.dates(min_value=FIRST, max_value=LAST)
languages = st.sampled_from(sorted(LANGUAGES))
# A way a portal of some language writes a date: (language, source, CLDR locale, style).
ways = languages.flatmap(
    lambda language: st.sampled_from([(language, *way) for way in writers(language)])
)


def _seen(text: str, case: str, space: str, dots: bool) -> str:
    """``text`` as a page may show it: another case, other spaces, the month's dot left out."""
    shown = text.upper() if case == "upper" else text.lower() if case == "lower" else text
    shown = shown.replace(" ", space)
    return re.sub(r"(?<=[^\W\d_])\.", "", shown) if not dots else shown


# ---- the styles the portals show, as the issue and the seed measured them


@pytest.mark.parametrize(
    ("text", "language", "day", "source", "style"),
    [
        # The seed: the Voyage step's short, the client form's Aura medium.
        ("1950-01-01", "fr", date(1950, 1, 1), Source.AURA, Style.SHORT),
        ("janv. 1, 1950", "fr", date(1950, 1, 1), Source.AURA, Style.MEDIUM),
        # Issue 21: what an LWR site (Intl fr-CA medium) shows, and Aura's July.
        ("31 juill. 2027", "fr", date(2027, 7, 31), Source.INTL, Style.MEDIUM),
        ("juil. 31, 2027", "fr", date(2027, 7, 31), Source.AURA, Style.MEDIUM),
        ("31 juillet 2027", "fr", date(2027, 7, 31), Source.AURA, Style.LONG),
        ("samedi 31 juillet 2027", "fr", date(2027, 7, 31), Source.INTL, Style.FULL),
        ("31/07/2027", "fr", date(2027, 7, 31), Source.INTL, Style.SHORT),
        ("Jul 31, 2027", "en", date(2027, 7, 31), Source.AURA, Style.MEDIUM),
        ("July 31, 2027", "en", date(2027, 7, 31), Source.AURA, Style.LONG),
        ("7/31/27", "en", date(2027, 7, 31), Source.INTL, Style.SHORT),
        ("1/1/50", "en", date(1950, 1, 1), Source.INTL, Style.SHORT),  # 80 years back, not 2050
    ],
)
def test_a_date_is_read_in_the_style_it_is_shown(
    text: str, language: str, day: date, source: Source, style: Style
) -> None:
    shown = read(text, language)
    assert shown is not None
    assert (shown.day, shown.source, shown.style) == (day, source, style)
    assert day_pattern(day, language).fullmatch(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Jean Bonjour", "fr"),
        ("1950-02-30", "fr"),  # no such day
        ("31 juill. 2027", "en"),  # another language's month
        ("vendredi 31 juillet 2027", "fr"),  # the 31st is a Saturday
        ("31 juill. 27", "fr"),  # no French style writes a two-digit year after a name
        ("", "fr"),
    ],
)
def test_what_shows_no_date_of_the_language_reads_as_none(text: str, language: str) -> None:
    assert read(text, language) is None


def test_a_row_is_found_by_its_day_and_not_by_a_neighbour() -> None:
    # The day's number inside a longer one (11 janv., 011) is another day.
    day = date(1950, 1, 1)
    anywhere = day_pattern(day, "fr", whole=False)
    # A table row's text runs its cells together.
    assert anywhere.search("Jean Bonjour1950-01-01(514) 467-3193")
    assert anywhere.search("Jean Bonjour 1 janv. 1950 (514)")
    assert not anywhere.search("Jean Bonjour 11 janv. 1950 (514) 467-3193")
    assert not anywhere.search("Jean Bonjour 1950-01-011")


def test_no_hand_list_aura_takes_its_names_from_cldr() -> None:
    # Aura's patterns are the org's; the names in them are CLDR's for the locale written in.
    assert write(date(2027, 7, 31), "fr", Style.MEDIUM, Source.AURA) == "juil. 31, 2027"
    assert write(date(2027, 7, 31), "fr_CA", Style.MEDIUM, Source.AURA) == "juill. 31, 2027"
    assert set(AURA_PATTERNS) == set(LANGUAGES)
    assert {language_of(locale) for locale in LOCALES} == set(LANGUAGES)


# ---- every day, every way


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_day_of_2026_to_2029_round_trips(language: str) -> None:
    """Each day written every way a portal of ``language`` writes it (Aura's and Intl's, both
    CLDR locales, every style) reads back as that day."""
    wrong = [
        (day, source, locale, style, text)
        for day in EVERY_DAY
        for source, locale, style in writers(language)
        if read_day(text := write(day, locale, style, source), language) != day
    ]
    assert not wrong, wrong[:5]


@given(
    way=ways,
    day=days,
    case=st.sampled_from(["as is", "upper", "lower"]),
    space=st.sampled_from([" ", "  ", "\u00a0", "\u202f"]),
    dots=st.booleans(),
)
@example(way=("fr", Source.INTL, "fr_CA", Style.MEDIUM), day=date(2027, 7, 31), case="as is",
         space=" ", dots=True)  # fmt: skip
def test_a_date_as_a_page_shows_it_reads_back(
    way: tuple[str, Source, str, Style], day: date, case: str, space: str, dots: bool
) -> None:
    language, source, locale, style = way
    shown = _seen(write(day, locale, style, source), case, space, dots)
    assert read_day(shown, language) == day
    assert day_pattern(day, language).fullmatch(shown)
    assert any_date().fullmatch(shown)


@given(way=ways, day=days, other=days)
def test_another_day_is_never_taken_for_it(
    way: tuple[str, Source, str, Style], day: date, other: date
) -> None:
    language, source, locale, style = way
    text = write(other, locale, style, source)
    assert bool(day_pattern(day, language).fullmatch(text)) is (other == day)


@given(way=ways, day=days, other=days, gap=st.sampled_from(["", " ", "\t"]))
# Found by the LWR walk: a row's text runs its cells together, and a guard against letters
# next to the date lost the birth date of « Jean Bonjour1950-01-01(514) ».
@example(way=("fr", Source.AURA, "fr_CA", Style.SHORT), day=date(1950, 1, 1),
         other=date(1950, 1, 1), gap="")  # fmt: skip
def test_a_row_shows_its_day_whatever_its_cells(
    way: tuple[str, Source, str, Style], day: date, other: date, gap: str
) -> None:
    language, source, locale, style = way
    row = gap.join(["Jean Bonjour", write(other, locale, style, source), "(514) 467-3193"])
    assert bool(day_pattern(day, language, whole=False).search(row)) is (other == day)


@given(day=days, language=languages)
def test_every_form_of_a_day_is_that_day(day: date, language: str) -> None:
    for text in forms(day, language):
        assert read_day(text, language) == day, text


# ---- what Chromium's Intl writes

_INTL_EVERY_DAY = """([first, count, locales]) => {
    const out = [];
    for (const locale of locales) {
        const styles = {
            short: {dateStyle: 'short'}, medium: {dateStyle: 'medium'},
            long: {dateStyle: 'long'}, full: {dateStyle: 'full'},
            // lightning-base-components' Intl medium (dateTimeUtils.js): what LWR inputs show
            lbc: {year: 'numeric', month: 'short', day: 'numeric'},
        };
        for (const [style, options] of Object.entries(styles)) {
            const format = new Intl.DateTimeFormat(locale, {...options, timeZone: 'UTC'});
            for (let n = 0; n < count; n++) {
                const day = new Date(Date.parse(first) + n * 86400000);
                out.push([locale, style, n, format.format(day)]);
            }
        }
    }
    return out;
}"""


@pytest.mark.e2e
def test_every_day_chromium_writes_is_read_back(page: Page) -> None:
    browser_locales = [locale.replace("_", "-") for locale in LOCALES]
    written: list[list[object]] = page.evaluate(
        _INTL_EVERY_DAY, [FIRST.isoformat(), len(EVERY_DAY), browser_locales]
    )
    assert len(written) == len(EVERY_DAY) * len(LOCALES) * 5
    wrong = [
        (locale, style, EVERY_DAY[int(str(n))], text)
        for locale, style, n, text in written
        if read_day(str(text), language_of(str(locale))) != EVERY_DAY[int(str(n))]
    ]
    assert not wrong, wrong[:5]
    # And Babel writes what the browser writes: the same CLDR on both sides.
    differ = [
        (locale, style, text)
        for locale, style, n, text in written
        if style != "lbc"
        and write(EVERY_DAY[int(str(n))], str(locale).replace("-", "_"), Style(str(style))) != text
    ]
    assert not differ, differ[:5]


_MATCHES = """(cases) => cases.map(([source, text]) =>
    ['i', 'iu'].every((flags) => new RegExp(source, flags).test(text)))"""


@pytest.mark.e2e
def test_the_browser_matches_a_day_as_python_does(page: Page) -> None:
    """A field's check runs ``day_pattern`` in the page (Playwright, the toolkit's waits): the
    same pattern must hold there, with or without the Unicode flag."""
    sample = [day for day in EVERY_DAY if day.day in (1, 15) or (day + timedelta(days=1)).day == 1]
    cases = [
        (day_pattern(day, language).pattern, write(day, locale, style, source))
        for language in sorted(LANGUAGES)
        for day in sample
        for source, locale, style in writers(language)
    ]
    matched: list[bool] = page.evaluate(_MATCHES, cases)
    assert all(matched), [case for case, ok in zip(cases, matched, strict=True) if not ok][:5]
