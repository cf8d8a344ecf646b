"""The live display of a run, and the operator's prompt in ``--assist``.

The display shows counts only (done / issued / handed off / invalid / failed), the rate and the
time left: never a name, a contract number or anything else from a row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from flows.bulk.journal import Standing
from flows.bulk.runner import Answer, Confirm
from flows.language import current, say
from flows.outcome import Outcome
from flows.request.money import parse_money

__all__ = ["RunProgress", "done_count", "terminal_confirm"]


def done_count(counts: Counter[Standing]) -> int:
    """Requests this run has nothing more to do with: those that have an outcome."""
    return sum(count for standing, count in counts.items() if isinstance(standing, Outcome))


class _RateColumn(ProgressColumn):
    """Requests per minute, from rich's own moving estimate."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = "—/min" if speed is None else f"{speed * 60:.1f}/min"
        return Text(shown, style="progress.data.speed")


class RunProgress:
    """A rich progress bar over the requests of a file, updated from journal counts."""

    def __init__(self, console: Console | None = None, *, enabled: bool = True) -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                say(
                    fr="[green]émises {task.fields[issued]}[/] · "
                    "ailleurs {task.fields[handed_off]} · "
                    "[yellow]invalides {task.fields[invalid]}[/] · "
                    "[red]échecs {task.fields[failed]}[/]",
                    en="[green]issued {task.fields[issued]}[/] · "
                    "handed off {task.fields[handed_off]} · "
                    "[yellow]invalid {task.fields[invalid]}[/] · "
                    "[red]failed {task.fields[failed]}[/]",
                )
            ),
            _RateColumn(),
            TimeRemainingColumn(),
            console=self.console,
            disable=not enabled,
        )
        self._task: TaskID | None = None

    def update(self, counts: Counter[Standing]) -> None:
        """Show ``counts`` (thread-safe: rich locks its tasks)."""
        shown = (Outcome.ISSUED, Outcome.HANDED_OFF, Outcome.INVALID, Outcome.FAILED)
        fields: dict[str, Any] = {outcome.value: counts[outcome] for outcome in shown}
        if self._task is None:
            # Created with the requests already final as done, so they do not weigh on the rate
            # (an update that moves ``completed`` counts as progress made now).
            self._task = self._progress.add_task(
                say(fr="demandes", en="requests"),
                total=sum(counts.values()),
                completed=done_count(counts),
                **fields,
            )
            return
        self._progress.update(self._task, completed=done_count(counts))
        self._progress.update(self._task, **fields)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop redrawing while the operator answers a question."""
        self._progress.stop()
        try:
            yield
        finally:
            self._progress.start()

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()


_YES = frozenset({"o", "oui", "y", "yes", "f", "finaliser", "finalise"})
_STOP = frozenset({"a", "arreter", "arrêter", "q", "quit", "s", "stop"})


def terminal_confirm(console: Console, progress: RunProgress | None = None) -> Confirm:
    """Ask on the terminal before each sale is finalised; anything but yes skips it."""

    def confirm(row: int, contract_number: str, premium: str) -> Answer:
        # The portal shows the premium in its own language; the question is in the run's.
        with suppress(ValueError):
            premium = parse_money(premium).text(current())
        question = say(
            fr=f"\n[bold]Ligne {row} — {contract_number}[/] (prime {premium}) : finaliser la "
            "vente affichée dans le navigateur ?\n"
            "  \\[o]ui · \\[n]on = passer (par défaut) · \\[a]rrêter > ",
            en=f"\n[bold]Row {row} — {contract_number}[/] (premium {premium}): finalise the "
            "sale shown in the browser?\n"
            "  \\[y]es · \\[n]o = skip (default) · \\[s]top > ",
        )
        if progress is None:
            answer = console.input(question)
        else:
            with progress.paused():
                answer = console.input(question)
        text = answer.strip().casefold()
        if text in _YES:
            return Answer.FINALISE
        if text in _STOP:
            return Answer.STOP
        return Answer.SKIP

    return confirm
