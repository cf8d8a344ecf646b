"""Rich tables for the terminal: the plan summary and a run's outcome (counts, no client data)."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from flows.bulk.plan import Plan, Planned
from flows.bulk.report import STATUSES

__all__ = ["plan_tables", "status_table"]

_PLANNED_HEADINGS = {
    Planned.ENTER: "à saisir / to enter",
    Planned.HANDED_OFF: "ailleurs / handed off",
    Planned.INVALID: "invalides / invalid",
    Planned.DUPLICATE: "doublons / duplicates",
}


def plan_tables(plan: Plan, *, rows_shown: int = 12) -> list[Table]:
    """Rows per route and plan, then each kind of problem with the rows that have it."""
    by_route = Table(title=f"Plan — {plan.source.path.name}")
    by_route.add_column("Route")
    for planned in Planned:
        by_route.add_column(_PLANNED_HEADINGS[planned], justify="right")
    by_route.add_column("total", justify="right", style="bold")
    routes = plan.by_route()
    for route in sorted(routes, key=lambda name: (name == "", name)):
        counts = routes[route]
        by_route.add_row(route or "(non routable / not routable)",
                         *(str(counts[p] or "") for p in Planned), str(sum(counts.values())))
    totals = plan.counts()
    by_route.add_row("[bold]total", *(f"[bold]{totals[p]}" for p in Planned),
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


def status_table(statuses: Counter[str], *, title: str = "Résultat / Result") -> Table:
    """Rows of the file by final status."""
    table = Table(title=title)
    table.add_column("Statut / Status")
    table.add_column("Lignes / Rows", justify="right")
    for status in STATUSES:
        if statuses[status]:
            table.add_row(status, str(statuses[status]))
    table.add_row("[bold]total", f"[bold]{sum(statuses.values())}")
    return table
