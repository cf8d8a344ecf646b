"""Browser resolution: remote, configured, Playwright-managed, system, or a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from automation.runtime.browser import BrowserNotFound, open_browser, resolve_launch
from automation.runtime.settings import Settings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_remote_endpoint_wins() -> None:
    plan = resolve_launch(_settings(browser_ws_endpoint="ws://h:1/x"), managed=False)
    assert plan.source == "remote"
    assert plan.ws_endpoint == "ws://h:1/x"


def test_configured_executable_must_exist(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound, match="PORTAL_BROWSER_EXECUTABLE"):
        resolve_launch(_settings(browser_executable=tmp_path / "nope"), managed=False)


def test_managed_chromium_is_preferred_to_the_system_one(tmp_path: Path) -> None:
    plan = resolve_launch(_settings(), managed=tmp_path)
    assert plan.source == "playwright"
    assert "executable_path" not in plan.launch_args


def test_system_chromium_gets_the_quiet_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/opt/bin/{name}")
    plan = resolve_launch(_settings(headless=False), managed=False)
    assert plan.source == "system"
    assert plan.launch_args["executable_path"] == "/opt/bin/chromium"
    assert "--disable-background-networking" in plan.launch_args["args"]
    assert plan.launch_args["headless"] is False


def test_headless_prefers_the_system_headless_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/opt/bin/{name}")
    plan = resolve_launch(_settings(headless=True), managed=False)
    assert plan.launch_args["executable_path"] == "/opt/bin/chromium-headless-shell"
    assert plan.launch_args["headless"] is True


def test_headless_without_a_shell_takes_the_full_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None if "shell" in name else f"/b/{name}")
    plan = resolve_launch(_settings(headless=True), managed=False)
    assert plan.launch_args["executable_path"] == "/b/chromium"


def test_no_browser_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BrowserNotFound, match="playwright install chromium"):
        resolve_launch(_settings(), managed=False)


def test_open_browser_launches_a_real_chromium(playwright: Playwright) -> None:
    chromium = open_browser(playwright, _settings())
    try:
        page = chromium.new_page()
        page.set_content("<button>Démarrer</button>")
        assert page.get_by_role("button", name="Démarrer").is_visible()
    finally:
        chromium.close()
