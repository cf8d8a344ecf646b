"""Rich tables for the terminal: the plan summary and a run's outcome (counts, no client data).

In the run's language, and readable at 80 columns: routes are two-letter codes (the ones of
``prolong route --table``) spelled out in a legend under the table, headings are short words,
and long cells wrap between words, never inside one.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table

from flows.aide_memoire import ROUTE_CODES, ROUTE_WORDS, Route
from flows.bulk.plan import PLAN_OUTCOMES, Plan, Planned
from flows.bulk.report import STATUSES, ResultStatus
from flows.language import Locale, current, say
from flows.outcome import Outcome

__all__ = ["plan_tables", "route_legend", "status_table"]


def _planned_heading(planned: Planned | Outcome) -> str:
    """A column heading: one or two short words in the run's language (the code otherwise)."""
    headings = {
        Planned.ENTER: say(fr="à saisir", en="to enter"),
        Outcome.HANDED_OFF: say(fr="ailleurs", en="handed off"),
        Outcome.INVALID: say(fr="invalides", en="invalid"),
        Outcome.DUPLICATE: say(fr="doublons", en="duplicates"),
        Outcome.CONFLICT: say(fr="conflits", en="conflicts"),
    }
    return headings.get(planned, str(planned.value))


def _route_code(route: str) -> str:
    """The two letters of a route code (``""``: the row could not be routed)."""
    if not route:
        return "—"
    try:
        return ROUTE_CODES[Route(route)]
    except ValueError:  # a route this table does not know yet: its code, whole
        return route


def route_legend(routes: list[str]) -> Table:
    """What each route code of a table means, in the run's language."""
    english = current() is Locale.EN
    legend = Table.grid(padding=(0, 1))
    legend.add_column(no_wrap=True)
    legend.add_column()
    known = {route.value: route for route in Route}
    for route in routes:
        if route in known:
            legend.add_row(_route_code(route), f"{route}: {ROUTE_WORDS[known[route]][english]}")
        elif not route:
            legend.add_row(
                "—", say(fr="non routable (ligne invalide)", en="not routable (invalid row)")
            )
    return legend


def plan_tables(plan: Plan, *, rows_shown: int = 12) -> list[Table | Group]:
    """Rows per route and plan (with the routes' legend), then each kind of problem with the
    rows that have it."""
    by_route = Table(title=f"Plan — {plan.source.path.name}")
    by_route.add_column("Route", no_wrap=True)
    for planned in PLAN_OUTCOMES:
        by_route.add_column(_planned_heading(planned), justify="right")
    by_route.add_column("total", justify="right", style="bold")
    routes = plan.by_route()
    ordered = sorted(routes, key=lambda name: (name == "", name))
    for route in ordered:
        counts = routes[route]
        by_route.add_row(
            _route_code(route),
            *(str(counts[p] or "") for p in PLAN_OUTCOMES),
            str(sum(counts.values())),
        )
    totals = plan.counts()
    by_route.add_row(
        "[bold]total",
        *(f"[bold]{totals[p]}" for p in PLAN_OUTCOMES),
        str(sum(totals.values())),
        end_section=True,
    )
    tables: list[Table | Group] = [Group(by_route, route_legend(ordered))]
    problems = plan.by_problem()
    if problems:
        by_problem = Table(title=say(fr="Problèmes", en="Problems"))
        by_problem.add_column(say(fr="Problème", en="Problem"), ratio=3)
        by_problem.add_column("n", justify="right", no_wrap=True)
        by_problem.add_column(say(fr="Lignes", en="Rows"), ratio=1)
        for kind, rows in sorted(problems.items(), key=lambda item: (-len(item[1]), item[0])):
            shown = ", ".join(str(row) for row in rows[:rows_shown])
            more = f" … (+{len(rows) - rows_shown})" if len(rows) > rows_shown else ""
            by_problem.add_row(kind, str(len(rows)), shown + more)
        tables.append(by_problem)
    return tables


def status_table(statuses: Counter[ResultStatus], *, title: str | None = None) -> Table:
    """Rows of the file by final status (the statuses' codes, as in results.csv)."""
    table = Table(title=title or say(fr="Résultat", en="Result"))
    table.add_column(say(fr="Statut", en="Status"))
    table.add_column(say(fr="Lignes", en="Rows"), justify="right")
    for status in STATUSES:
        if statuses[status]:
            table.add_row(status.value, str(statuses[status]))
    table.add_row("[bold]total", f"[bold]{sum(statuses.values())}")
    return table
