"""The hand-off list: each request a person enters elsewhere, with every value to enter there.

``handoffs.html`` (printable, grouped by destination, a "done" box per row) and
``handoffs.csv`` say for each handed-off row where to go (Info-partenaires.ca, the standard
process in Espace partenaire, the insurer, or Espace partenaire by hand), why (the aide-mémoire
cell, in the run's language) and the values to enter: client name, birth date, legacy
contract, trip dates, days to extend.

They hold the clients' names and birth dates, as the input file does: they are written like
``results.csv``, owner-only, for the operator, and never logged. The values come from the
request file (the journal keeps none): without it, the list still says where and why, and
says that the values are in the file.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from flows.aide_memoire import Route
from flows.bulk.journal import Entry
from flows.bulk.plan import Plan
from flows.language import Locale, current, say
from flows.request import RoutingFacts

__all__ = [
    "DESTINATIONS",
    "HANDOFF_COLUMNS",
    "Handoff",
    "destination_title",
    "handoff_items",
    "handoffs_csv",
    "handoffs_html",
]

#: Hand-off groups: route → (French title, English title), in the order they are listed.
DESTINATIONS: Final[dict[str, tuple[str, str]]] = {
    Route.EXTEND_ON_INFO_PARTENAIRES.value: (
        "Info-partenaires.ca : prolonger le contrat d'origine",
        "Info-partenaires.ca: extend the original contract",
    ),
    Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE.value: (
        "Espace partenaire : processus standard de prolongation",
        "Espace partenaire: standard extension process",
    ),
    Route.CONTACT_INSURER.value: ("Communiquer avec l'assureur", "Contact the insurer"),
    Route.COMPLEMENTARY_ESPACE_PARTENAIRE.value: (
        "Espace partenaire : Assurance complémentaire à saisir à la main",
        "Espace partenaire: Top-up Insurance to enter by hand",
    ),
}

HANDOFF_COLUMNS: Final = (
    "done",
    "destination",
    "route",
    "row",
    "contract_number",
    "client_name",
    "birth_date",
    "trip_start",
    "trip_end",
    "legacy_days",
    "days_to_extend",
    "where",
    "why",
    "what",
    "portal_message",
)


def destination_title(route: str) -> str:
    """A destination's title in the run's language."""
    french, english = DESTINATIONS.get(route, (route, route))
    return say(fr=french, en=english)


@dataclass(frozen=True)
class Handoff:
    """One handed-off row: where, why, what, and the values to enter (blank when unknown)."""

    route: str
    row: int
    contract_number: str
    client_name: str
    birth_date: str
    trip_start: str
    trip_end: str
    legacy_days: str
    days_to_extend: str
    where: str
    why: str
    what: str
    portal_message: str

    def record(self) -> dict[str, object]:
        """The ``handoffs.csv`` line (``done`` left blank for the operator)."""
        return {
            "done": "",
            "destination": destination_title(self.route),
            **{name: getattr(self, name) for name in HANDOFF_COLUMNS[2:]},
        }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _sentences(cell: str) -> str:
    """An aide-mémoire cell in one line: each of its lines a sentence (the seed's cells put
    « …dans l'Espace partenaire » and « Après le départ… » on two lines, no full stop)."""
    lines = [" ".join(line.split()) for line in cell.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:;" else f"{line}." for line in lines)


def _why(entry: Entry, facts_why: str | None) -> str:
    return facts_why or say(fr=entry.reason_fr, en=entry.reason_en)


def handoff_items(handed_off: Iterable[tuple[int, Entry]], plan: Plan | None) -> list[Handoff]:
    """The hand-offs of ``(row, entry)`` pairs, with the values ``plan``'s file holds for them.

    Grouped by destination (``DESTINATIONS`` order), by row within a group.
    """
    cells: Mapping[str, Mapping[str, object]] = {}
    facts: Mapping[str, RoutingFacts] = {}
    cell_texts: Mapping[str, str] = {}
    if plan is not None:
        rows = {row.row: row for row in plan.source.rows}
        cells = {
            item.key: rows[item.row].values
            for item in plan.items
            if item.stands_for_request and item.row in rows
        }
        facts = {
            item.key: item.facts
            for item in plan.items
            if item.stands_for_request and item.facts is not None
        }
        cell_texts = {
            item.key: say(
                fr=_sentences(item.decision.row.text_fr), en=_sentences(item.decision.row.text_en)
            )
            for item in plan.items
            if item.stands_for_request
            and item.decision is not None
            and item.decision.row is not None
        }
    items: list[Handoff] = []
    for row, entry in handed_off:
        values = cells.get(entry.key, {})
        known = facts.get(entry.key)
        name = " ".join(_text(values.get(f)) for f in ("first_name", "last_name")).strip()
        extension = known.extension_days if known is not None else None
        legacy = known.legacy_days if known is not None else values.get("legacy_days")
        items.append(
            Handoff(
                route=entry.route,
                row=row,
                contract_number=entry.contract_number,
                client_name=name,
                birth_date=_text(values.get("birth_date")),
                trip_start=_text(known.trip_start if known else values.get("trip_start")),
                trip_end=_text(known.trip_end if known else values.get("trip_end")),
                legacy_days=_text(legacy),
                days_to_extend="" if extension is None else str(extension),
                where=say(fr=entry.where_fr, en=entry.where_en),
                why=_why(entry, cell_texts.get(entry.key)),
                what=say(fr=entry.what_fr, en=entry.what_en),
                portal_message=entry.message if entry.decided_by == "flow" else "",
            )
        )
    order = {route: index for index, route in enumerate(DESTINATIONS)}
    return sorted(items, key=lambda h: (order.get(h.route, len(order)), h.route, h.row))


def handoffs_csv(items: list[Handoff]) -> str:
    """``handoffs.csv``: one line per hand-off, a blank ``done`` column to fill in."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(HANDOFF_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(item.record() for item in items)
    return buffer.getvalue()


_CSS: Final = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:75rem;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:2px solid #333}
.where{margin:.2rem 0 .5rem}.note{background:#fff4e5;border:1px solid #f0b35b;padding:.5rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}
th,td{border:1px solid #bbb;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}.box{width:1.6rem;text-align:center}.nowrap{white-space:nowrap}
.box input{width:1rem;height:1rem;margin:0}
.why{font-size:.92em;color:#333}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}
tr{break-inside:avoid}.note{border-color:#999}}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def handoffs_html(source: str, items: list[Handoff], *, values_known: bool) -> str:
    """``handoffs.html``: self-contained, printable, one table per destination."""
    lang = current()
    title = say(fr=f"À traiter ailleurs — {source}", en=f"Hand-offs — {source}")
    parts = [f"<h1>{_e(title)}</h1>"]
    if not values_known:
        parts.append(
            '<p class="note">'
            + _e(
                say(
                    fr="Le fichier de demandes n'a pas pu être relu : les valeurs à saisir sont "
                    "dans ce fichier, à la ligne indiquée.",
                    en="The request file could not be read again: the values to enter are in that "
                    "file, on the row given.",
                )
            )
            + "</p>"
        )
    if not items:
        parts.append(
            "<p>"
            + _e(say(fr="Aucune demande à traiter ailleurs.", en="Nothing to hand off."))
            + "</p>"
        )
    headings = [
        say(fr="Fait", en="Done"),
        say(fr="Ligne", en="Row"),
        say(fr="Client", en="Client"),
        say(fr="Naissance", en="Birth date"),
        say(fr="Contrat d'origine", en="Legacy contract"),
        say(fr="Voyage", en="Trip"),
        say(fr="Jours ancien système", en="Legacy days"),
        say(fr="Jours à prolonger", en="Days to extend"),
        say(fr="Quoi faire et pourquoi", en="What to do, and why"),
    ]
    groups: dict[str, list[Handoff]] = {}
    for item in items:
        groups.setdefault(item.route, []).append(item)
    for route, group in groups.items():
        parts.append(f"<h2>{_e(destination_title(route))} ({len(group)})</h2>")
        label = say(fr="Où :", en="Where:")
        parts.append(f'<p class="where"><b>{_e(label)}</b> {_e(group[0].where)}</p>')
        head = "".join(f"<th>{_e(h)}</th>" for h in headings)
        body = []
        for item in group:
            done = say(fr=f"Ligne {item.row} faite", en=f"Row {item.row} done")
            trip = f"{item.trip_start} → {item.trip_end}" if item.trip_start else item.trip_end
            todo = f'<b>{_e(item.what)}</b><div class="why">{_e(item.why)}</div>'
            if item.portal_message:
                said = say(fr="Portail :", en="Portal:")
                todo += f'<div class="why">{_e(said)} {_e(item.portal_message)}</div>'
            body.append(
                f'<tr><td class="box"><input type="checkbox" aria-label="{_e(done)}"></td>'
                f"<td>{item.row}</td><td>{_e(item.client_name)}</td>"
                f'<td class="nowrap">{_e(item.birth_date)}</td>'
                f'<td class="nowrap">{_e(item.contract_number)}</td>'
                f'<td class="nowrap">{_e(trip).replace(" → ", " →<br>")}</td>'
                f"<td>{_e(item.legacy_days)}</td>"
                f"<td>{_e(item.days_to_extend)}</td><td>{todo}</td></tr>"
            )
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return (
        f'<!doctype html><html lang="{"en-CA" if lang is Locale.EN else "fr-CA"}"><head>'
        f'<meta charset="utf-8"><title>{_e(title)}</title><style>{_CSS}</style></head>'
        "<body>" + "\n".join(parts) + "</body></html>\n"
    )
