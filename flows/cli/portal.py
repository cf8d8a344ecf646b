"""``prolong portal``: run the bundled Espace partenaire simulator.

Options left out keep the value of their ``SIM_*`` environment variable, then the default;
switches left out keep the profile's value. Each choice is the simulator's own ``Literal``
(fixtures/portal/variants.py, ``Shadow`` of fixtures/portal/options.py) or the one ``Locale``:
typer checks the value against it, ``--help`` lists it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from automation.locale import Locale
from fixtures.portal.options import (
    OptionsError,
    Shadow,
    SimOptions,
    options_with,
    parse_label_assignments,
)
from fixtures.portal.run import serve as serve_simulator
from fixtures.portal.variants import (
    ActionLabels,
    HeaderCase,
    LoginUrl,
    PathLabels,
    ProfileName,
    SearchStyle,
    SignInCase,
    SignInForm,
    ToastStyle,
    VariantError,
    given_switches,
)
from flows.cli.help_style import PlainHelpCommand, PlainHelpGroup, choices
from flows.language import say

__all__ = ["app"]

app = typer.Typer(
    help="Run the bundled Espace partenaire simulator (a local portal to test on).",
    no_args_is_help=True,
    cls=PlainHelpGroup,
)


@app.callback()
def portal() -> None:
    """Run the bundled Espace partenaire simulator (a local portal to test on)."""
    # A callback keeps `serve` a sub-command even though it is the group's only command.


@app.command(cls=PlainHelpCommand)
def serve(
    port: Annotated[
        int, typer.Option(metavar="PORT", help="Port to listen on (0: any free port).")
    ] = 8765,
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Interface to listen on.")
    ] = "127.0.0.1",
    locale: Annotated[
        Locale | None, typer.Option(metavar=choices(Locale), help="Portal language.")
    ] = None,
    shadow: Annotated[
        Shadow | None, typer.Option(metavar=choices(Shadow), help="Which UI build to serve.")
    ] = None,
    db: Annotated[
        str | None, typer.Option(metavar="FILE", help='SQLite file, or ":memory:" (default).')
    ] = None,
    latency_ms: Annotated[
        int | None, typer.Option(min=0, metavar="MS", help="Delay added to every /api call.")
    ] = None,
    fault_rate: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            metavar="SHARE",
            help="Share of /api calls (not sign-in) answering 500.",
        ),
    ] = None,
    fault_seed: Annotated[
        int | None, typer.Option(metavar="N", help="Seed of the fault draws.")
    ] = None,
    spinner_ms: Annotated[
        int | None, typer.Option(min=0, metavar="MS", help="Extra delay on mutating calls.")
    ] = None,
    session_ttl: Annotated[
        int | None, typer.Option(min=1, metavar="SECONDS", help="How long a sign-in lasts.")
    ] = None,
    boot_ms: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="MS",
            help="Wait before the app shows on every full page load "
            "(an Experience Cloud site boots its app on each).",
        ),
    ] = None,
    label: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=TEXT", help="Override one UI label (repeatable)."),
    ] = None,
    profile: Annotated[
        ProfileName | None,
        typer.Option(
            metavar=choices(ProfileName),
            help="Imitate another portal (seed: the seed's screens).",
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
    toast: Annotated[
        ToastStyle | None, typer.Option(metavar=choices(ToastStyle), help="Toast markup.")
    ] = None,
    toast_ms: Annotated[
        int | None,
        typer.Option(min=1, metavar="MS", help="Lifetime of toasts that leave by themselves."),
    ] = None,
    header_case: Annotated[
        HeaderCase | None,
        typer.Option(
            metavar=choices(HeaderCase),
            help="Table headers in capitals in the markup, or by CSS.",
        ),
    ] = None,
    site_prefix: Annotated[
        str | None,
        typer.Option(metavar="PATH", help="Serve the site under PATH/s/ (e.g. /partenaires)."),
    ] = None,
    search: Annotated[
        SearchStyle | None,
        typer.Option(metavar=choices(SearchStyle), help="Global search markup."),
    ] = None,
    sign_in_case: Annotated[
        SignInCase | None,
        typer.Option(metavar=choices(SignInCase), help="English sign-in « Log In » or « Log in »."),
    ] = None,
    sign_in_form: Annotated[
        SignInForm | None,
        typer.Option(
            metavar=choices(SignInForm),
            help="Sign-in inputs with visible labels, or placeholders.",
        ),
    ] = None,
    login_url: Annotated[
        LoginUrl | None, typer.Option(metavar=choices(LoginUrl), help="Sign-in page URL form.")
    ] = None,
    session_notice: Annotated[
        bool | None,
        typer.Option(
            "--session-notice/--no-session-notice",
            metavar="",
            help="An expired session shows a notice before the sign-in page.",
        ),
    ] = None,
    path_labels: Annotated[
        PathLabels | None,
        typer.Option(
            metavar=choices(PathLabels),
            help="The Path as lightning-progress-indicator, or the standard Path.",
        ),
    ] = None,
    narrow: Annotated[
        bool | None,
        typer.Option(
            "--narrow/--no-narrow",
            metavar="",
            help="Record-header actions in the « Show more actions » menu.",
        ),
    ] = None,
    action_labels: Annotated[
        ActionLabels | None,
        typer.Option(
            metavar=choices(ActionLabels),
            help="Record-header actions in the site's language, or English.",
        ),
    ] = None,
) -> None:
    """Serve the simulator until Ctrl-C; prints its URL and the demo sign-in."""
    try:
        base = SimOptions.from_env()
        labels = {**base.label_overrides, **parse_label_assignments(label or [])}
        switches = given_switches(
            date_style or [],
            toast=toast,
            toast_ms=toast_ms,
            header_case=header_case,
            site_prefix=site_prefix,
            search=search,
            sign_in_case=sign_in_case,
            sign_in_form=sign_in_form,
            login_url=login_url,
            session_notice=session_notice,
            path_labels=path_labels,
            narrow=narrow,
            action_labels=action_labels,
        )
        options = options_with(
            base,
            locale=locale,
            shadow=shadow,
            db=db,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            fault_seed=fault_seed,
            spinner_ms=spinner_ms,
            session_ttl=session_ttl,
            boot_ms=boot_ms,
            label_overrides=labels,
            profile=profile,
            switches=switches,
        )
    except (OptionsError, VariantError) as exc:
        typer.echo(say(fr=f"erreur : {exc}", en=f"error: {exc}"), err=True)
        raise typer.Exit(code=2) from None
    serve_simulator(options, host, port)
