"""The saved session: written owner-only and atomically, reused, and its expiry handled.

On the simulator an expired saved session is replaced by signing in again; on a real org it
stops with "the saved session has expired: run prolong login" (MFA cannot be typed).
"""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from automation.runtime.session import (
    EXPIRED_MESSAGE,
    PortalSession,
    SavedSessionExpired,
    interactive_login,
    load_state,
    save_state,
)
from automation.runtime.settings import SIMULATOR_PASSWORD, SIMULATOR_USERNAME, Settings
from fixtures.portal.run import RunningSimulator, start_in_thread

STATE = {"cookies": [{"name": "sid", "value": "x", "domain": "h", "path": "/"}], "origins": []}


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_in_thread() as running:
        yield running


@pytest.fixture
def state_settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, storage_state=tmp_path / ".auth" / "state.json")


def _start(browser: Browser, settings: Settings, url: str) -> PortalSession:
    session = PortalSession(browser, settings, url)
    session.start()
    return session


def test_the_state_file_is_owner_only_and_tied_to_its_portal(tmp_path: Path) -> None:
    path = save_state(tmp_path / "auth" / "state.json", STATE, "https://uat.example.com/")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_state(path, "https://uat.example.com") == STATE
    assert load_state(path, "https://prod.example.com") is None
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_concurrent_writers_never_leave_a_torn_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    storage = [{"name": "k", "value": "v" * 50_000}]
    big = {**STATE, "origins": [{"origin": "o", "localStorage": storage}]}
    torn: list[str] = []

    def write(n: int) -> None:
        for _ in range(20):
            save_state(path, big if n % 2 else STATE, "http://sim")

    def read() -> None:
        for _ in range(200):
            if path.exists():
                try:
                    json.loads(path.read_text(encoding="utf-8"))
                except ValueError as error:
                    torn.append(str(error))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not torn


def _search(session: PortalSession) -> None:
    """One step that asks the portal for data, as the flow's first step does."""

    session.step(lambda: session.home.search("Bonjour"))


@pytest.mark.e2e
def test_a_saved_session_is_reused_without_typing_the_password(
    browser: Browser, state_settings: Settings, sim: RunningSimulator
) -> None:
    first = _start(browser, state_settings, sim.url)
    assert (first.sign_ins, first.restored) == (1, False)
    first.close()
    second = _start(browser, state_settings, sim.url)
    assert (second.sign_ins, second.restored) == (0, True)
    second.close()


@pytest.mark.e2e
def test_an_expired_session_on_the_simulator_signs_in_again(
    browser: Browser, state_settings: Settings, sim: RunningSimulator
) -> None:
    _start(browser, state_settings, sim.url).close()
    httpx.post(f"{sim.url}/__sim__/expire-sessions").raise_for_status()
    again = _start(browser, state_settings, sim.url)
    _search(again)  # the expiry shows at start or, at the latest, at the first step
    assert (again.sign_ins, again.restored) == (1, False)
    again.close()


@pytest.mark.e2e
def test_an_expired_session_on_a_real_org_says_run_prolong_login(
    browser: Browser, state_settings: Settings, sim: RunningSimulator
) -> None:
    _start(browser, state_settings, sim.url).close()
    httpx.post(f"{sim.url}/__sim__/expire-sessions").raise_for_status()
    session = PortalSession(browser, state_settings, sim.url)
    session._simulator = False  # as a real org: no /__sim__/health answer
    with pytest.raises(SavedSessionExpired, match=EXPIRED_MESSAGE):
        session.start()
        _search(session)  # the expiry shows at start or, at the latest, at the first step
    assert session.sign_ins == 0  # the password was not typed
    session.close()


@pytest.mark.e2e
def test_login_saves_what_a_person_signed_in_for_later_runs(
    browser: Browser, state_settings: Settings, sim: RunningSimulator
) -> None:
    def person(page: Page) -> None:  # stands in for the human (and their MFA)
        page.get_by_label("Nom d'utilisateur").fill(SIMULATOR_USERNAME)
        page.get_by_label("Mot de passe").fill(SIMULATOR_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()

    path = interactive_login(browser, state_settings, sim.url, person=person, timeout_ms=30_000)
    assert path == state_settings.storage_state
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SIMULATOR_PASSWORD not in path.read_text(encoding="utf-8")
    session = _start(browser, state_settings, sim.url)
    assert (session.sign_ins, session.restored) == (0, True)
    session.close()
