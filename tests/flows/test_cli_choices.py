"""The command line's choices are the vocabularies' own definitions, not copies (issue 20).

``prolong portal serve`` takes each switch's values from the simulator's ``Literal``
(fixtures/portal/variants.py), ``--shadow`` from ``fixtures.portal.options.Shadow`` and
``--locale`` / ``prolong --lang`` from the one ``Locale``; a copy that drifted from them fails
here. Runs the real app in process; the simulator is never started (a bad ``SIM_*`` variable
stops ``serve`` after typer has accepted every option).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest
from typer.testing import CliRunner

from automation.locale import Locale
from fixtures.portal.options import SimOptions
from fixtures.portal.variants import PROFILES, Variant
from flows.cli import portal as portal_cli
from flows.cli.app import app, prolong

runner = CliRunner()

#: The simulator's switches that take one of a fixed list of words.
LITERAL_SWITCHES: dict[str, tuple[str, ...]] = {
    name: get_args(hint)
    for name, hint in get_type_hints(Variant).items()
    if get_origin(hint) is Literal
}
#: Every choice of ``portal serve``, from its one definition.
SERVE_CHOICES: dict[str, tuple[str, ...]] = {
    **LITERAL_SWITCHES,
    "profile": PROFILES,
    "shadow": get_args(get_type_hints(SimOptions)["shadow"]),
    "locale": tuple(Locale),
}


def _option_type(command: Callable[..., Any], name: str) -> Any:
    """``X`` of a parameter declared ``Annotated[X | None, typer.Option(...)]``."""
    (chosen,) = [arg for arg in get_args(get_type_hints(command)[name]) if arg is not type(None)]
    return chosen


def test_every_switch_with_fixed_words_is_an_option() -> None:
    assert set(LITERAL_SWITCHES) == {
        "toast",
        "header_case",
        "search",
        "sign_in_case",
        "sign_in_form",
        "login_url",
        "path_labels",
        "action_labels",
    }


@pytest.mark.parametrize("name", sorted(SERVE_CHOICES))
def test_serve_takes_the_values_of_the_one_definition(name: str) -> None:
    declared = _option_type(portal_cli.serve, name)
    values = tuple(declared) if name == "locale" else get_args(declared)
    assert values == SERVE_CHOICES[name]


def test_the_locale_options_are_the_one_locale() -> None:
    assert _option_type(portal_cli.serve, "locale") is Locale
    assert _option_type(prolong, "lang") is Locale


def _serve(*args: str) -> Any:
    # SIM_LATENCY_MS is read after typer parsed the options: a value typer accepted gets this far.
    return runner.invoke(
        app, ["portal", "serve", *args], env={"SIM_LATENCY_MS": "oops", "COLUMNS": "200"}
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, values in sorted(SERVE_CHOICES.items()) for value in values],
)
def test_serve_accepts_every_value_of_a_choice(name: str, value: str) -> None:
    result = _serve(f"--{name.replace('_', '-')}", value)
    assert result.exit_code == 2
    assert "SIM_LATENCY_MS='oops'" in result.stderr, result.output


@pytest.mark.parametrize("name", sorted(SERVE_CHOICES))
def test_serve_refuses_a_value_outside_a_choice(name: str) -> None:
    result = _serve(f"--{name.replace('_', '-')}", "bogus")
    assert result.exit_code == 2
    assert "SIM_LATENCY_MS" not in result.output
    assert "bogus" in result.output


@pytest.mark.parametrize("name", sorted(SERVE_CHOICES))
def test_serve_help_lists_the_choices(name: str) -> None:
    result = runner.invoke(app, ["portal", "serve", "--help"], env={"COLUMNS": "200"})
    assert f"[{'|'.join(SERVE_CHOICES[name])}]" in result.stdout


def test_lang_accepts_the_locales_and_refuses_others() -> None:
    for locale in Locale:
        result = runner.invoke(app, ["--lang", locale.value, "route", "--table"])
        assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["--lang", "de", "route", "--table"]).exit_code == 2
