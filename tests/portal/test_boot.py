"""The boot of a full page load (``boot_ms``) and the ``page_loads`` counter, over real HTTP
and in a real Chromium (API.md, « Boot of the site »).

These check behaviour, not speed: the page answers no sooner than ``boot_ms`` while an API call
made during that boot answers before the page does; no upper bound on any duration.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from fixtures.portal.options import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from tests.portal.test_ui_screens import Ui

BOOT_MS = 1500
BOOT_S = BOOT_MS / 1000
CREDENTIALS = {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}


@pytest.fixture(scope="module")
def booting() -> Iterator[RunningSimulator]:
    """A simulator whose every full page load boots for BOOT_MS."""
    with start_in_thread(SimOptions(boot_ms=BOOT_MS)) as running:
        yield running


def stats(sim: RunningSimulator) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{sim.url}/__sim__/stats").json()
    return answer


def timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    answer = call()
    return answer, time.perf_counter() - started


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll the server until ``condition`` holds (it is reached in milliseconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)  # a polling interval, not a wait standing in for the condition


def test_page_load_waits_boot_ms_while_api_calls_answer(booting: RunningSimulator) -> None:
    before = stats(booting)
    with (
        httpx.Client(base_url=booting.url, timeout=BOOT_S * 10) as web,
        ThreadPoolExecutor(1) as pool,
    ):
        shell = pool.submit(timed, lambda: web.get("/s/login"))
        # The shell request has reached the server and is booting.
        wait_until(lambda: stats(booting)["page_loads"] > before["page_loads"])
        login, login_s = timed(lambda: web.post("/api/login", json=CREDENTIALS))
        # Had the boot blocked the event loop, the sign-in would have waited for the page.
        assert not shell.done()
        page, page_s = shell.result()
    assert (page.status_code, login.status_code) == (200, 200)
    assert "window.__SIM__" in page.text
    assert page_s >= BOOT_S
    assert login_s < BOOT_S
    after = stats(booting)
    assert after["page_loads"] - before["page_loads"] == 1
    # The boot is an injected delay, like latency: not time spent inside the app.
    assert after["server_time_ms"] - before["server_time_ms"] < BOOT_MS


def test_health_reports_boot_ms_and_profile(booting: RunningSimulator) -> None:
    health = httpx.get(f"{booting.url}/__sim__/health").json()
    assert (health["boot_ms"], health["profile"]) == (BOOT_MS, "default")


@pytest.mark.e2e
def test_page_loads_count_browser_navigations_not_api_calls(
    page: Page, booting: RunningSimulator
) -> None:
    page.set_default_timeout(15_000)
    ui = Ui(page, booting)
    accounts = page.get_by_role("grid", name=ui.t["search_accounts"])
    before = stats(booting)
    ui.sign_in()  # one navigation to /s/; the sign-in page and the home are client-side
    ui.search("Bonjour")
    expect(accounts.get_by_role("link", name="Jean Bonjour", exact=True)).to_be_visible()
    signed_in = stats(booting)
    assert signed_in["page_loads"] - before["page_loads"] == 1
    assert signed_in["api_requests"] - before["api_requests"] >= 3  # session, login, search
    page.reload()
    expect(accounts.get_by_role("link", name="Jean Bonjour", exact=True)).to_be_visible()
    assert stats(booting)["page_loads"] - before["page_loads"] == 2
