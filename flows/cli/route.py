"""``prolong route``: where an extension is bought, for one request, a JSON-lines stream or all.

Register it as the ``route`` command of the main app with either::

    app.command("route")(route)          # the plain function
    app.add_typer(route_app, name="route")   # ``app`` below, a Typer whose callback is ``route``
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, Final, TextIO

import typer
from rich.console import Console
from rich.table import Table

from automation.locale import Locale
from flows.aide_memoire import (
    COLUMN_HEADINGS,
    COVERAGE_LABELS,
    GROUP_HEADINGS,
    ROUTE_CODES,
    ROUTE_WORDS,
    ROWS,
    CoverageLine,
    ProductGroup,
)
from flows.cli.help_style import PlainHelpGroup, flag
from flows.cli.lines import echo
from flows.errors import Problem, RequestInvalid
from flows.language import current, say
from flows.request import SoldIn, accepted_in
from flows.routing import Decision, route_mapping

__all__ = ["app", "route", "route_lines"]

EXIT_INVALID = 2

_Opt = typer.Option


def _option_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def _fail(lines: list[str]) -> typer.Exit:
    """Print the problems on standard error; exit 2 like any bad command-line usage."""
    for line in lines:
        echo(line, err=True)
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
    where = say(fr=f"ligne {number}", en=f"line {number}")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return {
            "error": say(
                fr=f"{where} : JSON invalide ({error.msg})",
                en=f"{where}: not valid JSON ({error.msg})",
            )
        }
    if not isinstance(data, dict):
        return {
            "error": say(
                fr=f"{where} : un objet JSON est attendu", en=f"{where}: expected a JSON object"
            )
        }
    try:
        return route_mapping(data).as_json()
    except RequestInvalid as invalid:
        problems = "; ".join(invalid.messages())
        return {"error": say(fr=f"{where} : {problems}", en=f"{where}: {problems}")}


def _print_decision(decision: Decision) -> None:
    """The decision in the run's language; the route itself stays its code."""
    table = Table(show_header=False, title="prolong route")
    table.add_column("", style="bold", no_wrap=True)
    table.add_column("", overflow="fold")
    yes_no = say(fr="oui", en="yes") if decision.automated else say(fr="non", en="no")
    table.add_row(say(fr="Résultat", en="Outcome"), decision.outcome.value)
    table.add_row(say(fr="Automatisé", en="Automated"), yes_no)
    table.add_row(say(fr="Règle", en="Rule"), decision.rule)
    table.add_row(say(fr="Raison", en="Reason"), decision.reason)
    table.add_row(say(fr="Où aller", en="Where to go"), decision.handoff.where)
    table.add_row(say(fr="Quoi saisir", en="What to enter"), decision.handoff.what)
    Console().print(table)


# Short codes for the aide-mémoire printout, so that its seven columns fit 80 columns without
# cutting a word; the legend under the table spells each one out in the run's language.
_GROUP_CODES: Final[dict[ProductGroup, str]] = {
    ProductGroup.SINGLE_TRIP: "G1",
    ProductGroup.ANNUAL_NEW: "G2",
    ProductGroup.ANNUAL_EXISTING: "G3",
    ProductGroup.TOP_UP: "G4",
    ProductGroup.VISITORS_TO_CANADA: "G5",
}
_LINE_CODES: Final[dict[CoverageLine, str]] = {
    CoverageLine.EMC_ONLY: "C1",
    CoverageLine.EMC_REDUCED_STABILITY: "C2",
    CoverageLine.OTHER_COVERAGES: "C3",
}
_SOLD_CODES: Final[dict[SoldIn, str]] = {
    SoldIn.INFO_PARTENAIRES: "IP",
    SoldIn.ESPACE_PARTENAIRE: "EP",
}


def _print_aide_memoire() -> None:
    """The table as encoded, one line per cell, to compare with the seed document.

    Group, coverage line, where sold and the routes are short codes explained in the legend
    below the table (the routes' codes as ``--json`` gives them): only the cell's own text
    needs room, and it wraps between words.
    """
    table = Table(
        title=say(
            fr="Aide-mémoire – Où acheter les prolongations",
            en="Aide-mémoire – Where to buy extensions",
        ),
        show_lines=True,
    )
    for heading in (
        "#",
        say(fr="Gr.", en="Gr."),
        say(fr="Couv.", en="Cov."),
        say(fr="Vendu", en="Sold"),
    ):
        table.add_column(heading, no_wrap=True)
    table.add_column(say(fr="Texte de la cellule", en="Cell text"), ratio=1)
    table.add_column(say(fr="Avant", en="Before"), no_wrap=True)
    table.add_column(say(fr="Après", en="After"), no_wrap=True)
    merged = say(fr="(cellule fusionnée)", en="(merged cell)")
    for number, row in enumerate(ROWS, start=1):
        text = say(fr=row.text_fr, en=row.text_en)
        table.add_row(
            str(number),
            _GROUP_CODES[row.group],
            _LINE_CODES[row.coverage_line],
            _SOLD_CODES[row.sold_in],
            f"{text}\n{merged}" if row.merged else text,
            ROUTE_CODES[row.before_departure],
            ROUTE_CODES[row.after_departure],
        )
    console = Console()
    console.print(table)
    console.print(_legend())


def _legend() -> Table:
    """Each code of the table, spelled out; wrapped by rich between words, never inside one."""
    english = current() is Locale.EN
    legend = Table.grid(padding=(0, 1))
    legend.title = say(fr="Légende", en="Legend")
    legend.add_column(no_wrap=True)
    legend.add_column()
    for group, code in _GROUP_CODES.items():
        legend.add_row(code, GROUP_HEADINGS[group][english])
    for line, code in _LINE_CODES.items():
        legend.add_row(code, COVERAGE_LABELS[line][english])
    for sold, code in _SOLD_CODES.items():
        legend.add_row(code, COLUMN_HEADINGS[sold][english])
    for route, code in ROUTE_CODES.items():
        legend.add_row(code, f"{route.value}: {ROUTE_WORDS[route][english]}")
    legend.add_row(
        "",
        say(
            fr="Avant, Après : le départ (l’arrivée pour les visiteurs au Canada)",
            en="Before, After: departure (arrival for visitors to Canada)",
        ),
    )
    return legend


def _field(field: str, what: str, metavar: str) -> Any:
    """An option for a request field: what it is, then what it accepts, from the schema itself
    (``accepted_in``, built from the enums), so help and errors never disagree. Help is
    written in English before the run's language is known."""
    return _Opt(metavar=metavar, help=f"{what} Accepted: {accepted_in(field, Locale.EN)}")


def route(
    contract_number: Annotated[
        str | None, _field("contract_number", "The contract to extend.", "NUMBER")
    ] = None,
    product: Annotated[str | None, _field("product", "Its product.", "PRODUCT")] = None,
    annual_extension: Annotated[
        str | None,
        _field(
            "annual_extension", "For annual_multi_trip only: a first extension or one more.", "KIND"
        ),
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
    trip_end: Annotated[
        str | None, _field("trip_end", "Last day of the whole stay.", "DATE")
    ] = None,
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
    as_json: Annotated[bool, flag("--json", help="Print the decision as a JSON object.")] = False,
    jsonl: Annotated[
        bool,
        flag("--jsonl", help="Route JSON objects read one per line on standard input."),
    ] = False,
    table: Annotated[bool, flag("--table", help="Print the aide-mémoire as encoded.")] = False,
) -> None:
    """Say where an extension is bought: Assurance complémentaire (automated), the standard
    process in Espace partenaire, Info-partenaires.ca, or contact the insurer.

    Exit 0: routed; 2: invalid request (the message names the field and what it accepts).
    """
    given = {
        "contract_number": contract_number,
        "product": product,
        "annual_extension": annual_extension,
        "coverages": ";".join(coverages) if coverages else None,
        "departed": departed,
        "claim": claim,
        "request_date": request_date,
        "trip_start": trip_start,
        "trip_end": trip_end,
        "legacy_days": legacy_days,
        "legacy_end": legacy_end,
        "destination": destination,
        "trip_reason": trip_reason,
    }
    options = {field: value for field, value in given.items() if value is not None}
    if jsonl and table:
        raise _fail(
            [
                say(
                    fr="--jsonl et --table : choisir l’un des deux",
                    en="--jsonl and --table: choose one",
                )
            ]
        )
    if (jsonl or table) and options:
        used = ", ".join(_option_name(field) for field in options)
        raise _fail(
            [
                say(
                    fr=f"{used} : inutilisé avec --jsonl ou --table (accepté : un mode à la fois)",
                    en=f"{used}: not used with --jsonl or --table (accepted: one mode at a time)",
                )
            ]
        )
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
        raise _fail(
            [say(fr="demande invalide :", en="invalid request:")]
            + [
                f"  {Problem(_option_name(problem.field), problem.message, problem.accepted)}"
                for problem in invalid.problems
            ]
        ) from None
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
    cls=PlainHelpGroup,
)
app.callback(invoke_without_command=True)(route)
