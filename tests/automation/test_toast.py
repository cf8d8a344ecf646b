"""``Toast`` on each profile's real toast markup: a success from an error by the variant the
markup carries, never by the title (an org titles a toast with what happened).

The toasts are the simulator's own calls (its ``sim:toast`` hook runs the same code as a page's
save): on ``lwr`` that is lightning-base-components' ``Toast.show({label, message, variant})``,
in both shadow modes; on ``aura`` force:showToast's markup; on ``default`` SLDS's. Each
profile's markup is pinned as an accessibility tree, so a change to it shows here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from automation.labels import labels_for
from automation.lightning import Toast
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from tests.conftest import sim_build_options

pytestmark = pytest.mark.e2e

# The accessibility tree of a success toast titled « Saved » on each toast markup (switch toast).
SUCCESS_TREES = {
    # lightning/toast: the variant is only the icon's assistive text, then the label, the
    # message and the keyboard hint, and « Close ».
    "lwr": """
- alert:
  - text: {success}
  - heading "Saved" [level=2]
  - text: /Record saved .+F6.+/
  - button "{close}"
""",
    # force:showToast: an alert dialog named by its title, for every type.
    "aura": """
- alertdialog "Saved":
  - heading "Saved" [level=2]
  - text: Record saved
  - button "{close}"
""",
    # SLDS toast (profiles default and seed): a status region for a success.
    "sim": """
- status:
  - heading "Saved" [level=2]
  - paragraph: Record saved
  - button "{close}"
""",
}
ERROR_TREES = {
    "lwr": """
- alert:
  - text: {error}
  - heading "Success" [level=2]
  - text: /Record not saved .+F6.+/
  - button "{close}"
""",
    "aura": """
- alertdialog "Success":
  - heading "Success" [level=2]
  - text: Record not saved
  - button "{close}"
""",
    "sim": """
- alert:
  - heading "Success" [level=2]
  - paragraph: Record not saved
  - button "{close}"
""",
}
VARIANT_WORDS = {"fr": ("Succès", "Erreur", "Fermer"), "en": ("Success", "Error", "Close")}

MARKUPS = [
    pytest.param(("lwr", "synthetic", "en"), id="lwr-synthetic-en"),
    pytest.param(("lwr", "native", "en"), id="lwr-native-en"),
    pytest.param(("lwr", "native", "fr"), id="lwr-native-fr"),
    pytest.param(("aura", "synthetic", "fr"), id="aura-synthetic-fr"),
    pytest.param(("default", "synthetic", "en"), id="default-synthetic-en"),
    pytest.param(("default", "native", "fr"), id="default-native-fr"),
    pytest.param(("seed", "synthetic", "fr"), id="seed-synthetic-fr"),
]


@pytest.fixture
def on_sign_in_page(
    request: pytest.FixtureRequest, browser: Browser, pytestconfig: pytest.Config
) -> Iterator[tuple[Page, str, str]]:
    """The sign-in page of a simulator of (profile, shadow, locale), its toast markup and
    locale: its toasts are the whole site's. Aura's and SLDS's toasts stay a minute, so none
    leaves mid-test; lightning/toast keeps its own lifetime (``Toast.show`` called exactly as
    a page does)."""
    profile, shadow, locale = request.param
    switches: dict[str, object] = {} if profile == "lwr" else {"toast_ms": 60_000}
    options = SimOptions(
        **sim_build_options(pytestconfig),
        profile=profile,
        shadow=shadow,
        locale=locale,
        switches=switches,
    )
    with start_in_thread(options) as simulator:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(_sign_in_url(simulator))
        expect(page.get_by_role("textbox").first).to_be_visible()
        yield page, options.variant.toast, locale
        context.close()


def _sign_in_url(simulator: RunningSimulator) -> str:
    return f"{simulator.url}{simulator.options.variant.site_prefix}/s/login"


def show(page: Page, variant: str, title: str, message: str) -> None:
    """Show a toast through the page's own toast code (the simulator's ``sim:toast`` hook)."""
    page.evaluate(
        "(detail) => window.dispatchEvent(new CustomEvent('sim:toast', { detail }))",
        {"variant": variant, "title": title, "message": message},
    )


@pytest.mark.parametrize("on_sign_in_page", MARKUPS, indirect=True)
def test_toast_finds_one_success_then_one_error_by_the_markup(
    on_sign_in_page: tuple[Page, str, str],
) -> None:
    page, markup, locale = on_sign_in_page
    toast = Toast(page, success_texts=labels_for(locale).texts("toast_success"))
    success, error, close = VARIANT_WORDS[locale]
    show(page, "success", "Saved", "Record saved")
    saved = toast.success("Record saved")
    expect(saved).to_have_count(1)
    expect(saved).to_match_aria_snapshot(SUCCESS_TREES[markup].format(success=success, close=close))
    expect(toast.errors).to_have_count(0)
    # An error titled like a success is still an error: the title is the org's wording.
    show(page, "error", "Success", "Record not saved")
    expect(toast.errors).to_have_count(1)
    expect(toast.errors).to_match_aria_snapshot(
        ERROR_TREES[markup].format(error=error, close=close)
    )
    assert toast.success(re.compile("Record not saved")).count() == 0
    assert [text for text in toast.error_texts() if "Record not saved" in text]


@pytest.mark.parametrize("on_sign_in_page", MARKUPS[1:2] + MARKUPS[3:5], indirect=True)
def test_an_information_toast_is_no_error(on_sign_in_page: tuple[Page, str, str]) -> None:
    page, _, locale = on_sign_in_page
    toast = Toast(page, success_texts=labels_for(locale).texts("toast_success"))
    show(page, "info", "Not available here", "Use the record page")
    expect(toast.success("Use the record page")).to_have_count(1)
    expect(toast.errors).to_have_count(0)
    show(page, "warning", "Check the dates", "The trip is long")
    expect(toast.errors).to_have_count(1)
