"""The regression suite: the extension procedure on a portal, screen by screen.

Where it runs: with ``--base-url`` (or ``PORTAL_BASE_URL``, environment or ``.env``) against that
portal, once, in the settings' locale, with the settings' credentials or the session saved by
``prolong login``; without, against the bundled simulator in each variant (shadow × locale,
narrowed by ``--sim-shadow``/``--sim-locale``), one simulator per variant and per process, its
own (no other test's sales in it), so each pytest-xdist worker has its own database.

Safety: a ``sales`` test is refused, as an error carrying the guard's message, before any fixture
or browser work, unless the portal is the simulator or a host of ``PORTAL_SANDBOX_HOSTS``.

Each test works in pytest-playwright's own browser context, so ``--tracing retain-on-failure``,
``--screenshot only-on-failure`` and ``--video retain-on-failure`` keep what Playwright users
expect; the password is typed in a separate, untraced context (``PortalSession``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser
from pytest_playwright.pytest_playwright import CreateContextCallback

from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings
from automation.safety import SalesNotAllowed, ensure_sales_allowed
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from tests.conftest import (
    PortalVariant,
    chosen_variants,
    sim_build_options,
    sim_variant_options,
)

_ALLOWED = pytest.StashKey[dict[str, str]]()


@dataclass(frozen=True)
class Target:
    """Where one run of the suite goes: a given portal URL, or a simulator variant (shadow
    and locale, with a profile and switches of ``fixtures/portal/variants.py``: those of the
    command line, ``--sim-profile``/``--sim-switch``, unless ``simulator`` names its own)."""

    url: str = ""
    variant: PortalVariant | None = None
    # SimOptions keywords (profile, switches); ``name`` tells targets apart.
    simulator: dict[str, Any] | None = field(default=None, compare=False)
    name: str = ""

    def __str__(self) -> str:
        if self.name:
            return f"{self.name}-{self.variant}" if self.variant else self.name
        return str(self.variant) if self.variant else "portal"


def given_url(config: pytest.Config) -> str:
    """``--base-url``, else ``PORTAL_BASE_URL`` (environment, then ``.env``); empty: simulator."""
    option = config.getoption("--base-url", default=None) or ""
    return (option or Settings().base_url).rstrip("/")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        url = given_url(metafunc.config)
        # A module may name its own simulator targets (test_variants.py: profiles, switches).
        own: list[Target] | None = getattr(metafunc.module, "TARGETS", None)
        targets = (
            [Target(url=url)]
            if url
            else own or [Target(variant=variant) for variant in chosen_variants(metafunc.config)]
        )
        # Session scope groups the tests by target: each simulator starts once.
        metafunc.parametrize("target", targets, ids=str, scope="session")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a ``sales`` test on a portal that may be production, before any fixture runs."""
    if item.get_closest_marker("sales") is None:
        return
    url = given_url(item.config)
    if not url:
        return  # the suite starts the simulator itself
    checked = item.config.stash.setdefault(_ALLOWED, {})
    if url not in checked:
        try:
            ensure_sales_allowed(url, Settings())
            checked[url] = ""
        except SalesNotAllowed as refused:  # kept: every sales test fails with the same message
            checked[url] = str(refused)
    if checked[url]:
        pytest.fail(checked[url], pytrace=False)


@pytest.fixture(scope="session")
def _regression_simulators() -> Iterator[dict[Target, RunningSimulator]]:
    # Apart from the other browser tests' simulators: the suite sees only its own sales.
    pool: dict[Target, RunningSimulator] = {}
    yield pool
    for running in pool.values():
        running.stop()


@pytest.fixture(scope="session")
def portal_url(
    target: Target,
    _regression_simulators: dict[Target, RunningSimulator],
    pytestconfig: pytest.Config,
) -> str:
    """The portal's base URL: the given one, or this variant's simulator (started once),
    under its site prefix when it has one (as a QA engineer would give a real site's URL)."""
    if target.variant is None:
        return target.url
    if target not in _regression_simulators:
        chosen: dict[str, Any] = (
            {**sim_build_options(pytestconfig), **target.simulator}
            if target.simulator is not None
            else sim_variant_options(pytestconfig)
        )
        options = SimOptions(shadow=target.variant.shadow, locale=target.variant.locale, **chosen)
        _regression_simulators[target] = start_in_thread(options)
    running = _regression_simulators[target]
    return running.url + running.options.variant.site_prefix


@pytest.fixture(scope="session")
def portal_settings(target: Target, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings for this target: the QA engineer's for a given portal (environment, then
    ``.env``), the simulator's demo account otherwise (a developer's ``.env`` left aside)."""
    if target.variant is None:
        return Settings()
    # One saved session per target and worker: nothing written in the repository's .auth/.
    state = tmp_path_factory.mktemp(f"auth-{target}") / "state.json"
    return Settings(
        _env_file=None,
        locale=Locale(target.variant.locale),
        storage_state=state,
    )


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's context options, minus ``base_url``: each target sets its own."""
    return {key: value for key, value in browser_context_args.items() if key != "base_url"}


@pytest.fixture
def session(
    browser: Browser,
    new_context: CreateContextCallback,
    portal_settings: Settings,
    portal_url: str,
) -> PortalSession:
    """A signed-in session working in pytest-playwright's context (traced, filmed on demand).

    The first test signs in and saves the session; the next ones load it.
    """
    locale = f"{portal_settings.locale.value}-CA"
    context = new_context(base_url=portal_url, locale=locale)
    portal = PortalSession(browser, portal_settings, portal_url, context=context)
    portal.start()
    return portal


@pytest.fixture
def on_simulator(target: Target) -> bool:
    """Whether this run drives the bundled simulator (extra checks in its own records)."""
    return target.variant is not None


def sim_contracts(url: str) -> list[dict[str, Any]]:
    """The simulator's record of issued contracts."""
    answer = httpx.get(f"{url}/__sim__/contracts", timeout=10)
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]
