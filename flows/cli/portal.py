"""``prolong portal``: run the bundled Espace partenaire simulator.

Options left out keep the value of their ``SIM_*`` environment variable, then the default;
switches left out keep the profile's value (fixtures/portal/variants.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from fixtures.portal.options import (
    OptionsError,
    SimOptions,
    options_with,
    parse_label_assignments,
)
from fixtures.portal.run import serve as serve_simulator
from fixtures.portal.variants import VariantError, given_switches
from flows.language import say

__all__ = ["app"]

app = typer.Typer(
    help="Run the bundled Espace partenaire simulator (a local portal to test on).",
    no_args_is_help=True,
)


class Locale(StrEnum):
    """Portal language."""

    fr = "fr"
    en = "en"


class Shadow(StrEnum):
    """Which UI build: synthetic shadow (Aura sites) or native shadow (LWR sites)."""

    synthetic = "synthetic"
    native = "native"


class Profile(StrEnum):
    """A named set of switches: the simulator's own, the seed's screens, Aura's or LWR's."""

    default = "default"
    aura = "aura"
    lwr = "lwr"
    seed = "seed"


class Toast(StrEnum):
    """Toast markup: the simulator's, Aura's force:showToast or LWR's lightning/toast."""

    sim = "sim"
    aura = "aura"
    lwr = "lwr"


class HeaderCase(StrEnum):
    """Table headers in capitals in the markup, or written in mixed case and capitalised by CSS."""

    markup = "markup"
    css = "css"


class Search(StrEnum):
    """Global search: a searchbox, or SLDS's textbox in a combobox with typeahead."""

    searchbox = "searchbox"
    combobox = "combobox"


class SignInCase(StrEnum):
    """English sign-in texts: « Log In » (title case) or « Log in » (sentence case)."""

    title_case = "title"  # "title" would hide str.title
    sentence = "sentence"


class SignInForm(StrEnum):
    """Sign-in inputs with visible labels, or with placeholders and hidden labels."""

    labelled = "labelled"
    placeholder = "placeholder"


class LoginUrl(StrEnum):
    """/s/login?startURL=… or Salesforce's /s/login/?startURL=…&ec=302."""

    sim = "sim"
    salesforce = "salesforce"


class PathLabels(StrEnum):
    """The Path as lightning-progress-indicator, or the standard Path component."""

    stage = "stage"
    standard = "standard"


class ActionLabels(StrEnum):
    """Record-header actions in the site's language, or in English (the seed's account page)."""

    site = "site"
    english = "english"


def _value(choice: StrEnum | None) -> str | None:
    return choice.value if choice is not None else None


@app.callback()
def portal() -> None:
    """Run the bundled Espace partenaire simulator (a local portal to test on)."""
    # A callback keeps `serve` a sub-command even though it is the group's only command.


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    locale: Annotated[Locale | None, typer.Option(help="Portal language.")] = None,
    shadow: Annotated[Shadow | None, typer.Option(help="Which UI build to serve.")] = None,
    db: Annotated[str | None, typer.Option(help='SQLite file, or ":memory:" (default).')] = None,
    latency_ms: Annotated[
        int | None, typer.Option(min=0, help="Delay added to every /api call, in ms.")
    ] = None,
    fault_rate: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Share of /api calls (not sign-in) answering 500."),
    ] = None,
    fault_seed: Annotated[int | None, typer.Option(help="Seed of the fault draws.")] = None,
    spinner_ms: Annotated[
        int | None, typer.Option(min=0, help="Extra delay on mutating calls, in ms.")
    ] = None,
    session_ttl: Annotated[int | None, typer.Option(min=1, help="Seconds a sign-in lasts.")] = None,
    boot_ms: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Wait before the app shows on every full page load, in ms "
            "(an Experience Cloud site boots its app on each).",
        ),
    ] = None,
    label: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=TEXT", help="Override one UI label (repeatable)."),
    ] = None,
    profile: Annotated[
        Profile | None,
        typer.Option(
            help="Imitate another portal: default, aura, lwr or seed (the seed's screens)."
        ),
    ] = None,
    date_style: Annotated[
        list[str] | None,
        typer.Option(
            metavar="[FIELD=]STYLE",
            help="Date style medium, short or lwr-medium, for one of "
            "birth_date, trip_start, trip_end, tables or for all (repeatable).",
        ),
    ] = None,
    toast: Annotated[Toast | None, typer.Option(help="Toast markup.")] = None,
    toast_ms: Annotated[
        int | None, typer.Option(min=1, help="Lifetime of toasts that leave by themselves, in ms.")
    ] = None,
    header_case: Annotated[
        HeaderCase | None, typer.Option(help="Table headers in capitals in the markup, or by CSS.")
    ] = None,
    site_prefix: Annotated[
        str | None,
        typer.Option(metavar="PATH", help="Serve the site under PATH/s/ (e.g. /partenaires)."),
    ] = None,
    search: Annotated[Search | None, typer.Option(help="Global search markup.")] = None,
    sign_in_case: Annotated[
        SignInCase | None, typer.Option(help="English sign-in « Log In » or « Log in ».")
    ] = None,
    sign_in_form: Annotated[
        SignInForm | None, typer.Option(help="Sign-in inputs with visible labels, or placeholders.")
    ] = None,
    login_url: Annotated[LoginUrl | None, typer.Option(help="Sign-in page URL form.")] = None,
    session_notice: Annotated[
        bool | None,
        typer.Option(
            "--session-notice/--no-session-notice",
            help="An expired session shows a notice before the sign-in page.",
        ),
    ] = None,
    path_labels: Annotated[
        PathLabels | None,
        typer.Option(help="The Path as lightning-progress-indicator, or the standard Path."),
    ] = None,
    narrow: Annotated[
        bool | None,
        typer.Option(
            "--narrow/--no-narrow", help="Record-header actions in the « Show more actions » menu."
        ),
    ] = None,
    action_labels: Annotated[
        ActionLabels | None,
        typer.Option(help="Record-header actions in the site's language, or English."),
    ] = None,
) -> None:
    """Serve the simulator until Ctrl-C; prints its URL and the demo sign-in."""
    try:
        base = SimOptions.from_env()
        labels = {**base.label_overrides, **parse_label_assignments(label or [])}
        switches = given_switches(
            date_style or [],
            toast=_value(toast),
            toast_ms=toast_ms,
            header_case=_value(header_case),
            site_prefix=site_prefix,
            search=_value(search),
            sign_in_case=_value(sign_in_case),
            sign_in_form=_value(sign_in_form),
            login_url=_value(login_url),
            session_notice=session_notice,
            path_labels=_value(path_labels),
            narrow=narrow,
            action_labels=_value(action_labels),
        )
        options = options_with(
            base,
            locale=locale.value if locale else None,
            shadow=shadow.value if shadow else None,
            db=db,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            fault_seed=fault_seed,
            spinner_ms=spinner_ms,
            session_ttl=session_ttl,
            boot_ms=boot_ms,
            label_overrides=labels,
            profile=_value(profile),
            switches=switches,
        )
    except (OptionsError, VariantError) as exc:
        typer.echo(say(fr=f"erreur : {exc}", en=f"error: {exc}"), err=True)
        raise typer.Exit(code=2) from None
    serve_simulator(options, host, port)
