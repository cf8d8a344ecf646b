"""Rich tables for the terminal: the plan summary and a run's outcome (counts, no client data)."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from flows.bulk.plan import PLAN_CHOICES, Plan, Planned
from flows.bulk.report import STATUSES, ResultStatus
from flows.outcome import Outcome

__all__ = ["plan_tables", "status_table"]

_PLANNED_HEADINGS: dict[Planned | Outcome, str] = {
    Planned.ENTER: "à saisir / to enter",
    Outcome.HANDED_OFF: "ailleurs / handed off",
    Outcome.INVALID: "invalides / invalid",
    Outcome.DUPLICATE: "doublons / duplicates",
}


def plan_tables(plan: Plan, *, rows_shown: int = 12) -> list[Table]:
    """Rows per route and plan, then each kind of problem with the rows that have it."""
    by_route = Table(title=f"Plan — {plan.source.path.name}")
    by_route.add_column("Route")
    for planned in PLAN_CHOICES:
        by_route.add_column(_PLANNED_HEADINGS[planned], justify="right")
    by_route.add_column("total", justify="right", style="bold")
    routes = plan.by_route()
    for route in sorted(routes, key=lambda name: (name == "", name)):
        counts = routes[route]
        by_route.add_row(route or "(non routable / not routable)",
                         *(str(counts[p] or "") for p in PLAN_CHOICES), str(sum(counts.values())))
    totals = plan.counts()
    by_route.add_row("[bold]total", *(f"[bold]{totals[p]}" for p in PLAN_CHOICES),
                     str(sum(totals.values())), end_section=True)
    tables = [by_route]
    problems = plan.by_problem()
    if problems:
        by_problem = Table(title="Problèmes / Problems")
        by_problem.add_column("Problème / Problem", overflow="fold")
        by_problem.add_column("n", justify="right")
        by_problem.add_column("Lignes / Rows", overflow="fold")
        for kind, rows in sorted(problems.items(), key=lambda item: (-len(item[1]), item[0])):
            shown = ", ".join(str(row) for row in rows[:rows_shown])
            more = f" … (+{len(rows) - rows_shown})" if len(rows) > rows_shown else ""
            by_problem.add_row(kind, str(len(rows)), shown + more)
        tables.append(by_problem)
    return tables


def status_table(statuses: Counter[ResultStatus], *, title: str = "Résultat / Result") -> Table:
    """Rows of the file by final status."""
    table = Table(title=title)
    table.add_column("Statut / Status")
    table.add_column("Lignes / Rows", justify="right")
    for status in STATUSES:
        if statuses[status]:
            table.add_row(status.value, str(statuses[status]))
    table.add_row("[bold]total", f"[bold]{sum(statuses.values())}")
    return table
