"""The plan of a request file: each row validated on its own, routed, duplicates found.

No browser: this is what ``prolong bulk plan`` prints and what ``bulk run`` loads into its
journal. Each row is planned ``Planned.ENTER`` or already ends with its ``Outcome``:

- ``enter``: automated route, complete and valid request: the runner enters it;
- ``handed_off``: routing sends it elsewhere (Info-partenaires, the standard Espace partenaire
  process, the insurer): the hand-off list says what a person enters;
- ``invalid``: every problem of the row, worded so it can be fixed;
- ``duplicate``: the same request (same ``request_key``) as an earlier row, with the same
  cells: entered once;
- ``conflict``: rows of one request whose cells differ (legacy days 15 in one, 20 in the
  other): none is entered, each names the differing cells, until the file is fixed. The first
  of them stands for the request in the journal, the others point to it (``duplicate_of``).

A Québec client whose privacy consent is not recorded is ``invalid`` here already: the flow would
stop on it anyway, and the tool never ticks a consent nobody gave.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Final

from automation.evidence.artifacts import private_dir
from flows.bulk.keys import content_key, fold_value, request_key
from flows.bulk.reader import InputFile, InputRow
from flows.bulk.writing import refuse_input_overwrite, write_private
from flows.errors import ConsentMissing, Problem, RequestInvalid
from flows.language import say
from flows.outcome import Outcome
from flows.request import (
    ExtensionRequest,
    RoutingFacts,
    normalise_contract_number,
    parse_extension_request,
    parse_routing_facts,
)
from flows.routing import Decision, route

__all__ = [
    "PLAN_OUTCOMES",
    "Plan",
    "PlanItem",
    "Planned",
    "make_plan",
    "plan_row",
    "problem_kind",
    "write_plan",
]


class Planned(StrEnum):
    """The one plan that is not an outcome: the row is to be entered through the portal."""

    ENTER = "enter"


#: Every plan a row may have, in the order the plan's table and ``plan.json`` count them.
PLAN_OUTCOMES: Final[tuple[Planned | Outcome, ...]] = (
    Planned.ENTER,
    Outcome.HANDED_OFF,
    Outcome.INVALID,
    Outcome.DUPLICATE,
    Outcome.CONFLICT,
)


@dataclass(frozen=True)
class PlanItem:
    """One row of the file, planned. ``request`` is set only for rows planned ``enter``."""

    row: int
    key: str
    content: str
    contract_number: str
    planned: Planned | Outcome  # ENTER, or HANDED_OFF, INVALID, DUPLICATE, CONFLICT
    decision: Decision | None = None
    problems: tuple[Problem, ...] = ()
    request: ExtensionRequest | None = None
    duplicate_of: int | None = None
    differs: tuple[str, ...] = ()
    facts: RoutingFacts | None = None  # the parsed row, when it parses (compares duplicates)
    conflict_rows: tuple[int, ...] = ()  # every row of a request whose rows disagree

    @property
    def stands_for_request(self) -> bool:
        """False for a row that repeats an earlier row's request (duplicate or conflict)."""
        return self.duplicate_of is None

    @property
    def route(self) -> str:
        """The routing outcome's code, or ``""`` when the row could not be routed."""
        return self.decision.outcome.value if self.decision else ""

    @property
    def message(self) -> str:
        """Why the row is planned so, in one line (problems, or the duplicate it repeats)."""
        if self.planned is Outcome.CONFLICT:
            others = ", ".join(str(row) for row in self.conflict_rows if row != self.row)
            cells = ", ".join(self.differs)
            return say(
                fr=f"en conflit avec la/les ligne(s) {others} de la même demande : ces cellules "
                f"diffèrent : {cells} ; aucune n'est saisie tant que les lignes ne concordent "
                "pas (corriger ou supprimer l'une, puis relancer)",
                en=f"conflict with row(s) {others} of the same request: these cells differ: "
                f"{cells}; none is entered until the rows agree (fix or delete one, then "
                "run again)",
            )
        if self.planned is Outcome.DUPLICATE:
            return say(
                fr=f"même demande que la ligne {self.duplicate_of} : saisie une fois, là",
                en=f"same request as row {self.duplicate_of}: entered once, there",
            )
        if self.problems:
            return "; ".join(str(problem) for problem in self.problems)
        if self.decision is not None and self.planned is Outcome.HANDED_OFF:
            return self.decision.reason_en
        return ""


@dataclass(frozen=True)
class Plan:
    """Every row of a file, planned, in file order."""

    source: InputFile
    items: tuple[PlanItem, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader noticed about the file as a whole (ignored columns…)."""
        return self.source.notes

    def requests(self) -> dict[str, ExtensionRequest]:
        """The requests to enter, by key (duplicates and conflicts left out)."""
        return {item.key: item.request for item in self.items if item.request is not None}

    def counts(self) -> Counter[Planned | Outcome]:
        """How many rows are planned each way."""
        return Counter(item.planned for item in self.items)

    def by_route(self) -> dict[str, Counter[Planned | Outcome]]:
        """For each route (``""``: not routable), how many rows are planned each way."""
        table: dict[str, Counter[Planned | Outcome]] = {}
        for item in self.items:
            table.setdefault(item.route, Counter())[item.planned] += 1
        return table

    def by_problem(self) -> dict[str, list[int]]:
        """Each kind of problem (values left out) → the rows that have it."""
        table: dict[str, list[int]] = {}
        for item in self.items:
            for problem in item.problems:
                table.setdefault(problem_kind(problem), []).append(item.row)
        return table


def problem_kind(problem: Problem) -> str:
    """``contract_number: '…' is not a contract number``: a problem without its row's values."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", problem.message)
    return f"{problem.field}: {re.sub(r'[0-9]+', 'N', message)}"


def _contract_display(values: dict[str, object]) -> str:
    raw = values.get("contract_number")
    text = "" if raw is None else str(raw).strip()
    found = normalise_contract_number(text)
    return found[0] if found else text


def _invalid(row: InputRow, problems: Iterable[Problem], decision: Decision | None) -> PlanItem:
    # A row that does not parse cannot be trusted to name its sale: key it by its content.
    content = content_key(row.values)
    return PlanItem(
        row.row,
        "x" + content[1:],
        content,
        _contract_display(row.values),
        Outcome.INVALID,
        decision,
        tuple(problems),
    )


def plan_row(row: InputRow) -> PlanItem:
    """Validate and route one row on its own (no duplicate detection)."""
    if row.problems:
        # A cell holding the separator shifts every cell after it: the other problems of the
        # row would only be echoes of that one.
        return _invalid(row, row.problems, None)
    try:
        facts = parse_routing_facts(row.values, ignore_unknown=True)
    except RequestInvalid as invalid:
        return _invalid(row, invalid.problems, None)
    decision = route(facts)
    content = content_key(row.values)
    if not decision.automated:
        return PlanItem(
            row.row,
            request_key(facts),
            content,
            facts.contract_number,
            Outcome.HANDED_OFF,
            decision,
            facts=facts,
        )
    try:
        request = parse_extension_request(row.values, ignore_unknown=True)
    except RequestInvalid as invalid:
        return _invalid(row, invalid.problems, decision)
    if request.needs_privacy_consent:
        return _invalid(row, [ConsentMissing("privacy_consent").problem], decision)
    return PlanItem(
        row.row,
        request_key(request),
        content,
        request.contract_number,
        Planned.ENTER,
        decision,
        request=request,
        facts=request,
    )


def make_plan(source: InputFile) -> Plan:
    """Plan every row: a row repeating an earlier row's request is its ``duplicate`` when
    their cells agree; when they differ every row of that request is a ``conflict``."""
    planned = [(plan_row(row), row) for row in source.rows]
    groups: dict[str, list[tuple[PlanItem, InputRow]]] = {}
    for item, row in planned:
        groups.setdefault(item.key, []).append((item, row))
    items: list[PlanItem] = []
    for item, row in planned:
        group = groups[item.key]
        first = group[0][0]
        if len(group) == 1:
            items.append(item)
            continue
        differs = tuple(
            dict.fromkeys(name for other in group[1:] for name in _differing(group[0], other))
        )
        if differs:
            items.append(
                replace(
                    item,
                    planned=Outcome.CONFLICT,
                    differs=differs,
                    request=None,
                    conflict_rows=tuple(r.row for _, r in group),
                    duplicate_of=None if item is first else first.row,
                    problems=(),
                )
            )
        elif item is not first:
            items.append(
                PlanItem(
                    row.row,
                    item.key,
                    item.content,
                    item.contract_number,
                    Outcome.DUPLICATE,
                    item.decision,
                    duplicate_of=first.row,
                )
            )
        else:
            items.append(item)
    return Plan(source, tuple(items))


def _differing(
    first: tuple[PlanItem, InputRow], second: tuple[PlanItem, InputRow]
) -> tuple[str, ...]:
    """Fields whose values differ between two rows of one request (parsed values if possible)."""
    (item_a, row_a), (item_b, row_b) = first, second
    if item_a.facts is not None and item_b.facts is not None:
        a, b = item_a.facts.model_dump(), item_b.facts.model_dump()
        if type(item_a.facts) is type(item_b.facts):
            # Folded: « ALEX » and "Alex" are one name, not a conflict.
            return tuple(name for name in a if fold_value(a[name]) != fold_value(b.get(name)))
    names = dict.fromkeys([*row_a.values, *row_b.values])
    return tuple(
        name
        for name in names
        if fold_value(row_a.values.get(name)) != fold_value(row_b.values.get(name))
    )


# --- writing ---------------------------------------------------------------------------------

_PLAN_COLUMNS = ("row", "contract_number", "plan", "route", "rule", "duplicate_of", "message")


def _plan_record(item: PlanItem) -> dict[str, object]:
    decision = item.decision
    return {
        "row": item.row,
        "contract_number": item.contract_number,
        "plan": item.planned.value,
        "route": item.route,
        "rule": decision.rule if decision else "",
        "duplicate_of": item.duplicate_of,
        "message": item.message,
        "problems": [str(problem) for problem in item.problems],
        "reason_fr": decision.reason_fr if decision else "",
        "reason_en": decision.reason_en if decision else "",
        "handoff": decision.as_json(handoff=True)["handoff"] if decision else None,
    }


def write_plan(plan: Plan, out: Path) -> list[Path]:
    """Write ``plan.csv`` and ``plan.json`` in ``out`` (owner-only); no personal data in them.

    Raises ``InputFileError`` when one of them would be the request file itself.
    """
    refuse_input_overwrite(plan.source.path, (out / "plan.csv", out / "plan.json"))
    private_dir(out)
    records = [_plan_record(item) for item in plan.items]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, _PLAN_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({**r, "duplicate_of": r["duplicate_of"] or ""} for r in records)
    document = {
        "file": plan.source.path.name,
        "notes": list(plan.notes),
        "counts": {planned.value: plan.counts()[planned] for planned in PLAN_OUTCOMES},
        "rows": records,
    }
    return [
        write_private(out / "plan.csv", buffer.getvalue()),
        write_private(out / "plan.json", json.dumps(document, ensure_ascii=False, indent=2)),
    ]
