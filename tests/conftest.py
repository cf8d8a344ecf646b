"""Fixtures shared by every test: settings, the browser to launch, the bundled simulator.

With ``PORTAL_BROWSER_WS_ENDPOINT`` set, pytest-playwright's ``browser`` connects to that running
Playwright server (``playwright run-server``) instead of launching a Chromium here, as the CLI
does; ``PORTAL_BROWSER_EXECUTABLE`` then names the Chromium on the server's machine (the server
accepts it only when started with ``--unsafe``).

The simulator runs in a thread of the test process, one per (shadow, locale) variant, started
when a test first needs it, so each pytest-xdist worker has its own databases (the regression
suite keeps a pool of its own: ``SimulatorPool``). ``--sim-shadow`` and ``--sim-locale`` choose
the variants that browser tests run against (both of each by default); ``--sim-profile`` and
``--sim-switch SWITCH=VALUE`` (repeatable) make those simulators imitate another portal
(fixtures/portal/variants.py: profiles default, aura, lwr, seed; profile ``default`` and no
switch unless given). :func:`sim_variant_options` gives them to any ``SimOptions``.

The simulators the shared fixtures start (``simulator``, the regression suite's targets) serve
the minified UI build: every browser test opens at least one fresh context, whose full page
load parses the whole bundle again. ``--sim-build plain`` serves the readable build instead,
for debugging the simulator's UI in a trace or a debugger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import BrowserType

from automation.runtime.browser import resolve_launch
from automation.runtime.settings import Settings
from fixtures.portal.options import LOCALES, SHADOWS, Locale, Shadow, SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from fixtures.portal.variants import PROFILES, VariantError, parse_switch_assignments

# The throwaway PostgreSQL cluster of the tests marked ``postgresql``.
pytest_plugins = ["tests.postgresql"]

__all__ = [
    "LOCALES",
    "SHADOWS",
    "PortalVariant",
    "SimulatorPool",
    "chosen_variants",
    "sim_build_options",
    "sim_variant_options",
]

# Hypothesis fails an example slower than 200 ms (its deadline) and slow data generation (a
# health check): timed assertions, which busy CI cores and pytest-xdist workers sharing two
# cores break at random (seen on test_dates under -n 2). What the properties check is unchanged.
hypothesis_settings.register_profile(
    "prolong", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("prolong")


@dataclass(frozen=True)
class PortalVariant:
    """One way the portal can be built and shown: shadow DOM mode and locale."""

    shadow: Shadow
    locale: Locale

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
        "--sim-build",
        choices=("minified", "plain"),
        default="minified",
        help="the simulator UI build browser tests load: minified (default, faster page loads) "
        "or plain (readable when debugging the simulator's UI)",
    )
    group.addoption(
        "--sim-switch",
        action="append",
        default=[],
        metavar="SWITCH=VALUE",
        help="a simulator switch set on top of the profile, e.g. toast=lwr (repeatable)",
    )


#: Markers whose tests run only when ``-m`` names them: matrices too big for every ``./run test``
#: (``-m variants``: each simulator switch alone in both shadows, the months e2e's other nine
#: sales; ``-m fault_matrix``: every fault seed of the retry tests; ``-m generated``: more
#: generated walks and ten times the examples of the four slowest properties, new ones each run;
#: ``-m team``: the two-machine ``bulk run`` on one PostgreSQL journal three more times, to show
#: it ends the same way every time; each team test runs once in every ``./run test``).
OPT_IN_MARKERS = ("variants", "fault_matrix", "generated", "team")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the opt-in matrices out unless ``-m`` names them."""
    named = config.getoption("markexpr", default="") or ""
    left_out = [marker for marker in OPT_IN_MARKERS if marker not in named]
    kept = [
        item for item in items if not any(item.get_closest_marker(marker) for marker in left_out)
    ]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def sim_build_options(config: pytest.Config) -> dict[str, Any]:
    """``SimOptions`` keywords for the UI build ``--sim-build`` chooses."""
    return {"minified": config.getoption("--sim-build") == "minified"}


def sim_variant_options(config: pytest.Config) -> dict[str, Any]:
    """``SimOptions`` keywords for the profile, switches and UI build given on the command
    line."""
    try:
        switches = parse_switch_assignments(config.getoption("--sim-switch"))
    except VariantError as exc:
        raise pytest.UsageError(f"--sim-switch: {exc}") from None
    return {
        "profile": config.getoption("--sim-profile"),
        "switches": switches,
        **sim_build_options(config),
    }


def chosen_variants(config: pytest.Config) -> list[PortalVariant]:
    """The variants ``--sim-shadow`` and ``--sim-locale`` ask for."""
    shadow, locale = config.getoption("--sim-shadow"), config.getoption("--sim-locale")
    shadows = SHADOWS if shadow == "all" else (cast(Shadow, shadow),)
    locales = LOCALES if locale == "all" else (cast(Locale, locale),)
    return [PortalVariant(s, loc) for s in shadows for loc in locales]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "portal_variant" in metafunc.fixturenames:
        # Session scope groups the tests by variant, so each simulator starts once.
        metafunc.parametrize(
            "portal_variant", chosen_variants(metafunc.config), ids=str, scope="session"
        )


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings as the CLI would read them, minus any developer's own ``.env``."""
    return Settings(_env_file=None)


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
    # --headed needs a browser with windows: no headless shell then.
    shown = settings.model_copy(update={"headless": browser_type_launch_args.get("headless", True)})
    plan = resolve_launch(shown, managed=managed if managed.exists() else False)
    chosen = {k: v for k, v in plan.launch_args.items() if k in ("executable_path", "args")}
    return {**browser_type_launch_args, **chosen}


@pytest.fixture(scope="session")
def connect_options(settings: Settings) -> dict[str, Any] | None:
    """Connect to ``PORTAL_BROWSER_WS_ENDPOINT`` when set (pytest-playwright's own seam)."""
    if not settings.browser_ws_endpoint:
        return None
    return {"endpoint": settings.browser_ws_endpoint}


class SimulatorPool:
    """This process's simulators, one per variant, started on first use and stopped at the end;
    ``options`` (a profile, switches) apply to every one."""

    def __init__(self, **options: Any) -> None:
        self._running: dict[PortalVariant, RunningSimulator] = {}
        self._options = options

    def get(self, variant: PortalVariant) -> RunningSimulator:
        """The variant's simulator (in-memory database), started if it is not yet."""
        if variant not in self._running:
            options = SimOptions(shadow=variant.shadow, locale=variant.locale, **self._options)
            self._running[variant] = start_in_thread(options)
        return self._running[variant]

    def stop(self) -> None:
        for running in self._running.values():
            running.stop()


@pytest.fixture(scope="session")
def simulator_pool(pytestconfig: pytest.Config) -> Iterator[SimulatorPool]:
    """The simulators of this process (each pytest-xdist worker has its own), with the
    ``--sim-profile`` and ``--sim-switch`` given."""
    pool = SimulatorPool(**sim_variant_options(pytestconfig))
    yield pool
    pool.stop()


@pytest.fixture
def simulator(portal_variant: PortalVariant, simulator_pool: SimulatorPool) -> RunningSimulator:
    """A running simulator for this test's variant (in-memory database, started once)."""
    return simulator_pool.get(portal_variant)
