"""The project's wait helper (automation/runtime/waiting.py) and the locator waits that replaced
Playwright's expectations in production code, in a real Chromium.

Each wait must hold once the page gets there (not only when it already is), give up at its limit
with False or Playwright's ``TimeoutError`` (never ``AssertionError``: that is a bug's, see
tests/flows/test_internal_errors.py), and read through shadow roots as Lightning renders them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.lightning import Spinner, activate
from automation.runtime.waiting import enabled, keeps_value

pytestmark = [pytest.mark.e2e]

# Long enough for a page that gets there later, short enough for one that never does.
_LIMIT_MS = 2_000
_NEVER_MS = 300


def test_keeps_value_waits_for_the_value_to_come(page: Any) -> None:
    page.set_content("<label>Nom <input id=name></label>")
    page.evaluate("setTimeout(() => { document.querySelector('#name').value = 'Bonjour'; }, 100)")
    assert keeps_value(page.get_by_label("Nom"), "Bonjour", timeout_ms=_LIMIT_MS)


def test_keeps_value_is_false_for_another_value(page: Any) -> None:
    page.set_content("<label>Nom <input value='Bonjou'></label>")
    assert not keeps_value(page.get_by_label("Nom"), "Bonjour", timeout_ms=_NEVER_MS)


def test_keeps_value_matches_a_pattern_with_its_flags(page: Any) -> None:
    page.set_content("<label>Départ <input value=' MAI 1, 2026 '></label>")
    field = page.get_by_label("Départ")
    assert keeps_value(field, re.compile(r"^\s*mai\.? 0?1,? 2026\s*$", re.I), timeout_ms=_LIMIT_MS)
    assert not keeps_value(field, re.compile(r"^mai"), timeout_ms=_NEVER_MS)


def test_keeps_value_reads_an_input_inside_a_shadow_root(page: Any) -> None:
    page.set_content("<x-field></x-field>")
    page.evaluate(
        """() => {
          const root = document.querySelector('x-field').attachShadow({mode: 'open'});
          root.innerHTML = '<label>Courriel <input></label>';
          setTimeout(() => { root.querySelector('input').value = 'a@b.ca'; }, 100);
        }"""
    )
    assert keeps_value(page.get_by_label("Courriel"), "a@b.ca", timeout_ms=_LIMIT_MS)


def test_keeps_value_is_false_for_a_control_not_there(page: Any) -> None:
    page.set_content("<p>rien</p>")
    assert not keeps_value(page.get_by_label("Nom"), "x", timeout_ms=_NEVER_MS)


def test_enabled_waits_for_a_disabled_button_to_be_enabled(page: Any) -> None:
    page.set_content("<button disabled>Suivant</button>")
    page.evaluate("setTimeout(() => { document.querySelector('button').disabled = false; }, 100)")
    enabled(page.get_by_role("button", name="Suivant")).wait_for(timeout=_LIMIT_MS)


@pytest.mark.parametrize(
    "markup",
    [
        "<button disabled>Suivant</button>",
        "<fieldset disabled><button>Suivant</button></fieldset>",
        "<div role=button aria-disabled='true'>Suivant</div>",
    ],
    ids=["disabled", "in a disabled fieldset", "aria-disabled"],
)
def test_enabled_times_out_on_a_control_that_stays_disabled(page: Any, markup: str) -> None:
    page.set_content(markup)
    button = page.get_by_role("button", name="Suivant")
    button.wait_for(timeout=_LIMIT_MS)  # the control is there: only being enabled is missing
    with pytest.raises(PlaywrightTimeout):
        enabled(button).wait_for(timeout=_NEVER_MS)


def test_enabled_finds_a_button_inside_a_shadow_root(page: Any) -> None:
    page.set_content("<x-host></x-host>")
    page.evaluate(
        "document.querySelector('x-host').attachShadow({mode: 'open'}).innerHTML ="
        " '<button>Suivant</button>'"
    )
    enabled(page.get_by_role("button", name="Suivant")).wait_for(timeout=_LIMIT_MS)


def test_activate_presses_an_enabled_control_once_it_is(page: Any) -> None:
    page.set_content("<button disabled onclick='this.textContent = \"Envoyé\"'>Envoyer</button>")
    page.evaluate("setTimeout(() => { document.querySelector('button').disabled = false; }, 100)")
    activate(page.get_by_role("button", name="Envoyer"))
    page.get_by_role("button", name="Envoyé").wait_for(timeout=_LIMIT_MS)


def test_activating_a_control_that_stays_disabled_is_playwrights_timeout(page: Any) -> None:
    page.set_content("<button disabled>Suivant</button>")
    page.context.set_default_timeout(_NEVER_MS)
    with pytest.raises(PlaywrightTimeout):
        activate(page.get_by_role("button", name="Suivant"))


def test_spinner_wait_gone_waits_until_no_spinner_is_left(page: Any) -> None:
    page.set_content(
        "<div role=status>Chargement</div><div role=status>Chargement</div>"
        "<div role=status>Enregistré</div>"
    )
    page.evaluate(
        """setTimeout(() => document.querySelectorAll('div').forEach(
             (div) => { if (div.textContent === 'Chargement') div.remove(); }), 100)"""
    )
    spinner = Spinner(page, "Chargement")
    spinner.wait_gone(_LIMIT_MS)
    assert spinner.locator.count() == 0


def test_spinner_that_stays_is_playwrights_timeout(page: Any) -> None:
    page.set_content("<div role=status>Chargement</div><div role=status>Chargement</div>")
    with pytest.raises(PlaywrightTimeout):
        Spinner(page, "Chargement").wait_gone(_NEVER_MS)
