"""One ``Locale`` for the portal's, the simulator's, the run's and the client's language.

``automation.locale`` defines it once; every layer that names the two languages uses that
class itself, so a copy that drifted (a third language, a renamed code) cannot exist unnoticed.
"""

from __future__ import annotations

from typing import get_type_hints

from automation import locale as locale_module
from automation.locale import LOCALES, Locale
from automation.runtime import settings as settings_module
from automation.runtime.settings import Settings
from fixtures.portal import options as sim_options
from fixtures.portal.options import SimOptions
from flows import language
from flows.request import vocabulary


def test_the_two_codes() -> None:
    assert [locale.value for locale in Locale] == ["fr", "en"]
    assert LOCALES == (Locale.FR, Locale.EN)


def test_the_portal_language_setting_is_the_one_locale() -> None:
    assert Settings.model_fields["locale"].annotation is Locale
    assert settings_module.Locale is locale_module.Locale
    assert Settings(_env_file=None, locale="en").locale is Locale.EN


def test_the_simulator_s_locale_is_the_one_locale() -> None:
    assert get_type_hints(SimOptions)["locale"] is Locale
    assert sim_options.Locale is Locale and sim_options.LOCALES == LOCALES
    # SIM_LOCALE and callers give text: the options hold the member.
    assert SimOptions(locale="en").locale is Locale.EN  # type: ignore[arg-type]
    assert SimOptions.from_env({"SIM_LOCALE": "en"}).locale is Locale.EN


def test_the_run_s_and_the_client_s_language_are_the_one_locale() -> None:
    assert language.Locale is Locale
    assert vocabulary.Language is Locale
