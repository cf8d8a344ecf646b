"""The rules between a request's fields: product and annual extension, trip and legacy dates,
what a request to enter needs beyond routing.

Each rule looks only at the fields that parsed on their own (``flows.request`` parses them) and
says every problem it finds, in the run's language, with what the field accepts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

from flows.errors import Problem
from flows.language import say
from flows.request.dates import inclusive_days
from flows.request.vocabulary import Coverage, Product

__all__ = ["cross_field_problems"]


def cross_field_problems(
    values: Mapping[str, Any],
    *,
    full: bool,
    accepted: Mapping[str, str],
    refused: Collection[str] = (),
) -> list[Problem]:
    """Problems between fields, checked only among the fields that parsed on their own.

    ``full``: the rules of a request to enter, not only to route; ``accepted``: what each
    field accepts (the request model's ``FIELD_ACCEPTED``), quoted in a problem; ``refused``:
    the fields given but refused on their own (their problem is already said)."""
    problems = _product_problems(values, accepted)
    problems += _date_problems(values)
    if full:
        problems += _full_request_problems(values, accepted, refused)
    return problems


def _product_problems(values: Mapping[str, Any], accepted: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    product = values.get("product")
    if product is Product.ANNUAL_MULTI_TRIP and values.get("annual_extension") is None:
        problems.append(
            Problem(
                "annual_extension",
                say(
                    fr="est obligatoire pour le produit annual_multi_trip",
                    en="is required for product annual_multi_trip",
                ),
                accepted["annual_extension"],
            )
        )
    if product not in (None, Product.ANNUAL_MULTI_TRIP) and values.get("annual_extension"):
        problems.append(
            Problem(
                "annual_extension",
                say(
                    fr=f"ne s’applique pas au produit {product}",
                    en=f"does not apply to product {product}",
                ),
                say(
                    fr="vide sauf pour le produit annual_multi_trip",
                    en="empty unless product is annual_multi_trip",
                ),
            )
        )
    coverages = values.get("coverages")
    if product is Product.TOP_UP and coverages and set(coverages) != {Coverage.EMC}:
        problems.append(
            Problem(
                "coverages",
                say(
                    fr="le produit top_up couvre les soins médicaux d’urgence seulement",
                    en="product top_up covers emergency medical care only",
                ),
                "emc",
            )
        )
    return problems


def _before_trip_start(field: str, accepted: str) -> Problem:
    return Problem(field, say(fr="est avant trip_start", en="is before trip_start"), accepted)


def _date_problems(values: Mapping[str, Any]) -> list[Problem]:
    """The trip's and the legacy contract's dates; the first impossible one only (the later
    rules would only repeat it)."""
    start, end = values.get("trip_start"), values.get("trip_end")
    days, last = values.get("legacy_days"), values.get("legacy_end")
    if start and end and end < start:
        return [
            _before_trip_start(
                "trip_end",
                say(
                    fr="une date égale ou postérieure à trip_start",
                    en="a date on or after trip_start",
                ),
            )
        ]
    if start and last and last < start:
        return [
            _before_trip_start(
                "legacy_end",
                say(
                    fr="le dernier jour couvert par l’ancien contrat, à partir de trip_start",
                    en="the last day the legacy contract covers, on or after trip_start",
                ),
            )
        ]
    if start and days and last and start + timedelta(days=days - 1) != last:
        return [
            Problem(
                "legacy_end",
                say(fr="ne concorde pas avec legacy_days", en="does not match legacy_days"),
                say(
                    fr="legacy_days ou legacy_end, ou les deux s’ils concordent",
                    en="legacy_days or legacy_end, or both consistent",
                ),
            )
        ]
    if start and last and days is None:
        days = inclusive_days(start, last)
    if not (start and end and days is not None and days >= inclusive_days(start, end)):
        return []
    field = "legacy_days" if values.get("legacy_days") else "legacy_end"
    trip = inclusive_days(start, end)
    return [
        Problem(
            field,
            say(
                fr=f"l’ancienne couverture va jusqu’à la fin du voyage ({trip} jours, les deux "
                "bouts comptés) : il ne reste rien à prolonger",
                en=f"the legacy coverage reaches the end of the trip ({trip} days, both ends "
                "counted): nothing is left to extend",
            ),
            say(
                fr="moins de jours anciens que de jours de voyage, c.-à-d. une fin de l’ancien "
                "contrat avant trip_end",
                en="fewer legacy days than the trip's days, i.e. a legacy end before trip_end",
            ),
        )
    ]


def _full_request_problems(
    values: Mapping[str, Any], accepted: Mapping[str, str], refused: Collection[str]
) -> list[Problem]:
    problems: list[Problem] = []
    number = values.get("contract_number")
    legacy = number is not None and not str(number).startswith("AA")
    # A legacy_end typed wrong was given: "legacy_days or legacy_end is required" would send the
    # reader to a field they never meant to fill (found by tests/flows/test_request_generated).
    given = {"legacy_days", "legacy_end"} & set(refused)
    if (
        legacy
        and not given
        and values.get("legacy_days") is None
        and values.get("legacy_end") is None
    ):
        problems.append(
            Problem(
                "legacy_days",
                say(
                    fr="legacy_days ou legacy_end est obligatoire pour un contrat vendu sur "
                    "Info-partenaires.ca",
                    en="legacy_days or legacy_end is required for a contract sold on "
                    "Info-partenaires.ca",
                ),
                accepted["legacy_days"],
            )
        )
    born, asked = values.get("birth_date"), values.get("request_date") or date.today()
    if born and born >= asked:
        problems.append(
            Problem(
                "birth_date",
                say(fr="n’est pas avant request_date", en="is not before request_date"),
                say(fr="une date passée", en="a past date"),
            )
        )
    return problems
