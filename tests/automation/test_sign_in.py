"""The sign-in tells what the portal shows, as a person would: its form, the signed-in app, or
its error page, which fails at once (``PortalFault`` naming the sign-in) instead of waiting the
whole limit for a user-name field that never comes.

The portal that is down is the simulator with ``page_fault_rate`` 1 (every page load answers
500 with its error page); the limit is set long, so a wait for the form would show as an
``UnexpectedScreen`` "not found" after it, not as the error page's fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from automation.errors import PortalFault
from automation.labels import labels_for
from automation.lightning import set_wait_limit
from automation.pages import HomePage, SignInPage
from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings
from fixtures.portal.options import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from tests.conftest import sim_build_options

pytestmark = pytest.mark.e2e

# Far longer than any test here takes: reaching it would mean the sign-in waited for the form.
LIMIT_MS = 120_000


@pytest.fixture(scope="module")
def sim(pytestconfig: pytest.Config) -> Iterator[RunningSimulator]:
    with start_in_thread(SimOptions(**sim_build_options(pytestconfig))) as running:
        yield running


@pytest.fixture
def faults(sim: RunningSimulator) -> Iterator[None]:
    """Fault settings a test changes, put back after it."""
    yield
    httpx.post(f"{sim.url}/__sim__/faults", json={"page_fault_rate": 0.0}).raise_for_status()


def set_faults(sim: RunningSimulator, **values: object) -> None:
    httpx.post(f"{sim.url}/__sim__/faults", json=values).raise_for_status()


def settings_in(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        locale=Locale.FR,
        timeout_ms=LIMIT_MS,
        storage_state=tmp_path / "state.json",
        artifacts_dir=tmp_path,
    )


@pytest.fixture
def guest(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    set_wait_limit(context, LIMIT_MS)
    yield context.new_page()
    context.close()


@pytest.mark.usefixtures("faults")
def test_a_portal_that_is_down_fails_the_sign_in_at_once(
    browser: Browser, sim: RunningSimulator, tmp_path: Path
) -> None:
    set_faults(sim, page_fault_rate=1.0)
    session = PortalSession(browser, settings_in(tmp_path), sim.url)
    try:
        with pytest.raises(PortalFault) as fault:
            session.start()
    finally:
        session.close()
    assert fault.value.step == "sign-in"
    assert str(fault.value) == (
        "sign-in: the portal showed an error page (HTTP 500 « Erreur du serveur »)"
    )


@pytest.mark.usefixtures("faults")
def test_an_error_page_is_told_by_what_it_shows_without_its_status(
    guest: Page, sim: RunningSimulator
) -> None:
    set_faults(sim, page_fault_rate=1.0)
    guest.goto(sim.url + "/s/")
    labels = labels_for("fr")
    with pytest.raises(PortalFault, match="« Erreur du serveur »") as fault:
        SignInPage(guest, labels).wait_shown(HomePage(guest, labels).marker)
    assert "HTTP" not in str(fault.value)  # the heading alone told it


def test_the_form_and_the_signed_in_app_are_told_apart(guest: Page, sim: RunningSimulator) -> None:
    labels = labels_for("fr")
    sign_in, home = SignInPage(guest, labels), HomePage(guest, labels)
    guest.goto(sim.url + "/s/")
    assert sign_in.wait_shown(home.marker) is True
    sign_in.sign_in(DEFAULT_USERNAME, DEFAULT_PASSWORD, then=home.marker)
    guest.goto(sim.url + "/s/")
    assert sign_in.wait_shown(home.marker) is False
    sign_in.sign_in(DEFAULT_USERNAME, DEFAULT_PASSWORD, then=home.marker)  # nothing to type
    assert home.marker.first.is_visible()  # signed in, on the home page


@pytest.mark.usefixtures("faults")
def test_a_server_error_the_form_shows_fails_the_sign_in_at_once(
    guest: Page, sim: RunningSimulator
) -> None:
    # The sign-in call commits and its answer is lost: the form says « Erreur du serveur… ».
    set_faults(sim, lose_answer_of="/api/login")
    labels = labels_for("fr")
    guest.goto(sim.url + "/s/")
    with pytest.raises(PortalFault, match="the portal could not sign in: Erreur du serveur"):
        SignInPage(guest, labels).sign_in(
            DEFAULT_USERNAME, DEFAULT_PASSWORD, then=HomePage(guest, labels).marker
        )
