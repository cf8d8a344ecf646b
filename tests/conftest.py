"""Fixtures shared by every test: settings, the browser to launch, the bundled simulator.

With ``PORTAL_BROWSER_WS_ENDPOINT`` set, pytest-playwright's ``browser`` connects to that running
Playwright server (``playwright run-server``) instead of launching a Chromium here, as the CLI
does; ``PORTAL_BROWSER_EXECUTABLE`` then names the Chromium on the server's machine (the server
accepts it only when started with ``--unsafe``).

The simulator runs in a thread of the test process, one per (shadow, locale) variant, so each
pytest-xdist worker has its own database. ``--sim-shadow`` and ``--sim-locale`` choose the
variants that browser tests run against (both of each by default); ``--sim-profile`` and
``--sim-switch SWITCH=VALUE`` (repeatable) make those simulators imitate another portal
(fixtures/portal/variants.py: profiles default, aura, lwr, seed; profile ``default`` and no
switch unless given). :func:`sim_variant_options` gives them to any ``SimOptions``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from playwright.sync_api import BrowserType

from automation.browser import resolve_launch
from automation.settings import Settings
from fixtures.portal.options import Locale as SimLocale
from fixtures.portal.options import Shadow, SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from fixtures.portal.variants import PROFILES, VariantError, parse_switch_assignments

SHADOWS = ("synthetic", "native")
LOCALES = ("fr", "en")


@dataclass(frozen=True)
class PortalVariant:
    """One way the portal can be built and shown: shadow DOM mode and locale."""

    shadow: str
    locale: str

    def __str__(self) -> str:
        return f"{self.shadow}-{self.locale}"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prolong", "prolong portal simulator")
    group.addoption(
        "--sim-shadow",
        choices=(*SHADOWS, "all"),
        default="all",
        help="simulator shadow DOM mode(s) for browser tests (default: all)",
    )
    group.addoption(
        "--sim-locale",
        choices=(*LOCALES, "all"),
        default="all",
        help="simulator locale(s) for browser tests (default: all)",
    )
    group.addoption(
        "--sim-profile",
        choices=PROFILES,
        default="default",
        help="simulator profile for the simulators tests start (default: default)",
    )
    group.addoption(
        "--sim-switch",
        action="append",
        default=[],
        metavar="SWITCH=VALUE",
        help="a simulator switch set on top of the profile, e.g. toast=lwr (repeatable)",
    )


def sim_variant_options(config: pytest.Config) -> dict[str, Any]:
    """``SimOptions`` keywords for the profile and switches given on the command line."""
    try:
        switches = parse_switch_assignments(config.getoption("--sim-switch"))
    except VariantError as exc:
        raise pytest.UsageError(f"--sim-switch: {exc}") from None
    return {"profile": config.getoption("--sim-profile"), "switches": switches}


def _chosen(config: pytest.Config, option: str, every: tuple[str, ...]) -> tuple[str, ...]:
    value = config.getoption(option)
    return every if value == "all" else (value,)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "portal_variant" in metafunc.fixturenames:
        variants = [
            PortalVariant(shadow, locale)
            for shadow in _chosen(metafunc.config, "--sim-shadow", SHADOWS)
            for locale in _chosen(metafunc.config, "--sim-locale", LOCALES)
        ]
        # Session scope groups the tests by variant, so each simulator starts once.
        metafunc.parametrize("portal_variant", variants, ids=str, scope="session")


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings as the CLI would read them, minus any developer's own ``.env``."""
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType, settings: Settings
) -> dict[str, Any]:
    """Launch the Chromium the toolkit would pick (system Chromium where Playwright's is absent)."""
    if settings.browser_ws_endpoint:
        # pytest-playwright sends these to the server as its launch options.
        remote = dict(resolve_launch(settings).launch_args)
        remote.pop("headless")  # pytest-playwright's --headed decides
        return {**browser_type_launch_args, **remote}
    managed = Path(browser_type.executable_path)
    plan = resolve_launch(settings, managed=managed if managed.exists() else False)
    chosen = {k: v for k, v in plan.launch_args.items() if k in ("executable_path", "args")}
    return {**browser_type_launch_args, **chosen}


@pytest.fixture(scope="session")
def connect_options(settings: Settings) -> dict[str, Any] | None:
    """Connect to ``PORTAL_BROWSER_WS_ENDPOINT`` when set (pytest-playwright's own seam)."""
    if not settings.browser_ws_endpoint:
        return None
    return {"endpoint": settings.browser_ws_endpoint}


@pytest.fixture(scope="session")
def _simulator_pool() -> Iterator[dict[PortalVariant, RunningSimulator]]:
    pool: dict[PortalVariant, RunningSimulator] = {}
    yield pool
    for running in pool.values():
        running.stop()


@pytest.fixture
def simulator(
    portal_variant: PortalVariant,
    _simulator_pool: dict[PortalVariant, RunningSimulator],
    pytestconfig: pytest.Config,
) -> RunningSimulator:
    """A running simulator for this test's variant (in-memory database, started once), with
    the ``--sim-profile`` and ``--sim-switch`` given."""
    if portal_variant not in _simulator_pool:
        options = SimOptions(shadow=cast(Shadow, portal_variant.shadow),
                             locale=cast(SimLocale, portal_variant.locale),
                             **sim_variant_options(pytestconfig))
        _simulator_pool[portal_variant] = start_in_thread(options)
    return _simulator_pool[portal_variant]
