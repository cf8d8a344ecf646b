"""The date style of every field of every profile, pinned as the page shows it (issue 21).

Each field is given a July day (the month whose abbreviation differs between CLDR's ``fr``,
Aura's, and ``fr-CA``, Intl's) and must show exactly what ``automation.portal_dates.write``
gives for the (source, CLDR locale, style) pinned below: the client form's birth date, the
Voyage step's trip dates (on the seeded opportunity still at that step: nothing is created),
and the tables' dates (search results, the account's opportunities). A change to the simulator
that formats a field another way, for speed or otherwise (Intl in place of Aura's service,
another locale's names), fails here by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from automation.lightning import DateInput, TableRow
from automation.pages import AccountPage
from automation.portal_dates import AURA_PATTERNS, Source, Style, day_patterns, write
from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings
from fixtures.portal.calendar_names import AURA_LOCALES
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from fixtures.portal.seed_data import SEED_ACCOUNTS, SEED_OPPORTUNITIES, SeedAccount

pytestmark = pytest.mark.e2e

Way = tuple[Source, str, Style]
AURA_MEDIUM_FR: Way = (Source.AURA, "fr", Style.MEDIUM)  # « juil. 31, 2027 »
INTL_MEDIUM_FR: Way = (Source.INTL, "fr_CA", Style.MEDIUM)  # « 31 juill. 2027 »
SHORT: Way = (Source.INTL, "fr_CA", Style.SHORT)  # « 2027-07-31 », fr-CA and en-CA alike

# (profile, locale) → the way each field writes a date.
PINNED: dict[tuple[str, str], dict[str, Way]] = {
    ("default", "fr"): dict.fromkeys(("birth_date", "trip_start", "trip_end"), AURA_MEDIUM_FR)
    | {"tables": SHORT},
    ("seed", "fr"): {
        "birth_date": AURA_MEDIUM_FR,
        "trip_start": SHORT,
        "trip_end": SHORT,
        "tables": SHORT,
    },
    ("aura", "fr"): dict.fromkeys(("birth_date", "trip_start", "trip_end"), AURA_MEDIUM_FR)
    | {"tables": SHORT},
    ("lwr", "fr"): dict.fromkeys(("birth_date", "trip_start", "trip_end"), INTL_MEDIUM_FR)
    | {"tables": SHORT},
    ("lwr", "en"): dict.fromkeys(
        ("birth_date", "trip_start", "trip_end"), (Source.INTL, "en_CA", Style.MEDIUM)
    )
    | {"tables": SHORT},
}

BIRTH, START, END = date(1957, 7, 14), date(2027, 7, 1), date(2027, 7, 31)
JEAN = next(a for a in SEED_ACCOUNTS if a.key == "jean")
ROBERT = next(a for a in SEED_ACCOUNTS if a.key == "robert")
AT_VOYAGE = next(o for o in SEED_OPPORTUNITIES if o.account_key == "robert")


@pytest.fixture(params=list(PINNED), ids=[f"{p}-{loc}" for p, loc in PINNED])
def site(request: pytest.FixtureRequest) -> tuple[str, str]:
    """A (profile, locale) of :data:`PINNED`."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def session(site: tuple[str, str], browser: Browser, tmp_path: Path) -> Iterator[PortalSession]:
    """Signed in to a simulator of the site's profile and locale."""
    profile, locale = site
    options = SimOptions(profile=profile, locale=Locale(locale), minified=True)
    with start_in_thread(options) as running:
        settings = Settings(
            _env_file=None, locale=Locale(locale), storage_state=tmp_path / "state.json"
        )
        portal = PortalSession(browser, settings, running.url)
        portal.start()
        yield portal
        portal.close()


def _account(session: PortalSession, who: SeedAccount) -> tuple[list[TableRow], AccountPage]:
    name = f"{who.first_name} {who.last_name}"
    results = session.home.search(name)
    rows = [row for row in results.account_rows() if row[session.labels.col_account_name] == name]
    return rows, results.open_account(name, who.birth_date)


def test_each_field_shows_its_pinned_style(site: tuple[str, str], session: PortalSession) -> None:
    pinned, labels, page = PINNED[site], session.labels, session.page
    shown = day_patterns(labels.locale)

    found, account = _account(session, JEAN)
    assert found[0][labels.col_birth_date] == write(JEAN.birth_date, *_args(pinned["tables"]))
    account.new_opportunity()
    birth = DateInput(page, labels.birth_date, key="birth_date", shown=shown)
    birth.fill(BIRTH)
    assert birth.control.input_value() == write(BIRTH, *_args(pinned["birth_date"]))

    _, account = _account(session, ROBERT)
    opportunity = account.open_opportunity(AT_VOYAGE.name).at_trip_step()
    form = opportunity.trip_form
    for field, day in (("trip_start", START), ("trip_end", END)):
        date_input = getattr(form, field)
        date_input.fill(day)
        assert date_input.control.input_value() == write(day, *_args(pinned[field])), field


def _args(way: Way) -> tuple[str, Style, Source]:
    source, locale, style = way
    return locale, style, source


_AURA_EVERY_DAY = """([first, count, patterns]) => {
    const out = [];
    for (const pattern of patterns) {
        for (let n = 0; n < count; n++) {
            const day = new Date(Date.parse(first) + n * 86400000).toISOString().slice(0, 10);
            out.push([pattern, n, $A.localizationService.formatDate(day, pattern)]);
        }
    }
    return out;
}"""


@pytest.mark.parametrize("locale", list(Locale))
def test_the_simulators_aura_service_writes_every_day_as_cldr(
    locale: Locale, browser: Browser
) -> None:
    """Every day of 2026-2029 in each of Aura's patterns: the simulator's ``$A`` stand-in
    (names from the server, calendar_names.py) writes what the toolkit's module writes."""
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(4 * 365 + 1)]
    patterns = AURA_PATTERNS[locale]
    with start_in_thread(SimOptions(profile="aura", locale=locale, minified=True)) as running:
        page = browser.new_page()
        try:
            page.goto(f"{running.url}/s/login")
            page.wait_for_function("() => globalThis.$A && $A.localizationService")
            written: list[list[object]] = page.evaluate(
                _AURA_EVERY_DAY, [days[0].isoformat(), len(days), list(patterns.values())]
            )
        finally:
            page.close()
    styles = {pattern: style for style, pattern in patterns.items()}
    expected = {
        (pattern, n): write(day, AURA_LOCALES[locale], styles[pattern], Source.AURA)
        for pattern in patterns.values()
        for n, day in enumerate(days)
    }
    differ = [
        (pattern, days[int(str(n))], text)
        for pattern, n, text in written
        if expected[(str(pattern), int(str(n)))] != text
    ]
    assert len(written) == len(expected)
    assert not differ, differ[:5]
