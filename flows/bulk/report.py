"""Reports of a bulk run, built from the journal alone (``prolong bulk report`` rebuilds them).

- ``results.csv``: one line per row of the file: ``row, contract_number, route, status,
  new_contract_number, premium, currency, message`` (the premium a decimal number, ``607.20``).
  No client data: the row number and the contract numbers are what operations need to find
  the row again.
- ``handoffs.html`` and ``handoffs.csv`` (``flows.bulk.handoffs``): the requests a person must
  enter elsewhere, grouped by destination, with where, why and every value to enter.
- ``<input name>-results.xlsx`` (``flows.bulk.workbook``): the input's rows with the outcome
  beside each.
- ``summary.html``: one page with the counts, the failures (with links to their screenshots,
  relative to the report), the invalid and conflicting rows, the hand-offs and the time each
  step of the walk took (median and slowest, an inline SVG chart).

Hand-offs and the workbook need the request file's values, which the journal does not keep:
``write_reports`` is given the run's plan, or reads the file the journal was loaded from again
(``bulk report``); when it is gone they are written from the journal alone (no workbook).
Words for people are in the run's language (``flows.language``); statuses and routes stay
codes.

Statuses: the row's ``Outcome`` (``issued``, ``handed_off``, ``invalid``, ``failed``,
``duplicate``: same request as an earlier row, entered once there, ``conflict``: rows of one
request whose cells differ, none entered until the file is fixed, ``skipped``: the operator
declined in ``--assist``, run again to enter it), or, for a row not ended yet, ``Unfinished``:
``pending`` (not done yet: run again) or ``interrupted`` (a run stopped while entering it: the
next run checks the portal first).
"""

from __future__ import annotations

import csv
import html
import io
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, TypeAlias

from automation.evidence.artifacts import private_dir
from flows.bulk.handoffs import (
    DESTINATIONS,
    destination_title,
    handoff_items,
    handoffs_csv,
    handoffs_html,
)
from flows.bulk.journal import Entry, Journal, State
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import InputFileError, raw_records, read_requests
from flows.bulk.timings import step_stats, timings_svg
from flows.bulk.workbook import WorkbookLine, results_workbook_name, write_results_workbook
from flows.bulk.writing import write_private
from flows.language import Locale, current, say
from flows.outcome import Outcome
from flows.request.money import Money

__all__ = [
    "DESTINATIONS",
    "REPORT_FILES",
    "RESULT_COLUMNS",
    "STATUSES",
    "ResultLine",
    "ResultStatus",
    "Unfinished",
    "report_plan",
    "result_lines",
    "status_label",
    "workbook_path",
    "write_reports",
]


class Unfinished(StrEnum):
    """What results.csv says of a row that has no outcome yet (told apart for the operator)."""

    PENDING = "pending"  # not entered yet: run the same command again
    INTERRUPTED = "interrupted"  # a run stopped while entering it: the portal is checked first


#: The status of a line of results.csv.
ResultStatus: TypeAlias = Outcome | Unfinished

#: The files ``write_reports`` writes in its folder (and ``<input name>-results.xlsx``).
REPORT_FILES: Final = ("results.csv", "handoffs.html", "handoffs.csv", "summary.html")

RESULT_COLUMNS: Final = (
    "row",
    "contract_number",
    "route",
    "status",
    "new_contract_number",
    "premium",
    "currency",
    "message",
)
#: Every status a result line can have, in the order reports list them.
STATUSES: Final[tuple[ResultStatus, ...]] = (
    Outcome.ISSUED,
    Outcome.HANDED_OFF,
    Outcome.INVALID,
    Outcome.CONFLICT,
    Outcome.FAILED,
    Outcome.DUPLICATE,
    Outcome.SKIPPED,
    Unfinished.PENDING,
    Unfinished.INTERRUPTED,
)
#: The statuses of rows to run again (with ``failed``): listed under failures and reruns.
_TO_RERUN: Final[frozenset[ResultStatus]] = frozenset(
    {Outcome.FAILED, Outcome.SKIPPED, Unfinished.PENDING, Unfinished.INTERRUPTED}
)


def _pending_message() -> str:
    return say(
        fr="pas encore fait : relancer la même commande",
        en="not done yet: run the same command again",
    )


def _interrupted_message() -> str:
    return say(
        fr="une exécution s'est arrêtée pendant la saisie : la suivante cherche d'abord "
        "son contrat dans le portail",
        en="a run stopped while entering it: the next run checks the portal for its "
        "contract before entering it again",
    )


@dataclass(frozen=True)
class ResultLine:
    """One line of ``results.csv`` (and what the HTML page shows beside it)."""

    row: int
    contract_number: str
    route: str
    status: ResultStatus
    new_contract_number: str
    message: str
    entry: Entry | None = None

    @property
    def premium(self) -> Money | None:
        """The premium of an issued row, as an amount (None when unknown)."""
        return (
            self.entry.money if self.entry is not None and self.status is Outcome.ISSUED else None
        )

    def as_record(self) -> dict[str, object]:
        """The ``results.csv`` columns (the premium as a plain decimal, ``607.20``)."""
        money = self.premium
        return {
            "row": self.row,
            "contract_number": self.contract_number,
            "route": self.route,
            "status": self.status.value,
            "new_contract_number": self.new_contract_number,
            "premium": f"{money.amount:.2f}" if money else "",
            "currency": money.currency if money else "",
            "message": self.message,
        }


def _status(entry: Entry) -> tuple[ResultStatus, str]:
    if entry.state is State.PENDING:
        detail = (
            say(fr=f" (dernier : {entry.message})", en=f" (last: {entry.message})")
            if entry.message
            else ""
        )
        return Unfinished.PENDING, _pending_message() + detail
    if isinstance(entry.state, State):  # in progress or submitting: a run stopped meanwhile
        return Unfinished.INTERRUPTED, _interrupted_message()
    if entry.state is Outcome.INVALID and entry.problems:
        return Outcome.INVALID, "; ".join(entry.problems)
    return entry.state, entry.message


def result_lines(journal: Journal) -> list[ResultLine]:
    """One line per row of the latest file, then issued requests no longer in it."""
    entries = {entry.key: entry for entry in journal.entries()}
    lines: list[ResultLine] = []
    for link in journal.rows():
        entry = entries.get(link.key)
        if entry is None:
            continue
        if link.duplicate_of is not None:
            # A later row of a request: a duplicate, or one of rows that disagree.
            later = Outcome.CONFLICT if entry.state is Outcome.CONFLICT else Outcome.DUPLICATE
            lines.append(
                ResultLine(link.row, entry.contract_number, entry.route, later, "", link.message)
            )
            continue
        status, message = _status(entry)
        lines.append(
            ResultLine(
                link.row,
                entry.contract_number,
                entry.route,
                status,
                entry.new_contract_number or "",
                message,
                entry,
            )
        )
    for entry in entries.values():
        if not entry.listed and entry.state is Outcome.ISSUED:
            lines.append(
                ResultLine(
                    entry.row,
                    entry.contract_number,
                    entry.route,
                    Outcome.ISSUED,
                    entry.new_contract_number or "",
                    say(
                        fr="émis par une exécution précédente ; la ligne "
                        "n'est plus dans le dernier fichier",
                        en="issued by an earlier run; the row is not in the latest file",
                    ),
                    entry,
                )
            )
    return lines


def _csv(columns: Iterable[str], records: Iterable[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def report_plan(journal: Journal) -> Plan | None:
    """The plan of the file the journal was last loaded from, read again; None when that
    file is gone or no longer readable (the reports then come from the journal alone)."""
    path = journal.meta().get("source_path")
    if not path or not Path(path).is_file():
        return None
    try:
        return make_plan(read_requests(Path(path)))
    except (InputFileError, OSError):
        return None


def _handed_off(lines: list[ResultLine]) -> list[tuple[int, Entry]]:
    return [
        (line.row, line.entry)
        for line in lines
        if line.status is Outcome.HANDED_OFF and line.entry is not None
    ]


def workbook_path(journal: Journal, out: Path) -> Path:
    """Where ``write_reports`` puts the results workbook of ``journal``'s file."""
    return out / results_workbook_name(journal.meta().get("file", journal.path.stem))


def write_reports(journal: Journal, out: Path, plan: Plan | None = None) -> list[Path]:
    """Write ``results.csv``, ``handoffs.html``, ``handoffs.csv``, ``summary.html`` and the
    results workbook in ``out``; ``plan`` is the run's (default: the file read again).

    Everything else comes from the journal, including why the last run stopped early.
    """
    private_dir(out)
    lines = result_lines(journal)
    meta = journal.meta()
    source = meta.get("file", journal.path.name)
    stopped = meta.get("stopped") or None
    plan = plan if plan is not None else report_plan(journal)
    handoffs = handoff_items(_handed_off(lines), plan)
    paths = [
        write_private(
            out / "results.csv", _csv(RESULT_COLUMNS, (line.as_record() for line in lines))
        ),
        write_private(
            out / "handoffs.html", handoffs_html(source, handoffs, values_known=plan is not None)
        ),
        write_private(out / "handoffs.csv", handoffs_csv(handoffs)),
    ]
    workbook = workbook_path(journal, out)
    if plan is not None:
        by_row = {
            line.row: WorkbookLine(
                line.status.value, line.new_contract_number, line.premium, line.message
            )
            for line in lines
            if line.entry is None or line.entry.listed
        }
        paths.append(write_results_workbook(raw_records(plan.source.path), by_row, workbook))
    summary = _summary_html(
        source, lines, out, stopped, journal, workbook.name if plan is not None else None
    )
    paths.append(write_private(out / "summary.html", summary))
    return paths


# --- the HTML page -------------------------------------------------------------------------

_STATUS_LABELS: Final[dict[ResultStatus, tuple[str, str]]] = {
    Outcome.ISSUED: ("Émis", "Issued"),
    Outcome.HANDED_OFF: ("À traiter ailleurs", "Handed off"),
    Outcome.INVALID: ("À corriger", "Invalid"),
    Outcome.CONFLICT: ("En conflit", "Conflict"),
    Outcome.FAILED: ("Échec", "Failed"),
    Outcome.DUPLICATE: ("Doublon", "Duplicate"),
    Outcome.SKIPPED: ("Passé", "Skipped"),
    Unfinished.PENDING: ("À faire", "Pending"),
    Unfinished.INTERRUPTED: ("Interrompu", "Interrupted"),
}


def status_label(status: ResultStatus) -> str:
    """A status in words, in the run's language (the code stays in CSV and JSON)."""
    french, english = _STATUS_LABELS[status]
    return say(fr=french, en=english)


_CSS: Final = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.n{text-align:right}
.warn{background:#fff4e5;padding:.6rem;border:1px solid #f0b35b}
.failed{color:#b00020}.issued{color:#2e7d32}svg{max-width:100%;height:auto}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(target: str, out: Path) -> str:
    path = Path(target)
    absolute = path if path.is_absolute() else Path.cwd() / path
    relative = Path(os.path.relpath(absolute, out.resolve())).as_posix()
    return f'<a href="{_e(relative)}">{_e(path.name)}</a>'


def _table(headings: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary_html(
    source: str,
    lines: list[ResultLine],
    out: Path,
    stopped: str | None,
    journal: Journal,
    workbook: str | None,
) -> str:
    counts = Counter(line.status for line in lines)
    files = ["results.csv", "handoffs.html", "handoffs.csv", *([workbook] if workbook else [])]
    parts = [
        f"<h1>prolong bulk — {_e(source)}</h1>",
        f"<p>{_e(say(fr='Fichiers :', en='Files:'))} "
        + " · ".join(f'<a href="{_e(name)}">{_e(name)}</a>' for name in files)
        + "</p>",
    ]
    if stopped:
        parts.append(f'<p class="warn">{_e(say(fr="Arrêt :", en="Stopped:"))} {_e(stopped)}</p>')
    left = sum(counts[status] for status in _TO_RERUN)
    if left:
        parts.append(
            '<p class="warn">'
            + _e(
                say(
                    fr=f"{left} demande(s) à reprendre : relancer la même commande.",
                    en=f"{left} request(s) to run again: run the same command again.",
                )
            )
            + "</p>"
        )
    row_h, contract_h = say(fr="Ligne", en="Row"), say(fr="Contrat", en="Contract")
    parts.append(
        f"<h2>{_e(say(fr='Bilan', en='Counts'))}</h2>"
        + _table(
            [say(fr="Statut", en="Status"), say(fr="Lignes", en="Rows")],
            [
                [_e(status_label(s)), f'<span class="n">{counts[s]}</span>']
                for s in STATUSES
                if counts[s]
            ]
            + [["<b>Total</b>", f"<b>{len(lines)}</b>"]],
        )
    )
    parts += _problem_sections(lines, out)
    handed = [line for line in lines if line.status is Outcome.HANDED_OFF]
    parts.append(f"<h2>{_e(say(fr='À traiter ailleurs', en='Hand-offs'))} ({len(handed)})</h2>")
    if handed:
        parts.append(
            "<p>"
            + _e(
                say(
                    fr="Les valeurs à saisir, par destination, avec une case « fait » : ",
                    en="The values to enter, by destination, with a « done » box: ",
                )
            )
            + '<a href="handoffs.html">handoffs.html</a></p>'
        )
        by_route = Counter(line.route for line in handed)
        parts.append(
            _table(
                [say(fr="Destination", en="Destination"), say(fr="Lignes", en="Rows")],
                [
                    [_e(destination_title(route)), str(by_route[route])]
                    for route in sorted(by_route, key=_destination_order)
                ],
            )
        )
    issued = [line for line in lines if line.status is Outcome.ISSUED]
    parts.append(
        f"<h2>{_e(status_label(Outcome.ISSUED))} ({len(issued)})</h2>"
        + _table(
            [
                row_h,
                contract_h,
                say(fr="Nouveau contrat", en="New contract"),
                say(fr="Prime", en="Premium"),
                "Message",
            ],
            [
                [
                    str(i.row),
                    _e(i.contract_number),
                    f'<span class="issued">{_e(i.new_contract_number)}</span>',
                    _e(i.premium.text(current()) if i.premium else ""),
                    _e(i.message),
                ]
                for i in issued
            ],
        )
    )
    parts += _timings_section(journal)
    parts += _actions_section(journal, lines)
    lang = "en-CA" if current() is Locale.EN else "fr-CA"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>prolong bulk — {_e(source)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )


def _destination_order(route: str) -> tuple[int, str]:
    order = list(DESTINATIONS)
    return (order.index(route) if route in order else len(order), route)


def _timings_section(journal: Journal) -> list[str]:
    stats = step_stats(journal.step_times())
    title = f"<h2>{_e(say(fr='Durée des étapes', en='Step timings'))}</h2>"
    if not stats:
        return [
            title,
            "<p>" + _e(say(fr="Aucune étape chronométrée.", en="No step was timed.")) + "</p>",
        ]
    table = _table(
        [
            say(fr="Étape", en="Step"),
            "n",
            say(fr="Médiane (s)", en="Median (s)"),
            say(fr="La plus lente (s)", en="Slowest (s)"),
            say(fr="Début (UTC)", en="Start (UTC)"),
        ],
        [
            [
                _e(s.step),
                str(s.count),
                f'<span class="n">{s.median:.2f}</span>',
                f'<span class="n">{s.slowest:.2f}</span>',
                _e(s.slowest_at[:19].replace("T", " ")),
            ]
            for s in stats
        ],
    )
    return [title, timings_svg(stats), table]


def _actions_section(journal: Journal, lines: list[ResultLine]) -> list[str]:
    """Who did what (the desk's users: approve, skip, start, stop…), when none is empty."""
    actions = journal.actions()
    if not actions:
        return []
    rows: dict[str, int] = {}
    for line in lines:
        if line.entry is not None:
            rows.setdefault(line.entry.key, line.row)  # a duplicate's request: its first row
    table = _table(
        [
            say(fr="Quand (UTC)", en="When (UTC)"),
            say(fr="Qui", en="Who"),
            "Action",
            say(fr="Ligne", en="Row"),
            say(fr="Détail", en="Detail"),
        ],
        [
            [
                _e(a.at[:19].replace("T", " ")),
                _e(a.actor),
                _e(a.action),
                str(rows.get(a.key, "")) if a.key else "",
                _e(a.detail),
            ]
            for a in actions
        ],
    )
    return [f"<h2>{_e(say(fr='Qui a fait quoi', en='Who did what'))}</h2>", table]


def _problem_sections(lines: list[ResultLine], out: Path) -> list[str]:
    parts: list[str] = []
    row_h, contract_h = say(fr="Ligne", en="Row"), say(fr="Contrat", en="Contract")
    troubled = [line for line in lines if line.status in _TO_RERUN]
    if troubled:
        rows = []
        for line in troubled:
            entry = line.entry
            shots = ", ".join(_link(a, out) for a in entry.artifacts) if entry else ""
            step = _e(entry.failed_step or "") if entry else ""
            rows.append(
                [
                    str(line.row),
                    _e(line.contract_number),
                    f'<span class="failed">{_e(status_label(line.status))}</span>',
                    step,
                    _e(line.message),
                    shots,
                ]
            )
        title = say(fr="Échecs et reprises", en="Failures and reruns")
        parts.append(
            f"<h2>{_e(title)} ({len(troubled)})</h2>"
            + _table(
                [
                    row_h,
                    contract_h,
                    say(fr="Statut", en="Status"),
                    say(fr="Étape", en="Step"),
                    "Message",
                    say(fr="Captures", en="Screenshots"),
                ],
                rows,
            )
        )
    invalid = [line for line in lines if line.status is Outcome.INVALID]
    if invalid:
        rows = []
        for line in invalid:
            items = line.entry.problems if line.entry and line.entry.problems else (line.message,)
            rows.append(
                [
                    str(line.row),
                    _e(line.contract_number),
                    "<ul>" + "".join(f"<li>{_e(p)}</li>" for p in items) + "</ul>",
                ]
            )
        parts.append(
            f"<h2>{_e(status_label(Outcome.INVALID))} ({len(invalid)})</h2>"
            + _table([row_h, contract_h, say(fr="Problèmes", en="Problems")], rows)
        )
    for status in (Outcome.CONFLICT, Outcome.DUPLICATE):
        found = [line for line in lines if line.status is status]
        if found:
            parts.append(
                f"<h2>{_e(status_label(status))} ({len(found)})</h2>"
                + _table(
                    [row_h, contract_h, "Message"],
                    [[str(d.row), _e(d.contract_number), _e(d.message)] for d in found],
                )
            )
    return parts
