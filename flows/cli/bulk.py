"""``prolong bulk plan|run|report``: bulk assisted entry of a file of extension requests.

Register it in the main app with ``app.add_typer(bulk.app, name="bulk")``. It also runs on its
own: ``python -m flows.cli.bulk run FILE`` (the kill-and-resume tests start it that way).

Exit codes: 0 every row final; 1 some rows to run again (failed, skipped, pending); 2 bad usage,
unreadable file (a missing required column included), a --journal that is not a prolong
journal, or a journal in use; 3 the run stopped early (circuit breaker, operator, Ctrl-C);
5 rows to fix in the file (invalid or conflicting), the others done (``bulk plan`` too).
The first that applies, in the order 2, 3, 1, 5, 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from automation.evidence.artifacts import private_umask
from automation.runtime.settings import Settings, load_settings
from automation.safety import SalesNotAllowed, ensure_sales_allowed
from flows.attempts import RetryPolicy
from flows.bulk.batch import BatchOutcome, run_file
from flows.bulk.journal import (
    Journal,
    JournalBusy,
    JournalUnavailable,
    LoadSummary,
    NotAJournal,
    Standing,
    State,
    is_database_url,
)
from flows.bulk.plan import Plan, make_plan, write_plan
from flows.bulk.reader import InputFileError, read_requests
from flows.bulk.report import (
    REPORT_FILES,
    report_plan,
    result_lines,
    workbook_path,
    write_reports,
)
from flows.bulk.runner import Asking, Confirm, FlowFactory, RunOptions
from flows.bulk.tables import plan_tables, status_table
from flows.bulk.target import extension_flow_factory, portal_target
from flows.bulk.timings import step_stats, timings_lines
from flows.bulk.writing import refuse_input_overwrite
from flows.cli.help_style import PlainHelpCommand, PlainHelpGroup, flag
from flows.language import Locale, current, say
from flows.outcome import Outcome

__all__ = [
    "EXIT_LEFT",
    "EXIT_STOPPED",
    "EXIT_TO_FIX",
    "EXIT_USAGE",
    "JOURNAL_HELP",
    "app",
    "cli_settings",
    "journal_option",
    "print_open_next",
    "print_outcome",
    "run_command",
    "run_journal",
    "sales_guard",
    "usage_error",
]

EXIT_LEFT = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_TO_FIX = 5

#: How many rows to fix are listed on the console; the rest are in the reports.
SHOWN_ROWS = 10

app = typer.Typer(
    name="bulk",
    help="Bulk assisted entry: plan, run and report a CSV/XLSX file of extension requests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals hold clients' data
    cls=PlainHelpGroup,
)

# Said in each command's docstring (``FILE: …``) rather than in an Arguments panel: typer's
# panel names an argument's type as well (``<file>``), and only an option's metavar replaces it.
_FileArg = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", hidden=True)
]

_OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        metavar="FOLDER",
        help="Folder for the reports (owner-only). Default: <artifacts>/bulk-<file name>.",
    ),
]


def _console() -> Console:
    return Console()


#: The help of ``--journal`` where a run writes one (``bulk run``, ``prolong demo``).
JOURNAL_HELP = (
    "SQLite journal (resume: run again with the same one), or postgresql://… for one "
    "journal that several machines work together. Default: <out>/journal.sqlite."
)


def journal_option(help_text: str = JOURNAL_HELP) -> Any:
    """``--journal``: a file, or a PostgreSQL URL; ``PROLONG_JOURNAL_URL`` when not given."""
    return typer.Option(
        "--journal", envvar="PROLONG_JOURNAL_URL", metavar="JOURNAL", help=help_text
    )


def _journal_at(journal: str) -> Path | str:
    """A ``--journal`` value: a PostgreSQL URL as it is, else an existing file's path."""
    if is_database_url(journal):
        return journal
    path = Path(journal)
    if not path.is_file():
        raise usage_error(
            say(
                fr=f"aucun journal en {path} : donnez le journal.sqlite d’une exécution ou "
                "l’URL postgresql:// d’un journal partagé",
                en=f"no journal at {path}: give a run's journal.sqlite or the postgresql:// "
                "URL of a shared journal",
            )
        )
    return path


def run_journal(journal: str | None) -> Path | str | None:
    """Where ``bulk run`` keeps its journal: a URL as it is, a path, or None (the default)."""
    if journal is None or is_database_url(journal):
        return journal
    return Path(journal)


def usage_error(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``message`` on standard error; the ``typer.Exit`` to raise with its code."""
    # One line whatever the terminal's width, and a path's brackets are not markup.
    label = say(fr="erreur :", en="error:")
    Console(stderr=True).print(
        f"[red]{label}[/] {escape(message)}", highlight=False, soft_wrap=True
    )
    return typer.Exit(code=code)


def cli_settings(**overrides: object) -> Settings:
    """The settings, with command-line values over the environment; bad values exit 2."""
    try:
        return load_settings(**overrides)
    except ValidationError as error:
        raise usage_error(f"settings: {error}") from None


def sales_guard(settings: Settings, base_url: str | None) -> None:
    """Exit 2, before any browser work, when the target may not receive sales (production)."""
    try:
        ensure_sales_allowed(base_url or settings.base_url, settings)
    except SalesNotAllowed as refused:
        raise usage_error(str(refused)) from None


def _default_out(settings: Settings, file: Path) -> Path:
    # Deterministic, not timestamped: running the same command again finds the same journal.
    return settings.artifacts_dir / f"bulk-{file.stem}"


def _print_notes(console: Console, notes: Iterable[str]) -> None:
    label = say(fr="note :", en="note:")
    for note in notes:
        console.print(f"[yellow]{label}[/] {escape(note)}", highlight=False)


def _print_to_fix(console: Console, rows: list[tuple[int, str, str]], where: str) -> None:
    """The rows to fix (row, contract, why): the first ``SHOWN_ROWS``, then where the rest are."""
    if not rows:
        return
    console.print(
        say(
            fr=f"[bold yellow]{len(rows)} ligne(s) à corriger dans le fichier :[/]",
            en=f"[bold yellow]{len(rows)} row(s) to fix in the file:[/]",
        )
    )
    label = say(fr="ligne", en="row")
    for row, contract, why in rows[:SHOWN_ROWS]:
        console.print(
            f"  {label} {row} ({escape(contract or '—')}): {escape(why)}", highlight=False
        )
    if len(rows) > SHOWN_ROWS:
        more = len(rows) - SHOWN_ROWS
        console.print(
            say(
                fr=f"  … et {more} autre(s) : voir {where}", en=f"  … and {more} more: see {where}"
            ),
            highlight=False,
        )


_TO_FIX = (Outcome.INVALID, Outcome.CONFLICT)


@app.command("plan", cls=PlainHelpCommand)
def plan_command(file: _FileArg, out: _OutOpt = None) -> None:
    """Validate and route every row without a browser; print a summary, write plan.csv/json.

    FILE: CSV (UTF-8, , or ;) or XLSX, one request per row, header in row 1.

    Exits 5 when rows are invalid or conflicting (they are listed), 2 for an unreadable file.
    """
    try:
        plan = make_plan(read_requests(file))
    except InputFileError as error:
        raise usage_error(str(error)) from None
    console = _console()
    _print_notes(console, plan.notes)
    for table in plan_tables(plan):
        console.print(table)
    folder = out or _default_out(cli_settings(), file)
    paths = write_plan(plan, folder)
    _print_to_fix(
        console,
        [
            (item.row, item.contract_number, item.message)
            for item in plan.items
            if item.planned in _TO_FIX
        ],
        str(folder / "plan.csv"),
    )
    # Paths are never folded: one per line, whatever the width, so none is cut mid-name.
    console.print("Plan :" if current() is Locale.FR else "Plan:", highlight=False)
    for path in paths:
        console.print(f"  {path}", highlight=False, soft_wrap=True)
    if any(item.planned in _TO_FIX for item in plan.items):
        raise typer.Exit(code=EXIT_TO_FIX)


@contextmanager
def _target(settings: Settings, base_url: str | None, console: Console) -> Iterator[FlowFactory]:
    with portal_target(
        settings,
        base_url,
        lambda text: console.print(f"[bold reverse] {text} [/]", highlight=False),
    ) as url:
        yield extension_flow_factory(settings, url)


def print_outcome(outcome: BatchOutcome, console: Console, *, open_next: bool = True) -> None:
    """The result table, why the run stopped, the rows to fix, and where the reports are
    (``open_next``: ending with the files to open next)."""
    console.print(status_table(outcome.statuses))
    to_fix = outcome.statuses[Outcome.INVALID] + outcome.statuses[Outcome.CONFLICT]
    if outcome.report is None:
        if to_fix:
            console.print(
                say(
                    fr="Rien à saisir : les autres lignes sont à corriger.",
                    en="Nothing to enter: the other rows need fixing.",
                )
            )
        else:
            console.print(
                say(
                    fr="Rien à saisir : toutes les demandes ont déjà leur issue.",
                    en="Nothing to enter: every request is already final.",
                )
            )
    elif outcome.report.stopped:
        label = say(fr="Arrêt :", en="Stopped:")
        console.print(f"[bold red]{label}[/] {escape(outcome.report.stopped)}", highlight=False)
    if outcome.left:
        console.print(
            say(
                fr=f"[yellow]{outcome.left} demande(s) à reprendre :[/] relancer la même commande.",
                en=f"[yellow]{outcome.left} request(s) to run again:[/] run the same command "
                f"again.",
            )
        )
    if outcome.reports:
        folder = outcome.reports[0].parent
    else:
        folder = outcome.journal.parent if isinstance(outcome.journal, Path) else Path.cwd()
    _print_to_fix(
        console,
        [
            (line.row, line.contract_number, line.message)
            for line in outcome.lines
            if line.status in _TO_FIX
        ],
        str(folder / "results.csv"),
    )
    console.print(
        f"Journal : {outcome.journal}" if current() is Locale.FR else f"Journal: {outcome.journal}",
        highlight=False,
        soft_wrap=True,
    )
    _print_reports(console, outcome.reports, open_next=open_next)


def print_open_next(console: Console, paths: list[Path]) -> None:
    """The files an operator opens next, last on the screen: the hand-off page with every value
    to enter, their own rows back with the outcome beside each, the summary."""
    labels = {
        "handoffs.html": say(
            fr="à traiter ailleurs, valeurs à saisir", en="hand-offs, with the values to enter"
        ),
        ".xlsx": say(
            fr="vos lignes avec leur résultat (Excel)", en="your rows with their outcome (Excel)"
        ),
        "summary.html": say(fr="bilan de l'exécution", en="summary of the run"),
    }
    shown = [(labels.get(path.name) or labels.get(path.suffix), path) for path in paths]
    if not any(label for label, _ in shown):
        return
    console.print(say(fr="[bold]À ouvrir maintenant :[/]", en="[bold]Open next:[/]"))
    colon = " :" if current() is Locale.FR else ":"
    for label, path in shown:
        if label:
            console.print(f"  {label}{colon} {path}", highlight=False, soft_wrap=True)


def _print_reports(console: Console, paths: list[Path], *, open_next: bool = True) -> None:
    console.print(say(fr="Rapports :", en="Reports:"), highlight=False)
    for path in paths:
        console.print(f"  {path}", highlight=False, soft_wrap=True)
    if open_next:
        print_open_next(console, paths)


def _loaded(console: Console) -> Callable[[Plan, LoadSummary, Counter[Standing]], None]:
    def told(plan: Plan, load: LoadSummary, counts: Counter[Standing]) -> None:
        _print_notes(console, plan.notes)  # about the file: first, once
        planned = plan.counts()
        name, rows = plan.source.path.name, len(plan.items)
        console.print(
            say(
                fr=f"{name} : {rows} lignes — {counts[State.PENDING]} à saisir, "
                f"{counts[Outcome.ISSUED]} déjà émises, {counts[Outcome.HANDED_OFF]} ailleurs, "
                f"{counts[Outcome.INVALID]} invalides, {planned[Outcome.CONFLICT]} en conflit, "
                f"{planned[Outcome.DUPLICATE]} doublons",
                en=f"{name}: {rows} rows — {counts[State.PENDING]} to enter, "
                f"{counts[Outcome.ISSUED]} already issued, {counts[Outcome.HANDED_OFF]} handed "
                f"off, {counts[Outcome.INVALID]} invalid, {planned[Outcome.CONFLICT]} "
                f"conflicting, {planned[Outcome.DUPLICATE]} duplicates",
            ),
            highlight=False,
        )
        if load.recovered:
            console.print(
                say(
                    fr=f"[yellow]{load.recovered} demande(s) interrompue(s) : vérifiée(s) dans le "
                    "portail avant toute nouvelle saisie[/]",
                    en=f"[yellow]{load.recovered} interrupted request(s): checked in the portal "
                    "before anything is entered again[/]",
                )
            )

    return told


def run_command(
    file: Path,
    *,
    workers: int,
    journal: Path | str | None,
    out: Path | None,
    base_url: str | None,
    assist: bool,
    limit: int | None,
    max_attempts: int,
    breaker: int,
    settings: Settings,
    back_off_s: float = 2.0,
    reports: list[Path] | None = None,
    confirm: Confirm | Asking | None = None,
    rows: list[int] | None = None,
) -> int:
    """``bulk run`` as a function (``prolong demo`` calls it): returns the exit code.

    With ``reports`` (a list), the report paths are added to it and the caller says which to
    open next (the demo does, after its banner); without it the run's output ends with them.
    ``confirm`` asks before each sale is finalised instead of the terminal (``prolong desk``).
    ``rows``: only these rows of the file are entered (``--row``).
    """
    sales_guard(settings, base_url)
    console = _console()
    folder = out or _default_out(settings, file)
    retry = RetryPolicy(
        max_attempts=max_attempts, base_delay_s=back_off_s, max_delay_s=max(back_off_s, 30.0)
    )
    options = RunOptions(workers=workers, retry=retry, breaker_threshold=breaker, limit=limit)
    try:
        outcome = run_file(
            file,
            out=folder,
            journal_path=journal or folder / "journal.sqlite",
            open_target=lambda: _target(settings, base_url, console),
            options=options,
            assist=assist,
            confirm=confirm,
            console=Console(stderr=True),
            show_personal_data=settings.show_personal_data,
            on_loaded=_loaded(console),
            rows=rows or None,
        )
    except (InputFileError, JournalBusy, NotAJournal) as error:
        raise usage_error(str(error)) from None
    except JournalUnavailable as error:  # like the breaker: stopped, run again later
        raise usage_error(str(error), code=EXIT_STOPPED) from None
    print_outcome(outcome, console, open_next=reports is None)
    if reports is not None:
        reports.extend(outcome.reports)
    if outcome.report is not None and outcome.report.stopped:
        return EXIT_STOPPED
    if outcome.left:
        return EXIT_LEFT
    return EXIT_TO_FIX if outcome.to_fix else 0


@app.command("run", cls=PlainHelpCommand)
def run(
    file: _FileArg,
    workers: Annotated[
        int,
        typer.Option(min=1, max=16, metavar="N", help="Browser sessions working in parallel."),
    ] = 1,
    journal: Annotated[str | None, journal_option(JOURNAL_HELP)] = None,
    out: _OutOpt = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Portal root URL (default PORTAL_BASE_URL; none: the bundled simulator).",
        ),
    ] = None,
    assist: Annotated[
        bool,
        typer.Option(
            metavar="",
            help="Show the browser and ask before each sale is finalised (you may skip it).",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(min=0, metavar="N", help="Enter at most this many requests in this run."),
    ] = None,
    max_attempts: Annotated[
        int,
        typer.Option(
            min=1,
            max=10,
            metavar="N",
            help="Tries of a step the portal keeps failing, in all, per request.",
        ),
    ] = 3,
    breaker: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Stop after this many portal faults in a row."),
    ] = 5,
    back_off: Annotated[
        float,
        typer.Option(
            min=0.0,
            metavar="SECONDS",
            help="Seconds before the first retry; each retry waits twice as long.",
        ),
    ] = 2.0,
    row: Annotated[
        list[int] | None,
        typer.Option(
            min=2,
            metavar="N",
            help="Enter only this row of the file (repeatable): its failed or skipped request "
            "is tried again, the other rows are left as they stand.",
        ),
    ] = None,
) -> None:
    """Enter every automatable request through the portal, hand off the others, resume safely.

    FILE: CSV (UTF-8, , or ;) or XLSX, one request per row, header in row 1.

    Running the same command again resumes: issued rows are skipped and a row caught while
    being finalised is looked up in the portal before anything is entered again.
    """
    settings = cli_settings(headless=False) if assist else cli_settings()
    code = run_command(
        file,
        workers=workers,
        journal=run_journal(journal),
        out=out,
        base_url=base_url,
        assist=assist,
        limit=limit,
        max_attempts=max_attempts,
        breaker=breaker,
        settings=settings,
        back_off_s=back_off,
        rows=row,
    )
    raise typer.Exit(code=code)


@app.command("report", cls=PlainHelpCommand)
def report(
    journal: Annotated[
        str,
        journal_option(
            "The journal of a run: its journal.sqlite, or the postgresql:// URL of a shared one."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER", help="Folder for the reports (default: the journal's folder)."
        ),
    ] = None,
    timings: Annotated[
        bool,
        flag("--timings", help="Print, per step of the walk, the median and the slowest duration."),
    ] = False,
) -> None:
    """Rebuild results.csv, the hand-offs, the results workbook and summary.html from a journal.

    The hand-offs' values and the workbook come from the request file the journal was loaded
    from, read again (only read); without it they are written from the journal alone.
    """
    where = _journal_at(journal)
    folder = out or (Path.cwd() if isinstance(where, str) else where.parent)
    try:
        opened = Journal(where)  # refuses anything but a journal
    except NotAJournal as error:
        raise usage_error(str(error)) from None
    except JournalUnavailable as error:
        raise usage_error(str(error), code=EXIT_STOPPED) from None
    with opened:
        plan = report_plan(opened)
        source = opened.meta().get("source_path")
        if plan is not None:
            try:
                refuse_input_overwrite(
                    plan.source.path,
                    [*(folder / name for name in REPORT_FILES), workbook_path(opened, folder)],
                )
            except InputFileError as error:
                raise usage_error(str(error)) from None
        paths = write_reports(opened, folder, plan)
        statuses = Counter(line.status for line in result_lines(opened))
        stats = step_stats(opened.step_times()) if timings else []
    console = _console()
    if plan is None:
        _print_notes(
            console,
            [
                say(
                    fr=f"fichier de demandes introuvable ({source or '?'}) : hand-offs sans les "
                    "valeurs, pas de classeur de résultats",
                    en=f"request file not found ({source or '?'}): hand-offs without their values, "
                    "no results workbook",
                )
            ],
        )
    console.print(status_table(statuses))
    if timings:
        for line in timings_lines(stats):
            console.print(line, highlight=False, markup=False)
    _print_reports(console, paths)


if __name__ == "__main__":
    with private_umask():  # as under ``prolong``: every file it writes owner-only
        app()
