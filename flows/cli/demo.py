"""``prolong demo``: the sample requests through ``bulk run`` on the bundled portal simulator.

Register it with ``app.command("demo")(demo)``. Each demo run gets a fresh journal and report
folder (``<artifacts>/demo-<time>/``), so it always shows the whole job from the start.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from automation.evidence.artifacts import private_dir
from automation.runtime.settings import Settings
from flows.bulk.target import simulator_banner
from flows.cli.bulk import (
    EXIT_TO_FIX,
    cli_settings,
    journal_option,
    print_open_next,
    run_command,
    run_journal,
    sales_guard,
)
from flows.language import say

__all__ = ["SAMPLE_FILE", "demo"]

#: The bundled sample: automatable rows, every kind of hand-off, invalid rows.
SAMPLE_FILE = Path(str(resources.files("fixtures") / "data" / "sample_requests.csv"))


def _demo_folder(settings: Settings) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return private_dir(settings.artifacts_dir / f"demo-{stamp}")


def demo(
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Portal root URL (default PORTAL_BASE_URL; none: start the bundled simulator).",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=8, metavar="N", help="Browser sessions in parallel.")
    ] = 2,
    file: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="Request file to run (default: the bundled sample).",
        ),
    ] = SAMPLE_FILE,
    journal: Annotated[
        str | None,
        journal_option(
            "postgresql://… to keep the demo's requests in a shared journal. "
            "Default: a fresh journal.sqlite in the demo's folder."
        ),
    ] = None,
) -> None:
    """Run the sample requests through bulk entry on the bundled simulator and show the results.

    Nothing goes to a real portal: the simulator runs inside this command unless --base-url or
    PORTAL_BASE_URL names another simulator or a sandbox host.
    """
    settings = cli_settings()
    # A demo sells contracts: only on a simulator or a host of PORTAL_SANDBOX_HOSTS.
    sales_guard(settings, base_url)
    console = Console()
    simulated = not (base_url or settings.base_url)
    console.print(
        Panel.fit(
            f"[bold]prolong demo[/] — {file.name}\n"
            + (
                f"[bold yellow]{simulator_banner()}[/]"
                if simulated
                else say(fr="Portail : ", en="Portal: ") + str(base_url or settings.base_url)
            ),
            border_style="yellow",
        )
    )
    folder = _demo_folder(settings)
    reports: list[Path] = []
    code = run_command(
        file,
        workers=workers,
        journal=run_journal(journal) or folder / "journal.sqlite",
        out=folder,
        base_url=base_url,
        assist=False,
        limit=None,
        max_attempts=3,
        breaker=5,
        settings=settings,
        reports=reports,
    )
    if simulated:
        console.print(f"[bold yellow]{simulator_banner()}[/]")
    # Last on the screen: the hand-off page with every value to enter, and the operator's own
    # rows back with the outcome beside each.
    print_open_next(console, reports)
    if code == EXIT_TO_FIX and file == SAMPLE_FILE:
        # The sample's bad rows are planted to show what an operator sees; ``bulk run`` on the
        # same file exits 5, the demo itself went as it should.
        console.print(
            say(
                fr="Les lignes à corriger de l’exemple y sont exprès : la démo a réussi.",
                en="The sample's rows to fix are there on purpose: the demo succeeded.",
            )
        )
        code = 0
    raise typer.Exit(code=code)
