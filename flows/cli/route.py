"""``prolong route``: where an extension is bought, for one request, a JSON-lines stream or all.

Register it as the ``route`` command of the main app with either::

    app.command("route")(route)          # the plain function
    app.add_typer(route_app, name="route")   # ``app`` below, a Typer whose callback is ``route``
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from flows.aide_memoire import COVERAGE_LABELS, GROUP_HEADINGS, ROWS, SOLD_IN_NAMES
from flows.errors import RequestInvalid
from flows.request import FIELD_ACCEPTED
from flows.routing import Decision, route_mapping

__all__ = ["app", "route", "route_lines"]

EXIT_INVALID = 2

_Opt = typer.Option


def _option_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def _fail(lines: list[str]) -> typer.Exit:
    """Print the problems on standard error; exit 2 like any bad command-line usage."""
    for line in lines:
        typer.echo(line, err=True)
    return typer.Exit(code=EXIT_INVALID)


def route_lines(lines: TextIO, out: TextIO) -> bool:
    """Route each JSON object of ``lines`` and write one JSON answer per line, in order.

    Blank lines are skipped; a bad line gets ``{"error": ...}`` and never stops the others.
    Returns True when every line was routed.
    """
    every_line_routed = True
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        answer = _route_line(number, line)
        every_line_routed = every_line_routed and "error" not in answer
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
    return every_line_routed


def _route_line(number: int, line: str) -> dict[str, object]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return {"error": f"line {number}: not valid JSON ({error.msg})"}
    if not isinstance(data, dict):
        return {"error": f"line {number}: expected a JSON object"}
    try:
        return route_mapping(data).as_json()
    except RequestInvalid as invalid:
        return {"error": f"line {number}: " + "; ".join(invalid.messages())}


def _print_decision(decision: Decision) -> None:
    table = Table(show_header=False, title="prolong route")
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("Résultat / Outcome", decision.outcome.value)
    table.add_row("Automatisé / Automated", "oui / yes" if decision.automated else "non / no")
    table.add_row("Règle / Rule", decision.rule)
    table.add_row("Raison", decision.reason_fr)
    table.add_row("Reason", decision.reason_en)
    table.add_row("Où aller", decision.handoff.where_fr)
    table.add_row("Where to go", decision.handoff.where_en)
    table.add_row("Quoi saisir", decision.handoff.what_fr)
    table.add_row("What to enter", decision.handoff.what_en)
    Console().print(table)


def _print_aide_memoire() -> None:
    """The table as encoded, one line per cell, to compare with the seed document."""
    table = Table(title="Aide-mémoire – Où acheter les prolongations", show_lines=True)
    for heading in ("#", "Groupe / Group", "Couverture / Coverage", "Vendu / Sold",
                    "Texte (fr)", "Text (en)", "Avant départ / Before", "Après départ / After"):
        table.add_column(heading, overflow="fold")
    for number, row in enumerate(ROWS, start=1):
        merged = "\n(cellule fusionnée / merged cell)" if row.merged else ""
        table.add_row(
            str(number),
            GROUP_HEADINGS[row.group][0],
            COVERAGE_LABELS[row.coverage_line][0],
            SOLD_IN_NAMES[row.sold_in],
            row.text_fr + merged,
            row.text_en,
            row.before_departure.value,
            row.after_departure.value,
        )
    Console().print(table)


def _field(field: str, what: str, metavar: str) -> Any:
    """An option for a request field: what it is, then what it accepts, from the schema itself
    (``FIELD_ACCEPTED``, built from the enums), so help and errors never disagree."""
    return _Opt(metavar=metavar, help=f"{what} Accepted: {FIELD_ACCEPTED[field]}")


# An empty metavar: a flag takes no value, and typer would otherwise print its type (<bool>).
_FLAG = ""


def route(
    contract_number: Annotated[
        str | None, _field("contract_number", "The contract to extend.", "NUMBER")
    ] = None,
    product: Annotated[str | None, _field("product", "Its product.", "PRODUCT")] = None,
    annual_extension: Annotated[
        str | None,
        _field("annual_extension", "For annual_multi_trip only: a first extension or one more.",
               "KIND"),
    ] = None,
    coverages: Annotated[
        list[str] | None,
        _field("coverages", "Its coverages (the option may also be repeated).", "COVERAGE"),
    ] = None,
    departed: Annotated[
        str | None,
        _field("departed", "Has the client left (visitors to Canada: arrived)?", "YES/NO"),
    ] = None,
    claim: Annotated[
        str | None, _field("claim", "Was a claim filed, or is one expected?", "CLAIM")
    ] = None,
    request_date: Annotated[
        str | None, _field("request_date", "Day of the request (default: today).", "DATE")
    ] = None,
    trip_start: Annotated[
        str | None, _field("trip_start", "First day of the whole stay.", "DATE")
    ] = None,
    trip_end: Annotated[str | None, _field("trip_end", "Last day of the whole stay.", "DATE")]
    = None,
    legacy_days: Annotated[
        str | None, _field("legacy_days", "Days covered by the legacy contract.", "DAYS")
    ] = None,
    legacy_end: Annotated[
        str | None, _field("legacy_end", "Last day the legacy contract covers.", "DATE")
    ] = None,
    destination: Annotated[
        str | None, _field("destination", "Where the client travels.", "COUNTRY")
    ] = None,
    trip_reason: Annotated[
        str | None, _field("trip_reason", "Why the client travels.", "REASON")
    ] = None,
    as_json: Annotated[
        bool, _Opt("--json", metavar=_FLAG, help="Print the decision as a JSON object.")
    ] = False,
    jsonl: Annotated[
        bool,
        _Opt("--jsonl", metavar=_FLAG,
             help="Route JSON objects read one per line on standard input."),
    ] = False,
    table: Annotated[
        bool, _Opt("--table", metavar=_FLAG, help="Print the aide-mémoire as encoded.")
    ] = False,
) -> None:
    """Say where an extension is bought: Assurance complémentaire (automated), the standard
    process in Espace partenaire, Info-partenaires.ca, or contact the insurer.

    Exit 0: routed; 2: invalid request (the message names the field and what it accepts).
    """
    given = {
        "contract_number": contract_number, "product": product,
        "annual_extension": annual_extension,
        "coverages": ";".join(coverages) if coverages else None,
        "departed": departed, "claim": claim, "request_date": request_date,
        "trip_start": trip_start, "trip_end": trip_end, "legacy_days": legacy_days,
        "legacy_end": legacy_end, "destination": destination, "trip_reason": trip_reason,
    }
    options = {field: value for field, value in given.items() if value is not None}
    if jsonl and table:
        raise _fail(["--jsonl and --table: choose one"])
    if (jsonl or table) and options:
        used = ", ".join(_option_name(field) for field in options)
        raise _fail([f"{used}: not used with --jsonl or --table (accepted: one mode at a time)"])
    if table:
        _print_aide_memoire()
        return
    if jsonl:
        if not route_lines(sys.stdin, sys.stdout):
            raise typer.Exit(code=EXIT_INVALID)
        return
    _route_one(options, as_json)


def _route_one(options: dict[str, str], as_json: bool) -> None:
    try:
        decision = route_mapping(options)
    except RequestInvalid as invalid:
        raise _fail(["invalid request:"] + [
            f"  {_option_name(problem.field)}: {problem.message}"
            + (f" (accepted: {problem.accepted})" if problem.accepted else "")
            for problem in invalid.problems
        ]) from None
    if as_json:
        typer.echo(json.dumps(decision.as_json(handoff=True), ensure_ascii=False))
    else:
        _print_decision(decision)


#: A Typer whose only callback is ``route``: ``app.add_typer(route_app, name="route")``.
app = typer.Typer(
    name="route",
    help="Say where an extension is bought (the aide-mémoire as rules).",
    invoke_without_command=True,
    add_completion=False,
)
app.callback(invoke_without_command=True)(route)
