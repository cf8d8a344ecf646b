"""One bulk run from a file to its reports: read, plan, journal, enter, report.

``run_file`` is what ``prolong bulk run`` and ``prolong demo`` call. The portal is reached only
when the journal has something to enter: ``open_target`` is entered then, and yields the flow
factory (it may start the bundled simulator first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from flows.bulk.journal import (
    Journal,
    JournalLock,
    LoadSummary,
    Standing,
    State,
    check_journal,
    is_database_url,
)
from flows.bulk.plan import Plan, make_plan
from flows.bulk.progress import RunProgress, terminal_confirm
from flows.bulk.reader import read_requests
from flows.bulk.report import (
    REPORT_FILES,
    ResultLine,
    ResultStatus,
    result_lines,
    write_reports,
)
from flows.bulk.runner import Asking, BulkRunner, Confirm, FlowFactory, RunOptions, RunReport
from flows.bulk.workbook import results_workbook_name
from flows.bulk.writing import refuse_input_overwrite
from flows.outcome import Outcome

__all__ = ["BatchOutcome", "run_file"]


@dataclass(frozen=True)
class BatchOutcome:
    """What a run did and where its files are."""

    plan: Plan
    load: LoadSummary
    report: RunReport | None  # None: nothing was pending, the portal was not reached
    counts: Counter[Standing]
    statuses: Counter[ResultStatus]  # result lines by status, as results.csv has them
    reports: list[Path]
    journal: Path | str  # a file, or the URL of a PostgreSQL journal (password masked)
    results: tuple[ResultLine, ...] = ()

    @property
    def lines(self) -> list[ResultLine]:
        """The result lines, as ``results.csv`` has them."""
        return list(self.results)

    @property
    def to_fix(self) -> int:
        """Rows to fix in the file before they can be entered (invalid or conflicting)."""
        return self.statuses[Outcome.INVALID] + self.statuses[Outcome.CONFLICT]

    @property
    def left(self) -> int:
        """Requests not final or worth running again (pending, failed, skipped, interrupted)."""
        again: tuple[Standing, ...] = (*State, Outcome.FAILED, Outcome.SKIPPED)
        return sum(self.counts[standing] for standing in again)


def run_file(
    file: Path,
    *,
    out: Path,
    journal_path: Path | str,
    open_target: Callable[[], AbstractContextManager[FlowFactory]],
    options: RunOptions | None = None,
    assist: bool = False,
    confirm: Confirm | Asking | None = None,
    console: Console | None = None,
    progress: bool = True,
    show_personal_data: bool = False,
    on_loaded: Callable[[Plan, LoadSummary, Counter[Standing]], None] | None = None,
    rows: Collection[int] | None = None,
) -> BatchOutcome:
    """Run ``file`` to its end (or until the run stops) and write the reports in ``out``.

    ``confirm`` asks before each sale is finalised (``prolong desk`` asks its operators);
    ``assist`` without it asks on the terminal. ``on_loaded`` is told what the journal holds
    once the file is loaded, before the portal is reached. ``rows`` (row numbers of the file):
    only their requests are entered, their failed or skipped ones tried again; the other rows
    are left as they stand (``bulk run --row``: a person retries one row). Raises
    ``InputFileError`` for a file that cannot be read or that an output would overwrite,
    ``NotAJournal`` when ``journal_path`` holds something else than a journal, ``JournalBusy``
    when another run holds an SQLite journal, and ``JournalUnavailable`` when a PostgreSQL
    journal stays out of reach. A PostgreSQL journal (``postgresql://…``) is worked by the runs
    of many machines at once: no lock, claims with leases.
    """
    shared = isinstance(journal_path, str) and is_database_url(journal_path)
    journal_file = None if shared else Path(journal_path)
    journal_files = (
        []
        if journal_file is None
        else [
            journal_file.with_name(journal_file.name + suffix)
            for suffix in ("", ".lock", "-wal", "-shm", "-journal")
        ]
    )
    refuse_input_overwrite(
        file,
        [
            *journal_files,
            *(out / name for name in REPORT_FILES),
            out / results_workbook_name(file.name),
        ],
    )
    if journal_file is not None:
        check_journal(journal_file)  # before the lock: not even a .lock beside someone's file
    console = console or Console(stderr=True)
    plan = make_plan(read_requests(file))
    requests = plan.requests()
    chosen = None
    if rows is not None:
        wanted = set(rows)
        chosen = {item.key for item in plan.items if item.row in wanted}
        requests = {key: request for key, request in requests.items() if key in chosen}
    run_lock = nullcontext() if journal_file is None else JournalLock(journal_file)
    with run_lock, Journal(journal_file or journal_path) as journal:
        load = journal.load(plan, again=chosen)
        if on_loaded is not None:
            on_loaded(plan, load, journal.state_counts())
        report: RunReport | None = None
        if _to_enter(journal, chosen) or (shared and journal.unsettled(requests)):
            journal.set_meta(stopped="")
            with open_target() as factory, RunProgress(console, enabled=progress) as display:
                runner = BulkRunner(
                    journal,
                    requests,
                    factory,
                    options,
                    confirm=confirm or (terminal_confirm(console, display) if assist else None),
                    on_change=display.update,
                    show_personal_data=show_personal_data,
                )
                try:
                    report = runner.run()
                finally:
                    journal.set_meta(stopped=runner.stopped_reason or "")
        reports = write_reports(journal, out, plan)
        lines = result_lines(journal)
        statuses = Counter(line.status for line in lines)
        return BatchOutcome(
            plan,
            load,
            report,
            journal.state_counts(),
            statuses,
            reports,
            journal.where if shared else journal_path,
            tuple(lines),
        )


def _to_enter(journal: Journal, chosen: Collection[str] | None) -> bool:
    """Whether a request (of ``chosen``, when given) waits to be entered."""
    if chosen is None:
        return journal.state_counts()[State.PENDING] > 0
    return any(
        entry.state is State.PENDING and entry.key in chosen
        for entry in journal.entries(listed_only=True)
    )
