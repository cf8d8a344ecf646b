"""Profiles and switches (fixtures/portal/variants.py), without a browser: what each profile
sets, how switches go on top, how every command line and ``SIM_*`` reach them, what the server
does with them (health, shell, site prefix)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fixtures.portal import __main__ as module_main
from fixtures.portal.labels import labels_for
from fixtures.portal.options import OptionsError, SimOptions, options_with
from fixtures.portal.variants import (
    PROFILE_SWITCHES,
    Variant,
    VariantError,
    given_switches,
    parse_date_styles,
    parse_switch_assignments,
    variant_of,
)
from flows.cli import portal as portal_cli
from tests.portal.test_api import TestClient
from tests.portal.test_api_shell import client, dist, sim_config

__all__ = ["dist"]  # the fake UI build fixture, shared with test_api_shell

DEFAULT_DATES = {
    "birth_date": "medium",
    "trip_start": "medium",
    "trip_end": "medium",
    "tables": "short",
}
AURA_MARKUP = {
    "toast": "aura",
    "header_case": "css",
    "search": "combobox",
    "sign_in_case": "sentence",
    "sign_in_form": "placeholder",
    "login_url": "salesforce",
    "session_notice": True,
    "path_labels": "standard",
}


def changed(variant: Variant) -> dict[str, object]:
    """The switches of ``variant`` that differ from the default profile's."""
    default = Variant().to_json()
    return {k: v for k, v in variant.to_json().items() if v != default[k]}


def test_default_profile_is_the_simulator_as_it_was() -> None:
    assert variant_of("default") == Variant()
    assert Variant().to_json() == {
        "date_style": DEFAULT_DATES,
        "toast": "sim",
        "toast_ms": 10_000,
        "header_case": "markup",
        "site_prefix": "",
        "search": "searchbox",
        "sign_in_case": "title",
        "sign_in_form": "labelled",
        "login_url": "sim",
        "session_notice": False,
        "path_labels": "stage",
        "narrow": False,
        "action_labels": "site",
    }


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            "seed",
            {
                "date_style": {**DEFAULT_DATES, "trip_start": "short", "trip_end": "short"},
                "action_labels": "english",
            },
        ),
        ("aura", {**AURA_MARKUP, "toast_ms": 5_000}),
        (
            "lwr",
            {
                **AURA_MARKUP,
                "toast": "lwr",
                "toast_ms": 4_800,
                "date_style": {
                    "birth_date": "lwr-medium",
                    "trip_start": "lwr-medium",
                    "trip_end": "lwr-medium",
                    "tables": "short",
                },
            },
        ),
    ],
)
def test_each_profile_sets_its_switches(profile: str, expected: dict[str, object]) -> None:
    assert changed(variant_of(profile)) == expected


def test_switches_go_on_top_of_a_profile_and_date_styles_merge() -> None:
    variant = variant_of(
        "seed",
        {"toast": "lwr", "toast_ms": "1500", "date_style": "birth_date=short", "narrow": "yes"},
    )
    assert (variant.toast, variant.toast_ms, variant.narrow) == ("lwr", 1500, True)
    assert dict(variant.date_style) == {
        **DEFAULT_DATES,
        "birth_date": "short",
        "trip_start": "short",
        "trip_end": "short",
    }
    assert variant.action_labels == "english"  # the profile's, not overridden


@pytest.mark.parametrize(
    ("profile", "switches", "message"),
    [
        ("nope", {}, "profile: 'nope' is not one of default, aura, lwr, seed"),
        ("default", {"colour": "red"}, "switch: 'colour'"),
        ("default", {"toast": "banner"}, "toast: 'banner' is not one of sim, aura, lwr"),
        ("default", {"toast_ms": "soon"}, "toast_ms: 'soon'"),
        ("default", {"narrow": "maybe"}, "narrow: 'maybe' is not true or false"),
        ("default", {"site_prefix": "partenaires/"}, "site_prefix: 'partenaires/'"),
        ("default", {"date_style": "birthday=short"}, "date_style: 'birthday'"),
        ("default", {"date_style": "long"}, "date_style birth_date: 'long'"),
        # an Aura page formats date inputs with $A, an LWR page with Intl: never both
        ("lwr", {"date_style": "birth_date=medium"}, "cannot mix medium"),
    ],
)
def test_bad_profiles_and_switches_are_named(
    profile: str, switches: dict[str, object], message: str
) -> None:
    with pytest.raises(VariantError, match=message.replace("(", r"\(")):
        variant_of(profile, switches)


def test_date_styles_parse_for_one_field_or_all() -> None:
    assert parse_date_styles(["short", "birth_date=medium"]) == {
        **dict.fromkeys(DEFAULT_DATES, "short"),
        "birth_date": "medium",
    }
    assert parse_date_styles(["trip_start=short,trip_end=short"]) == {
        "trip_start": "short",
        "trip_end": "short",
    }
    assert parse_switch_assignments(
        ["date-style=tables=medium", "date_style=birth_date=short", "session_notice=on"]
    ) == {"date_style": {"tables": "medium", "birth_date": "short"}, "session_notice": True}
    assert given_switches([], toast=None, narrow=False) == {"narrow": False}


def test_sim_options_read_profile_and_switches_from_env() -> None:
    options = SimOptions.from_env(
        {"SIM_PROFILE": "aura", "SIM_SWITCHES": '{"site_prefix": "/partenaires"}'}
    )
    assert (options.profile, options.variant.site_prefix) == ("aura", "/partenaires")
    # a command-line switch goes over SIM_SWITCHES, the others stay
    later = options_with(options, switches={"toast": "lwr"})
    assert (later.variant.toast, later.variant.site_prefix) == ("lwr", "/partenaires")
    with pytest.raises(OptionsError, match="SIM_SWITCHES"):
        SimOptions.from_env({"SIM_SWITCHES": "[1]"})
    with pytest.raises(OptionsError, match="toast"):
        SimOptions(switches={"toast": "banner"})


def test_module_command_line_sets_the_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIM_PROFILE", raising=False)
    monkeypatch.delenv("SIM_SWITCHES", raising=False)
    args = module_main.build_parser().parse_args(
        [
            "--profile",
            "lwr",
            "--site-prefix",
            "/partenaires",
            "--date-style",
            "tables=medium",
            "--no-session-notice",
            "--toast-ms",
            "2000",
        ]
    )
    options = module_main.options_from_args(args)
    assert options.profile == "lwr"
    assert changed(options.variant)["site_prefix"] == "/partenaires"
    assert (options.variant.date_style["tables"], options.variant.date_style["trip_start"]) == (
        "medium",
        "lwr-medium",
    )
    assert (options.variant.session_notice, options.variant.toast_ms) == (False, 2000)
    bad = module_main.build_parser().parse_args(["--site-prefix", "nope"])
    with pytest.raises(OptionsError, match="site_prefix"):
        module_main.options_from_args(bad)


def test_prolong_portal_serve_sets_the_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[SimOptions] = []
    monkeypatch.setattr(
        portal_cli, "serve_simulator", lambda options, host, port: served.append(options)
    )
    monkeypatch.delenv("SIM_PROFILE", raising=False)
    monkeypatch.delenv("SIM_SWITCHES", raising=False)
    runner = CliRunner()
    result = runner.invoke(
        portal_cli.app,
        [
            "serve",
            "--profile",
            "seed",
            "--toast",
            "lwr",
            "--date-style",
            "short",
            "--narrow",
            "--sign-in-case",
            "sentence",
        ],
    )
    assert result.exit_code == 0, result.output
    variant = served[0].variant
    assert (served[0].profile, variant.toast, variant.narrow, variant.sign_in_case) == (
        "seed",
        "lwr",
        True,
        "sentence",
    )
    assert set(variant.date_style.values()) == {"short"}
    assert variant.action_labels == "english"  # from the profile
    refused = runner.invoke(portal_cli.app, ["serve", "--date-style", "someday"])
    assert refused.exit_code == 2
    assert "date_style" in refused.output


def test_health_reports_profile_and_effective_switches(dist: Path) -> None:
    health = client(dist, profile="lwr", switches={"toast_ms": 900}).get("/__sim__/health").json()
    assert health["profile"] == "lwr"
    assert health["switches"] == variant_of("lwr", {"toast_ms": 900}).to_json()
    assert health["switches"]["toast_ms"] == 900


def test_shell_gives_the_ui_the_switches_and_the_variant_labels(dist: Path) -> None:
    config = sim_config(client(dist, locale="en", profile="aura").get("/s/login/").text)
    assert config["variant"] == variant_of("aura").to_json()
    assert config["labels"] == labels_for("en", None, variant_of("aura"))
    assert config["labels"]["col_account_name"] == "Account Name"
    assert config["labels"]["login_submit"] == "Log in"
    assert config["labels"]["mark_stage_complete"] == "Mark Status as Complete"
    # overrides still win over the variant's texts
    config = sim_config(
        client(dist, profile="aura", label_overrides={"col_account_name": "Client"})
        .get("/s/login/")
        .text
    )
    assert config["labels"]["col_account_name"] == "Client"


def test_variant_texts_exist_in_both_locales() -> None:
    for profile in PROFILE_SWITCHES:
        fr, en = (labels_for(locale, None, variant_of(profile)) for locale in ("fr", "en"))
        assert fr.keys() == en.keys()
    assert labels_for("fr", None, variant_of("aura"))["col_account_name"] == "Nom du compte"
    assert labels_for("fr", None, variant_of("lwr"))["path_options"] == "Options de chemin"


def prefixed(dist: Path, **options: Any) -> TestClient:
    return client(dist, switches={"site_prefix": "/partenaires"}, **options)


def test_site_prefix_serves_the_whole_site_under_it(dist: Path) -> None:
    web = prefixed(dist)
    page = web.get("/partenaires/s/login")
    assert page.status_code == 200
    assert '<script type="module" src="/partenaires/assets/app.js">' in page.text
    assert 'href="/partenaires/slds/styles/' in page.text
    assert web.get("/partenaires/assets/app.js").text == "// synthetic build\n"
    for path in ("/", "/partenaires", "/partenaires/", "/partenaires/s"):
        answer = web.get(path)
        assert (answer.status_code, answer.headers["location"]) == (302, "/partenaires/s/")
    login = web.post(
        "/partenaires/api/login",
        json={"username": "agent@exemple.ca", "password": "demo-Portail-2026"},
    )
    assert login.status_code == 200
    assert web.get("/partenaires/api/search", params={"q": "bonjour"}).status_code == 200


def test_site_prefix_leaves_nothing_at_the_host_root_but_the_simulator_endpoints(
    dist: Path,
) -> None:
    web = prefixed(dist)
    for path in ("/s/", "/s/login", "/api/session", "/assets/app.js", "/partenairesX/s/"):
        assert web.get(path).status_code == 404, path
    for root in ("", "/partenaires"):
        health = web.get(f"{root}/__sim__/health").json()
        assert health["switches"]["site_prefix"] == "/partenaires"


def test_site_prefix_page_loads_are_counted_and_booted(dist: Path) -> None:
    web = prefixed(dist)
    web.get("/partenaires/s/login")
    web.get("/partenaires/api/session")
    stats = web.get("/__sim__/stats").json()
    assert (stats["page_loads"], stats["api_requests"]) == (1, 1)
