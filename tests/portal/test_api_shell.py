"""The UI shell, static files and /__sim__/health."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fixtures.portal.app import create_app
from fixtures.portal.labels import labels_for
from fixtures.portal.options import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimOptions
from fixtures.portal.variants import variant_of
from tests.portal.test_api import TestClient


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A fake UI build: one app.js per shadow mode and the SLDS stylesheet."""
    for shadow in ("synthetic", "native"):
        (tmp_path / shadow).mkdir()
        (tmp_path / shadow / "app.js").write_text(f"// {shadow} build\n")
    (tmp_path / "slds" / "styles").mkdir(parents=True)
    (tmp_path / "slds" / "styles" / "salesforce-lightning-design-system.min.css").write_text("*{}")
    return tmp_path


def client(dist: Path, **options: Any) -> TestClient:
    return TestClient(create_app(SimOptions(**options), ui_dist=dist), follow_redirects=False)


def sim_config(html: str) -> dict[str, Any]:
    match = re.search(r"<script>window.__SIM__ = (.*?);</script>", html)
    assert match, html
    config: dict[str, Any] = json.loads(match[1])
    return config


def signed_in(web: TestClient, root: str = "") -> TestClient:
    answer = web.post(
        f"{root}/api/login", json={"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return web


def test_every_site_path_answers_the_shell(dist: Path) -> None:
    web = signed_in(client(dist))
    for path in (
        "/s/",
        "/s/login?startURL=/s/account/001x",
        "/s/opportunity/006x",
        "/s/global-search/Jean%20Bonjour",
    ):
        page = web.get(path)
        assert page.status_code == 200
        html = page.text
        assert '<html lang="fr-CA">' in html
        assert (
            '<link rel="stylesheet" href="/slds/styles/salesforce-lightning-design-system.min.css">'
        ) in html
        assert html.index("window.__SIM__") < html.index(
            '<script type="module" src="/assets/app.js"></script>'
        )
        assert '<div id="main"></div>' in html


def test_shell_config_has_locale_shadow_and_labels(dist: Path) -> None:
    html = client(dist, locale="en", shadow="native").get("/s/login").text
    assert '<html lang="en-CA">' in html
    config = sim_config(html)
    assert (config["locale"], config["shadow"]) == ("en", "native")
    assert config["labels"] == labels_for("en")


def test_label_overrides_are_escaped_inside_the_script(dist: Path) -> None:
    hostile = "</script><script>alert(1)</script> & \u2028"
    html = client(dist, label_overrides={"site_title": hostile}).get("/s/login").text
    assert html.count("</script>") == 2  # the config's and the module's, nothing injected
    assert sim_config(html)["labels"]["site_title"] == hostile


def test_root_redirects_to_the_site(dist: Path) -> None:
    web = client(dist)
    for path in ("/", "/s"):
        answer = web.get(path)
        assert (answer.status_code, answer.headers["location"]) == (302, "/s/")


def test_assets_come_from_the_shadow_build(dist: Path) -> None:
    assert client(dist).get("/assets/app.js").text == "// synthetic build\n"
    assert client(dist, shadow="native").get("/assets/app.js").text == "// native build\n"
    css = client(dist).get("/slds/styles/salesforce-lightning-design-system.min.css")
    assert css.status_code == 200


def test_without_a_build_the_shell_says_so_and_the_api_works(tmp_path: Path) -> None:
    web = client(tmp_path / "missing")
    page = web.get("/s/login")
    assert page.status_code == 503
    assert "UI not built — run the setup" in page.text
    assert "/assets/app.js" not in page.text
    assert web.get("/assets/app.js").status_code == 404
    assert web.get("/slds/styles/salesforce-lightning-design-system.min.css").status_code == 404
    assert web.get("/__sim__/health").json()["ui_built"] is False


def test_health_identifies_the_simulator(dist: Path) -> None:
    health = client(dist, locale="en", shadow="native").get("/__sim__/health").json()
    assert health == {
        "simulator": "prolong-portal",
        "locale": "en",
        "shadow": "native",
        "version": "1.0",
        "ui_built": True,
        "boot_ms": 0,
        "profile": "default",
        "switches": variant_of("default").to_json(),
    }


def test_health_reports_the_boot_delay(dist: Path) -> None:
    assert client(dist, boot_ms=2500).get("/__sim__/health").json()["boot_ms"] == 2500
