"""``prolong portal``: run the bundled Espace partenaire simulator.

Options left out keep the value of their ``SIM_*`` environment variable, then the default.
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

__all__ = ["app"]

app = typer.Typer(help="Run the bundled Espace partenaire simulator (a local portal to test on).",
                  no_args_is_help=True)


class Locale(StrEnum):
    """Portal language."""

    fr = "fr"
    en = "en"


class Shadow(StrEnum):
    """Which UI build: synthetic shadow (Aura sites) or native shadow (LWR sites)."""

    synthetic = "synthetic"
    native = "native"


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
    latency_ms: Annotated[int | None, typer.Option(
        min=0, help="Delay added to every /api call, in ms.")] = None,
    fault_rate: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="Share of /api calls (not sign-in) answering 500.")] = None,
    fault_seed: Annotated[int | None, typer.Option(help="Seed of the fault draws.")] = None,
    spinner_ms: Annotated[int | None, typer.Option(
        min=0, help="Extra delay on mutating calls, in ms.")] = None,
    session_ttl: Annotated[int | None, typer.Option(
        min=1, help="Seconds a sign-in lasts.")] = None,
    boot_ms: Annotated[int | None, typer.Option(
        min=0, help="Wait before the app shows on every full page load, in ms "
                    "(an Experience Cloud site boots its app on each).")] = None,
    label: Annotated[list[str] | None, typer.Option(
        metavar="KEY=TEXT", help="Override one UI label (repeatable).")] = None,
) -> None:
    """Serve the simulator until Ctrl-C; prints its URL and the demo sign-in."""
    try:
        base = SimOptions.from_env()
        labels = {**base.label_overrides, **parse_label_assignments(label or [])}
        options = options_with(
            base, locale=locale.value if locale else None,
            shadow=shadow.value if shadow else None, db=db, latency_ms=latency_ms,
            fault_rate=fault_rate, fault_seed=fault_seed, spinner_ms=spinner_ms,
            session_ttl=session_ttl, boot_ms=boot_ms, label_overrides=labels)
    except OptionsError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    serve_simulator(options, host, port)
