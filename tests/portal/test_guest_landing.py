"""A guest never sees member pages: the server answers a page load without a live session with
the sign-in page (a redirect carrying ``startURL``), on every profile and under a site prefix.

Over HTTP, each answer is pinned; in a real Chromium, a watcher installed before any page
script records every search box and sign-out control that reaches the DOM or a painted frame,
so a member header shown for even one frame fails the test (the simulator used to show it for
about 250 ms before its script sent the guest away).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from fixtures.portal.app import create_app
from fixtures.portal.labels import labels_for
from fixtures.portal.options import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from fixtures.portal.variants import PROFILES
from tests.conftest import sim_build_options
from tests.portal.test_api import FakeClock, TestClient
from tests.portal.test_api_shell import dist, sim_config

__all__ = ["dist"]  # the fake UI build fixture, shared with test_api_shell

PREFIX = "/partenaires"
CREDENTIALS = {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}


def sign_in_of(profile: str, start: str) -> str:
    """The sign-in URL a guest of ``profile`` is sent to, to come back to ``start`` (encoded)."""
    sign_in = (
        "/s/login/?startURL={}&ec=302" if profile in ("aura", "lwr") else "/s/login?startURL={}"
    )
    return sign_in.format(start)


# ---- over HTTP ------------------------------------------------------------------------------


def web(dist: Path, clock: FakeClock | None = None, **options: Any) -> TestClient:
    app = create_app(SimOptions(**options), clock=clock or FakeClock(), ui_dist=dist)
    return TestClient(app, follow_redirects=False)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("prefix", ["", PREFIX])
def test_a_guest_page_load_is_answered_with_the_sign_in_page(
    dist: Path, profile: str, prefix: str
) -> None:
    client = web(dist, profile=profile, switches={"site_prefix": prefix} if prefix else {})
    encoded = prefix.replace("/", "%2F")
    for path, start in (
        ("/s/", f"{encoded}%2Fs%2F"),
        ("/s/global-search/Jean%20Bonjour", f"{encoded}%2Fs%2Fglobal-search%2FJean%2520Bonjour"),
        (
            "/s/opportunity/new?accountId=001x",
            f"{encoded}%2Fs%2Fopportunity%2Fnew%3FaccountId%3D001x",
        ),
    ):
        answer = client.get(prefix + path)
        assert answer.status_code == 302, path
        assert answer.headers["location"] == prefix + sign_in_of(profile, start), path
        assert answer.headers["cache-control"] == "no-store"
        assert "window.__SIM__" not in answer.text
    # The sign-in page itself is the shell, with or without its trailing slash.
    for path in ("/s/login", "/s/login/"):
        page = client.get(f"{prefix}{path}?startURL={encoded}%2Fs%2F")
        assert page.status_code == 200, path
        assert sim_config(page.text)["variant"]["site_prefix"] == prefix


def test_a_member_gets_the_page_and_an_ended_session_the_sign_in_page(dist: Path) -> None:
    clock = FakeClock()
    client = web(dist, clock, session_ttl=3600)
    assert client.post("/api/login", json=CREDENTIALS).status_code == 200
    assert client.get("/s/account/001x").status_code == 200
    clock.now += timedelta(seconds=3600)
    answer = client.get("/s/account/001x")
    assert answer.headers["location"] == "/s/login?startURL=%2Fs%2Faccount%2F001x"
    assert client.post("/api/login", json=CREDENTIALS).status_code == 200
    assert client.get("/s/").status_code == 200
    assert client.post("/api/logout").status_code == 204
    assert client.get("/s/").headers["location"] == "/s/login?startURL=%2Fs%2F"


def test_a_guest_redirect_is_no_page_load_and_the_api_answers_401(dist: Path) -> None:
    client = web(dist, boot_ms=0)
    client.get("/s/")
    client.get("/s/login?startURL=%2Fs%2F")
    stats = client.get("/__sim__/stats").json()
    assert (stats["requests"], stats["page_loads"]) == (2, 1)
    # The API keeps its own answer: the UI's redirect on a 401 is for a page already open.
    session = client.get("/api/session")
    assert (session.status_code, session.json()["error"]) == (401, "session_expired")
    assert client.get("/assets/app.js").status_code == 200


# ---- in a real Chromium ---------------------------------------------------------------------

# Installed before any page script (so before synthetic shadow patches the DOM): it keeps the
# native MutationObserver, querySelectorAll and textContent, observes every shadow root as it
# is attached, and scans on every mutation batch and before every frame is painted.
WATCH_MEMBER_CHROME = """
(() => {
  const signOut = new Set(%(sign_out)s);
  const MO = window.MutationObserver;
  const observe = MO.prototype.observe;
  const qsa = Element.prototype.querySelectorAll;
  const qsaDoc = Document.prototype.querySelectorAll;
  const qsaFrag = DocumentFragment.prototype.querySelectorAll;
  const text = Object.getOwnPropertyDescriptor(Node.prototype, 'textContent').get;
  const attach = Element.prototype.attachShadow;
  const roots = [document];
  const seen = (window.__memberChrome = []);
  const chrome = 'input[type=search], [role=search], [role=searchbox], [role=combobox], button';
  const qsaOf = (root) =>
    root === document ? qsaDoc : root instanceof DocumentFragment ? qsaFrag : qsa;
  const find = (root) => qsaOf(root).call(root, chrome);
  const scan = (when) => {
    for (const root of roots) {
      for (const el of find(root)) {
        const what = el.tagName === 'BUTTON' ? text.call(el).trim() : el.outerHTML.slice(0, 80);
        if (el.tagName === 'BUTTON' && !signOut.has(what)) continue;
        seen.push({ when, path: location.pathname, what });
      }
    }
  };
  const watcher = new MO(() => scan('dom'));
  const all = { subtree: true, childList: true, characterData: true };
  const watch = (root) => observe.call(watcher, root, all);
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.push(root);
    watch(root);
    return root;
  };
  watch(document);
  const frame = () => { scan('frame'); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
"""

LANDINGS = [
    pytest.param(("default", "synthetic", ""), id="default"),
    pytest.param(("seed", "synthetic", ""), id="seed"),
    pytest.param(("aura", "synthetic", PREFIX), id="aura-prefix"),
    pytest.param(("lwr", "native", ""), id="lwr"),
    pytest.param(("lwr", "native", PREFIX), id="lwr-prefix"),
]


@pytest.fixture
def simulator(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config
) -> Iterator[RunningSimulator]:
    profile, shadow, prefix = request.param
    options = SimOptions(
        **sim_build_options(pytestconfig),
        profile=profile,
        shadow=shadow,
        switches={"site_prefix": prefix} if prefix else {},
    )
    with start_in_thread(options) as running:
        yield running


def member_chrome_seen(
    browser: Browser, simulator: RunningSimulator, path: str
) -> tuple[list[Any], list[Response], Page]:
    """Open ``path`` (from the host's root) as a guest; what the watcher saw, the documents
    answered, and the page (on the sign-in form)."""
    options = simulator.options
    labels = labels_for(options.locale, None, options.variant)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_MEMBER_CHROME % {"sign_out": [labels["logout"]]})
    documents: list[Response] = []
    page.on(
        "response", lambda r: documents.append(r) if r.request.resource_type == "document" else None
    )
    page.goto(simulator.url + path)
    expect(page.get_by_role("button", name=labels["login_submit"])).to_be_visible()
    # A few more frames on the sign-in page: the member header must not come after it either.
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    return page.evaluate("() => window.__memberChrome"), documents, page


@pytest.mark.e2e
@pytest.mark.parametrize("simulator", LANDINGS, indirect=True)
def test_a_guest_opening_the_site_never_sees_the_member_header(
    browser: Browser, simulator: RunningSimulator
) -> None:
    prefix = simulator.options.variant.site_prefix
    profile = simulator.options.profile
    seen, documents, page = member_chrome_seen(browser, simulator, "/")
    assert seen == [], seen[:3]
    start = f"{prefix}/s/".replace("/", "%2F")
    expect(page).to_have_url(simulator.url + prefix + sign_in_of(profile, start))
    # Every document answered before the sign-in page was a redirect: no member page was served.
    statuses = [(r.status, r.url.removeprefix(simulator.url)) for r in documents]
    assert [status for status, _ in statuses[:-1]] == [302] * (len(statuses) - 1), statuses
    assert statuses[-1] == (200, prefix + sign_in_of(profile, start)), statuses
    page.context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("simulator", LANDINGS[3:4], indirect=True)
def test_a_guest_deep_link_signs_in_and_comes_back(
    browser: Browser, simulator: RunningSimulator
) -> None:
    seen, _, page = member_chrome_seen(browser, simulator, "/s/global-search/Bonjour")
    assert seen == [], seen[:3]
    labels = labels_for(simulator.options.locale, None, simulator.options.variant)
    page.get_by_label(labels["login_username"]).fill(DEFAULT_USERNAME)
    page.get_by_label(labels["login_password"]).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=labels["login_submit"]).click()
    expect(page).to_have_url(f"{simulator.url}/s/global-search/Bonjour")
    # Signed in, the member header shows: the watcher sees it (it would have seen a flash).
    expect(page.get_by_role("button", name=labels["logout"])).to_be_visible()
    assert page.evaluate("() => window.__memberChrome.length") > 0
    page.context.close()
