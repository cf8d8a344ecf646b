"""Routing on generated requests (tests/strategies.py): the route is what the aide-mémoire's
table says (``flows.aide_memoire.ROWS``, read as data here), after the three rules that come
before the table (a claim, a legacy coverage already over, a request before 2026-06-01); a
request handed off needs none of the client's fields, on the command line or in a bulk file.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flows.aide_memoire import ROWS, AideMemoireRow, CoverageLine, Route, find_row
from flows.bulk.plan import plan_row
from flows.bulk.reader import InputRow
from flows.cli.app import app
from flows.cli.extend import ExitCode
from flows.cli.route import route_lines
from flows.outcome import Outcome
from flows.request import (
    Claim,
    Coverage,
    ExtensionRequest,
    Product,
    RoutingFacts,
    SoldIn,
    parse_routing_facts,
)
from flows.routing import NEW_PROCESS_START, route
from tests.flows.in_language import english  # noqa: F401 - a fixture
from tests.strategies import Form, RequestValues, routing_requests, spelled

pytestmark = pytest.mark.usefixtures("english")

_CELLS = {(row.group, row.coverage_line, row.sold_in): row for row in ROWS}


def _cell(facts: RoutingFacts) -> AideMemoireRow:
    """The table's cell, or where it has no line for the coverages (an annual with reduced
    stability, visitors with baggage) the group's line that holds for any mix: « other
    coverages », else its only line."""
    row = find_row(facts.product, facts.annual_extension, facts.coverages, facts.sold_in)
    if row is not None:
        return row
    group = next(r.group for r in ROWS if r.key.startswith(_group_key(facts)))
    for line in (CoverageLine.OTHER_COVERAGES, CoverageLine.EMC_ONLY):
        if (group, line, facts.sold_in) in _CELLS:
            return _CELLS[(group, line, facts.sold_in)]
    raise AssertionError(f"no line of the table for group {group}")


def _group_key(facts: RoutingFacts) -> str:
    if facts.product is Product.ANNUAL_MULTI_TRIP:
        return f"annual_{facts.annual_extension}_extension/"
    return f"{facts.product}/"


def expected_route(facts: RoutingFacts) -> tuple[Route, bool]:
    """What the table says, after the rules before it; and whether the table decided."""
    if facts.claim is not Claim.NONE:
        return Route.CONTACT_INSURER, False
    legacy = facts.sold_in is SoldIn.INFO_PARTENAIRES
    if legacy and facts.legacy_end is not None and facts.legacy_end < facts.request_date:
        return Route.CONTACT_INSURER, False
    if legacy and facts.request_date < NEW_PROCESS_START:
        return Route.EXTEND_ON_INFO_PARTENAIRES, False
    return _cell(facts).outcome(facts.departed), True


def _facts(values: RequestValues) -> RoutingFacts:
    return parse_routing_facts(dict(values.values))


# Pinned: a legacy coverage ending the day before the request (R3) and on the request's day.
@example(
    RequestValues(
        {
            "contract_number": "LH12345",
            "product": Product.SINGLE_TRIP,
            "coverages": (Coverage.EMC,),
            "departed": True,
            "claim": Claim.NONE,
            "request_date": date(2028, 3, 1),
            "trip_start": date(2028, 2, 1),
            "trip_end": date(2028, 3, 31),
            "legacy_end": date(2028, 2, 29),
        }
    )
)
@given(routing_requests())
def test_the_route_is_the_aide_memoire_cell(values: RequestValues) -> None:
    facts = _facts(values)
    decision = route(facts)
    outcome, by_table = expected_route(facts)
    assert decision.outcome is outcome, decision.rule
    if by_table:
        assert decision.row == find_row(
            facts.product, facts.annual_extension, facts.coverages, facts.sold_in
        )
    assert decision.automated is (outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE)
    assert decision.automated is values.automated


def _routed_line_by_line(requests: list[RequestValues], data: st.DataObject) -> None:
    lines = [data.draw(spelled(request, Form.JSON)) for request in requests]
    out = io.StringIO()
    assert route_lines(io.StringIO("\n".join(json.dumps(line) for line in lines)), out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [answer["route"] for answer in answers] == [
        route(_facts(request)).outcome.value for request in requests
    ]


# -m generated streams ten times as many (the twins below): each example routes up to five
# requests through ``prolong route``'s reader and writer.
@settings(max_examples=40)
@given(st.lists(routing_requests(), min_size=1, max_size=5), st.data())
def test_a_json_lines_stream_is_routed_line_by_line_as_route_does(
    requests: list[RequestValues], data: st.DataObject
) -> None:
    _routed_line_by_line(requests, data)


@pytest.mark.generated
@settings(max_examples=400)
@given(st.lists(routing_requests(), min_size=1, max_size=5), st.data())
def test_more_json_lines_streams_are_routed_line_by_line(
    requests: list[RequestValues], data: st.DataObject
) -> None:
    _routed_line_by_line(requests, data)


# What a request to enter needs beyond routing: the client, the trip, the portal's answers.
_ROUTING_REQUIRED = frozenset(
    n for n, info in RoutingFacts.model_fields.items() if info.is_required()
)
_ENTRY_FIELDS = frozenset(
    name
    for name, info in ExtensionRequest.model_fields.items()
    if info.is_required() and name not in _ROUTING_REQUIRED
)


def _missing_for_entry(values: RequestValues) -> list[str]:
    """The fields an automated request given with its routing fields only is refused for."""
    legacy = {"legacy_days"} - set(values.values) if "legacy_end" not in values.values else set()
    return sorted((_ENTRY_FIELDS - set(values.values)) | legacy)


def _extend(values: dict[str, object]) -> tuple[int, str]:
    args = ["--lang", "en", "extend", "--base-url", "http://x.invalid", "--json"]
    for name, value in values.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _needs_no_client_fields(values: RequestValues, data: st.DataObject) -> None:
    """Routing fields alone: a hand-off exits 3 saying where to go; an automated request
    is refused naming every client field it still needs, and goes nowhere near a portal."""
    code, output = _extend(data.draw(spelled(values, Form.CLI), label="options"))
    if values.automated:
        assert code == ExitCode.INVALID, output
        assert all(f"{name}:" in output for name in _missing_for_entry(values)), output
    else:
        assert code == ExitCode.HANDED_OFF, output
        answer = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
        assert answer["status"] == "handed_off"
        assert answer["route"] == route(_facts(values)).outcome.value


# Each example runs ``prolong extend`` in a CliRunner (the whole CLI app: 46 s of a loaded core
# for 100, --durations); -m generated runs ten times as many.
@settings(max_examples=40)
@given(routing_requests(), st.data())
def test_a_handed_off_request_needs_no_client_fields(
    values: RequestValues, data: st.DataObject
) -> None:
    _needs_no_client_fields(values, data)


@pytest.mark.generated
@settings(max_examples=400)
@given(routing_requests(), st.data())
def test_more_handed_off_requests_need_no_client_fields(
    values: RequestValues, data: st.DataObject
) -> None:
    _needs_no_client_fields(values, data)


@given(routing_requests(), st.data())
def test_a_bulk_row_handed_off_needs_no_client_fields(
    values: RequestValues, data: st.DataObject
) -> None:
    cells: dict[str, Any] = data.draw(spelled(values, Form.CSV), label="cells")
    item = plan_row(InputRow(2, cells))
    if values.automated:
        assert item.planned is Outcome.INVALID
        assert sorted(problem.field for problem in item.problems) == _missing_for_entry(values)
    else:
        assert item.planned is Outcome.HANDED_OFF, item.problems
        assert item.decision is not None
        assert item.decision.outcome is route(_facts(values)).outcome
