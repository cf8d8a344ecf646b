"""Reports of a bulk run, built from the journal alone (``prolong bulk report`` rebuilds them).

- ``results.csv``: one line per row of the file: ``row, contract_number, route, status,
  new_contract_number, message``. No client data: the row number and the contract numbers are
  what operations need to find the row again.
- ``handoffs.md`` and ``handoffs.csv``: the requests a person must enter elsewhere, grouped by
  destination (Info-partenaires.ca, the standard Espace partenaire process, the insurer, and
  Assurance complémentaire sales the portal sent back to a person), with what to enter, in
  French and English, from the routing decision.
- ``summary.html``: one page with the counts, the failures (with links to their screenshots,
  relative to the report), the invalid rows and the hand-offs.

Statuses: the row's ``Outcome`` (``issued``, ``handed_off``, ``invalid``, ``failed``,
``duplicate``: same request as an earlier row, entered once there, ``skipped``: the operator
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

from automation.artifacts import private_dir
from flows.aide_memoire import Route
from flows.bulk.journal import Entry, Journal, State
from flows.bulk.writing import write_private
from flows.outcome import Outcome

__all__ = ["DESTINATIONS", "REPORT_FILES", "RESULT_COLUMNS", "STATUSES", "ResultLine",
           "ResultStatus", "Unfinished", "result_lines", "write_reports"]


class Unfinished(StrEnum):
    """What results.csv says of a row that has no outcome yet (told apart for the operator)."""

    PENDING = "pending"  # not entered yet: run the same command again
    INTERRUPTED = "interrupted"  # a run stopped while entering it: the portal is checked first


#: The status of a line of results.csv.
ResultStatus: TypeAlias = Outcome | Unfinished

#: The files ``write_reports`` writes in its folder.
REPORT_FILES: Final = ("results.csv", "handoffs.md", "handoffs.csv", "summary.html")

RESULT_COLUMNS: Final = ("row", "contract_number", "route", "status", "new_contract_number",
                         "message")
#: Every status a result line can have, in the order reports list them.
STATUSES: Final[tuple[ResultStatus, ...]] = (
    Outcome.ISSUED, Outcome.HANDED_OFF, Outcome.INVALID, Outcome.FAILED, Outcome.DUPLICATE,
    Outcome.SKIPPED, Unfinished.PENDING, Unfinished.INTERRUPTED)
#: The statuses of rows to run again (with ``failed``): listed under failures and reruns.
_TO_RERUN: Final[frozenset[ResultStatus]] = frozenset({
    Outcome.FAILED, Outcome.SKIPPED, Unfinished.PENDING, Unfinished.INTERRUPTED})

#: Hand-off groups: route → (French title, English title), in the order they are listed.
DESTINATIONS: Final[dict[str, tuple[str, str]]] = {
    Route.EXTEND_ON_INFO_PARTENAIRES.value: (
        "Info-partenaires.ca : prolonger le contrat d'origine",
        "Info-partenaires.ca: extend the original contract"),
    Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE.value: (
        "Espace partenaire : processus standard de prolongation",
        "Espace partenaire: standard extension process"),
    Route.CONTACT_INSURER.value: (
        "Communiquer avec l'assureur", "Contact the insurer"),
    Route.COMPLEMENTARY_ESPACE_PARTENAIRE.value: (
        "Espace partenaire : Assurance complémentaire à saisir à la main",
        "Espace partenaire: Top-up Insurance to enter by hand"),
}

_PENDING_MESSAGE: Final = "not done yet: run the same command again"
_INTERRUPTED_MESSAGE: Final = ("a run stopped while entering it: the next run checks the portal "
                               "for its contract before entering it again")


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

    def as_record(self) -> dict[str, object]:
        """The ``results.csv`` columns."""
        return {name: getattr(self, name) for name in RESULT_COLUMNS}


def _status(entry: Entry) -> tuple[ResultStatus, str]:
    if entry.state is State.PENDING:
        detail = f" (last: {entry.message})" if entry.message else ""
        return Unfinished.PENDING, _PENDING_MESSAGE + detail
    if isinstance(entry.state, State):  # in progress or submitting: a run stopped meanwhile
        return Unfinished.INTERRUPTED, _INTERRUPTED_MESSAGE
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
            lines.append(ResultLine(link.row, entry.contract_number, entry.route,
                                    Outcome.DUPLICATE, "", link.message))
            continue
        status, message = _status(entry)
        lines.append(ResultLine(link.row, entry.contract_number, entry.route, status,
                                entry.new_contract_number or "", message, entry))
    for entry in entries.values():
        if not entry.listed and entry.state is Outcome.ISSUED:
            lines.append(ResultLine(entry.row, entry.contract_number, entry.route, Outcome.ISSUED,
                                    entry.new_contract_number or "",
                                    "issued by an earlier run; the row is not in the latest file",
                                    entry))
    return lines


def _csv(columns: Iterable[str], records: Iterable[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def _handoffs(lines: list[ResultLine]) -> dict[str, list[ResultLine]]:
    groups: dict[str, list[ResultLine]] = {route: [] for route in DESTINATIONS}
    for line in lines:
        if line.status is Outcome.HANDED_OFF and line.entry is not None:
            groups.setdefault(line.route, []).append(line)
    return {route: items for route, items in groups.items() if items}


_HANDOFF_COLUMNS: Final = ("destination", "row", "contract_number", "route", "rule", "where_fr",
                           "where_en", "what_fr", "what_en", "reason_fr", "reason_en", "message")


def _handoff_record(line: ResultLine) -> dict[str, object]:
    entry = line.entry
    assert entry is not None  # _handoffs keeps lines with an entry only
    return {
        "destination": DESTINATIONS.get(line.route, (line.route, line.route))[1],
        "row": line.row, "contract_number": line.contract_number, "route": line.route,
        "rule": entry.rule, "where_fr": entry.where_fr, "where_en": entry.where_en,
        "what_fr": entry.what_fr, "what_en": entry.what_en, "reason_fr": entry.reason_fr,
        "reason_en": entry.reason_en,
        "message": entry.message if entry.decided_by == "flow" else "",
    }


def _handoffs_markdown(source: str, groups: dict[str, list[ResultLine]]) -> str:
    out = [f"# À traiter ailleurs / Hand-offs — {source}", ""]
    if not groups:
        out += ["Aucune demande à traiter ailleurs. / Nothing to hand off.", ""]
    for route, items in groups.items():
        title_fr, title_en = DESTINATIONS.get(route, (route, route))
        first = items[0].entry
        assert first is not None
        out += [f"## {title_fr} / {title_en} ({len(items)})", "",
                f"Où : {first.where_fr}  ", f"Where: {first.where_en}", ""]
        for line in items:
            record = _handoff_record(line)
            out += [f"### Ligne / Row {line.row} — {line.contract_number}", "",
                    f"- Quoi saisir : {record['what_fr']}",
                    f"- What to enter: {record['what_en']}",
                    f"- Raison : {record['reason_fr']}",
                    f"- Reason: {record['reason_en']}"]
            if record["message"]:
                out.append(f"- Portail / Portal: {record['message']}")
            out.append("")
    return "\n".join(out)


def write_reports(journal: Journal, out: Path) -> list[Path]:
    """Write ``results.csv``, ``handoffs.md``, ``handoffs.csv`` and ``summary.html`` in ``out``.

    Everything comes from the journal, including why the last run stopped early, if it did.
    """
    private_dir(out)
    lines = result_lines(journal)
    meta = journal.meta()
    source = meta.get("file", journal.path.name)
    stopped = meta.get("stopped") or None
    groups = _handoffs(lines)
    handoff_records = [_handoff_record(line) for items in groups.values() for line in items]
    return [
        write_private(out / "results.csv",
                      _csv(RESULT_COLUMNS, (line.as_record() for line in lines))),
        write_private(out / "handoffs.md", _handoffs_markdown(source, groups)),
        write_private(out / "handoffs.csv", _csv(_HANDOFF_COLUMNS, handoff_records)),
        write_private(out / "summary.html", _summary_html(source, lines, groups, out, stopped)),
    ]


# --- the HTML page -------------------------------------------------------------------------

_STATUS_LABELS: Final[dict[ResultStatus, str]] = {
    Outcome.ISSUED: "Émis / Issued", Outcome.HANDED_OFF: "À traiter ailleurs / Handed off",
    Outcome.INVALID: "À corriger / Invalid", Outcome.FAILED: "Échec / Failed",
    Outcome.DUPLICATE: "Doublon / Duplicate", Outcome.SKIPPED: "Passé / Skipped",
    Unfinished.PENDING: "À faire / Pending", Unfinished.INTERRUPTED: "Interrompu / Interrupted",
}

_CSS: Final = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.n{text-align:right}
.warn{background:#fff4e5;padding:.6rem;border:1px solid #f0b35b}
.failed{color:#b00020}.issued{color:#2e7d32}
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


def _summary_html(source: str, lines: list[ResultLine], groups: dict[str, list[ResultLine]],
                  out: Path, stopped: str | None) -> str:
    counts = Counter(line.status for line in lines)
    parts = [f"<h1>prolong bulk — {_e(source)}</h1>",
             "<p>Fichiers / Files: <a href=\"results.csv\">results.csv</a> · "
             "<a href=\"handoffs.md\">handoffs.md</a> · <a href=\"handoffs.csv\">handoffs.csv</a>"
             "</p>"]
    if stopped:
        parts.append(f'<p class="warn">Arrêt / Stopped: {_e(stopped)}</p>')
    left = sum(counts[status] for status in _TO_RERUN)
    if left:
        parts.append(f'<p class="warn">{left} demande(s) à reprendre / request(s) to run again: '
                     "relancer la même commande / run the same command again.</p>")
    parts.append("<h2>Bilan / Counts</h2>" + _table(
        ["Statut / Status", "Lignes / Rows"],
        [[_e(_STATUS_LABELS[s]), f'<span class="n">{counts[s]}</span>'] for s in STATUSES
         if counts[s]] + [["<b>Total</b>", f"<b>{len(lines)}</b>"]]))
    parts += _problem_sections(lines, out)
    parts.append("<h2>À traiter ailleurs / Hand-offs</h2>")
    if not groups:
        parts.append("<p>Aucune / None.</p>")
    for route, items in groups.items():
        title_fr, title_en = DESTINATIONS.get(route, (route, route))
        parts.append(f"<h3>{_e(title_fr)} / {_e(title_en)} ({len(items)})</h3>" + _table(
            ["Ligne / Row", "Contrat / Contract", "Quoi saisir", "What to enter"],
            [[str(i.row), _e(i.contract_number), _e(_handoff_record(i)["what_fr"]),
              _e(_handoff_record(i)["what_en"])] for i in items]))
    issued = [line for line in lines if line.status is Outcome.ISSUED]
    parts.append(f"<h2>Émis / Issued ({len(issued)})</h2>" + _table(
        ["Ligne / Row", "Contrat / Contract", "Nouveau contrat / New contract", "Message"],
        [[str(i.row), _e(i.contract_number), f'<span class="issued">{_e(i.new_contract_number)}'
          "</span>", _e(i.message)] for i in issued]))
    return ("<!doctype html><html lang=\"fr-CA\"><head><meta charset=\"utf-8\">"
            f"<title>prolong bulk — {_e(source)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def _problem_sections(lines: list[ResultLine], out: Path) -> list[str]:
    parts: list[str] = []
    troubled = [line for line in lines
                if line.status in _TO_RERUN]
    if troubled:
        rows = []
        for line in troubled:
            entry = line.entry
            shots = ", ".join(_link(a, out) for a in entry.artifacts) if entry else ""
            step = _e(entry.failed_step or "") if entry else ""
            rows.append([str(line.row), _e(line.contract_number),
                         f'<span class="failed">{_e(_STATUS_LABELS[line.status])}</span>', step,
                         _e(line.message), shots])
        parts.append(f"<h2>Échecs et reprises / Failures and reruns ({len(troubled)})</h2>"
                     + _table(["Ligne / Row", "Contrat / Contract", "Statut / Status",
                               "Étape / Step", "Message", "Captures / Screenshots"], rows))
    invalid = [line for line in lines if line.status is Outcome.INVALID]
    if invalid:
        rows = []
        for line in invalid:
            items = line.entry.problems if line.entry and line.entry.problems else (line.message,)
            rows.append([str(line.row), _e(line.contract_number),
                         "<ul>" + "".join(f"<li>{_e(p)}</li>" for p in items) + "</ul>"])
        parts.append(f"<h2>À corriger / Invalid rows ({len(invalid)})</h2>"
                     + _table(["Ligne / Row", "Contrat / Contract", "Problèmes / Problems"], rows))
    duplicates = [line for line in lines if line.status is Outcome.DUPLICATE]
    if duplicates:
        parts.append(f"<h2>Doublons / Duplicates ({len(duplicates)})</h2>" + _table(
            ["Ligne / Row", "Contrat / Contract", "Message"],
            [[str(d.row), _e(d.contract_number), _e(d.message)] for d in duplicates]))
    return parts
