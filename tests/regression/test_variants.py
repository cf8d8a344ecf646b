"""The procedure on portals that differ as real orgs do: each profile and each switch.

The page objects have no per-profile branch: they read what the page shows (dates in any of the
locale's styles, toasts by their title, headers without case, catalogue alternatives, overflow
menus, the site prefix of the base URL). This module proves it on the simulator's variants
(``fixtures/portal/variants.py``): every profile and every switch at least once, both shadow
modes and both locales, in a few minutes (``TARGETS``). ``-m variants`` adds the bigger
matrix: each switch alone, in both shadow modes and both locales (``MATRIX``), and each
profile again in the shadow mode and locale ``CORE`` does not give it (``PROFILES_AGAIN``).

Each target is probed (every locator of every screen the walk shows), walks to the resident
flow creating nothing (smoke), sells one top-up contract (sales) and recovers from a session
that expired mid-walk.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from automation.diagnostics.probe import probe_portal
from automation.runtime.session import PortalSession
from automation.runtime.settings import Settings
from automation.runtime.walk import Step
from fixtures.portal.options import Locale, Shadow
from flows.aide_memoire import ROWS, Route
from tests.conftest import PortalVariant
from tests.regression import procedure
from tests.regression.conftest import Target

pytestmark = [pytest.mark.e2e]

AUTOMATABLE = [
    row
    for row in ROWS
    if Route.COMPLEMENTARY_ESPACE_PARTENAIRE in (row.before_departure, row.after_departure)
]


def _target(
    name: str, shadow: Shadow, locale: str, profile: str = "default", **switches: Any
) -> Target:
    boot_ms = switches.pop("boot_ms", 0)
    return Target(
        variant=PortalVariant(shadow, Locale(locale)),
        name=name,
        simulator={"profile": profile, "switches": switches, "boot_ms": boot_ms},
    )


#: Every profile and every switch once, shadows and locales alternating (pairwise, not a
#: product): what ``./run test`` covers.
CORE = [
    _target("aura", "synthetic", "fr", "aura"),
    _target("lwr", "native", "en", "lwr"),
    _target("seed", "native", "fr", "seed"),
    _target("prefix-boot", "synthetic", "en", site_prefix="/partenaires", boot_ms=1500),
    _target(
        "short-lwrtoast-narrow",
        "native",
        "fr",
        date_style="short",
        toast="lwr",
        toast_ms=2000,
        narrow=True,
    ),
    _target(
        "intl-css-placeholder-english",
        "synthetic",
        "en",
        date_style="lwr-medium",
        header_case="css",
        sign_in_form="placeholder",
        action_labels="english",
    ),
    _target(
        "combobox-sflogin-notice-path-sentence-auratoast",
        "native",
        "en",
        search="combobox",
        login_url="salesforce",
        session_notice=True,
        path_labels="standard",
        sign_in_case="sentence",
        toast="aura",
    ),
]

#: Each switch alone, in both shadow modes (``-m variants``).
_ALONE: list[tuple[str, dict[str, Any]]] = [
    ("date-short", {"date_style": "short"}),
    ("date-lwr-medium", {"date_style": "lwr-medium"}),
    ("toast-aura", {"toast": "aura"}),
    ("toast-lwr", {"toast": "lwr"}),
    ("toast-ms", {"toast_ms": 1500}),
    ("header-css", {"header_case": "css"}),
    ("site-prefix", {"site_prefix": "/partenaires"}),
    ("search-combobox", {"search": "combobox"}),
    ("sign-in-sentence", {"sign_in_case": "sentence"}),
    ("sign-in-placeholder", {"sign_in_form": "placeholder"}),
    ("login-url", {"login_url": "salesforce"}),
    ("session-notice", {"session_notice": True}),
    ("path-standard", {"path_labels": "standard"}),
    ("narrow", {"narrow": True}),
    ("english-actions", {"action_labels": "english"}),
    ("boot", {"boot_ms": 2000}),
]
# Both shadow modes for each switch, the locale alternating: each mode meets each locale.
_PAIRS: tuple[tuple[tuple[Shadow, str], ...], ...] = (
    (("synthetic", "fr"), ("native", "en")),
    (("synthetic", "en"), ("native", "fr")),
)
MATRIX = [
    _target(name, shadow, locale, **switches)
    for number, (name, switches) in enumerate(_ALONE)
    for shadow, locale in _PAIRS[number % 2]
]
#: Each profile in the shadow mode and locale ``CORE`` does not give it: with CORE, every
#: profile meets both shadow modes and both locales (``-m variants``).
PROFILES_AGAIN = [
    _target("aura-again", "native", "en", "aura"),
    _target("lwr-again", "synthetic", "fr", "lwr"),
    _target("seed-again", "synthetic", "en", "seed"),
]

TARGETS = [
    *(pytest.param(target, id=str(target)) for target in CORE),
    *(
        pytest.param(target, id=str(target), marks=pytest.mark.variants)
        for target in (*PROFILES_AGAIN, *MATRIX)
    ),
]


@pytest.fixture(autouse=True)
def _simulator_only(target: Target) -> None:
    """Variants are the simulator's: a given portal is what it is (test_smoke, test_sales)."""
    if target.variant is None:
        pytest.skip("simulator variants only")


@pytest.mark.smoke
def test_every_locator_of_every_screen_is_found(
    browser: Browser, portal_settings: Settings, portal_url: str
) -> None:
    report = probe_portal(browser, portal_settings, portal_url)
    broken = [f"{r.screen} / {r.element}: {r.status.value}" for r in report.failures]
    assert not broken, "broken locators:\n" + "\n".join(broken)


@pytest.mark.smoke
def test_walks_to_the_resident_flow(session: PortalSession, portal_settings: Settings) -> None:
    request = procedure.request_for(AUTOMATABLE[0], False, portal_settings)
    trail = procedure.walk(session, request, stop_before=Step.START)
    assert trail.done[-1] is Step.QUESTIONNAIRE, trail.done


@pytest.mark.sales
def test_sells_the_top_up_contract(
    session: PortalSession, portal_settings: Settings, portal_url: str
) -> None:
    request = procedure.request_for(AUTOMATABLE[0], True, portal_settings)
    trail = procedure.walk(session, request)
    assert procedure.CONTRACT.match(trail.contract_number), trail
    rows = procedure.open_account(session, request).opportunity_rows()
    labels = session.labels
    assert any(r.get(labels.col_contract_number) == trail.contract_number for r in rows)


@pytest.mark.smoke
def test_an_expired_session_is_signed_in_again(
    session: PortalSession, portal_settings: Settings, portal_url: str
) -> None:
    # The portal drops every session mid-walk: the next step meets the sign-in page (or the
    # session notice first) and the session signs in again and returns there.
    request = procedure.request_for(AUTOMATABLE[0], False, portal_settings)
    procedure.open_account(session, request)
    httpx.post(f"{portal_url}/__sim__/expire-sessions", timeout=10).raise_for_status()
    session.page.reload()
    trail = procedure.walk(session, request, stop_before=Step.CLIENT_FORM)
    assert trail.done[-1] is Step.NEW_OPPORTUNITY, trail.done
    assert session.sign_ins >= 1
