"""The portal is the ledger: what a client's opportunities say about one trip.

Before a new opportunity is opened, the walk reads the client's account (``read_ledger``):

- an opportunity for the trip's dates with a contract: the trip is sold (``Ledger.sold``), and
  is not sold again unless a person decided so (``sell_again``);
- one for those dates without a contract, at the Voyage or Couverture stage: a draft to
  continue (``Ledger.unfinished``), so a retry leaves no second draft behind;
- one the account did not show when the walk first read it (``known``): the walk's own, opened
  before a fault (its trip dates are saved only when its Voyage stage is complete): continued
  too, or, sold already, the walk's own sale whose answer was lost.

A pure function of the rows, so its rules are pinned without a browser.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from automation.labels import Labels
from automation.pages.opportunity import CONTRACT_NUMBER
from automation.portal_dates import read_day
from automation.text import fold

__all__ = ["FoundSale", "Ledger", "read_ledger"]


@dataclass(frozen=True)
class FoundSale:
    """A contract the client's account already shows for the trip."""

    contract_number: str
    opportunity_name: str


@dataclass(frozen=True)
class Ledger:
    """What the account says about the trip: sold, a draft to continue, or neither."""

    sold: FoundSale | None = None
    unfinished: Mapping[str, str] | None = None


def read_ledger(
    rows: Sequence[Mapping[str, str]],
    labels: Labels,
    trip: tuple[date, date],
    *,
    known: Collection[str],
    sell_again: bool = False,
) -> Ledger:
    """Read the account's opportunity ``rows`` for the ``trip`` (start, end); ``known`` are the
    opportunity names the account showed before the walk created any."""
    name_of = labels.col_opportunity_name

    def contract(row: Mapping[str, str]) -> str:
        found = CONTRACT_NUMBER.search(row.get(labels.col_contract_number, ""))
        return found.group(0) if found else ""

    same_trip = [
        row
        for row in rows
        if read_day(row.get(labels.col_trip_start, ""), labels.locale) == trip[0]
        and read_day(row.get(labels.col_trip_end, ""), labels.locale) == trip[1]
    ]
    if not sell_again:
        for row in same_trip:
            if contract(row):
                return Ledger(sold=FoundSale(contract(row), row.get(name_of, "")))
    ours = [row for row in rows if row.get(name_of, "") not in known]
    open_stages = {fold(labels.stage_voyage), fold(labels.stage_coverage)}
    for row in [*same_trip, *ours]:
        if not contract(row) and fold(row.get(labels.col_stage, "")) in open_stages:
            return Ledger(unfinished=row)
    for row in ours:
        if contract(row):
            return Ledger(sold=FoundSale(contract(row), row.get(name_of, "")))
    return Ledger()
