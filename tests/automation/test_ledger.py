"""The ledger's rules, on rows as the account's related list shows them (no browser)."""

from __future__ import annotations

from datetime import date

from automation.labels import FRENCH
from automation.ledger import FoundSale, Ledger, read_ledger

TRIP = (date(2026, 12, 1), date(2027, 1, 15))
L = FRENCH


def row(
    name: str, stage: str, contract: str = "", start: str = "2026-12-01", end: str = "2027-01-15"
) -> dict[str, str]:
    return {
        L.col_opportunity_name: name,
        L.col_stage: stage,
        L.col_contract_number: contract,
        L.col_trip_start: start,
        L.col_trip_end: end,
    }


def test_a_sale_of_the_same_trip_is_found() -> None:
    rows = [row("QUO - A", L.stage_sold, "AA12345678"), row("QUO - B", L.stage_voyage)]
    assert read_ledger(rows, L, TRIP, known={"QUO - A", "QUO - B"}) == Ledger(
        sold=FoundSale("AA12345678", "QUO - A")
    )


def test_a_sale_of_another_trip_is_not_this_one() -> None:
    rows = [row("QUO - A", L.stage_sold, "AA12345678", end="2027-01-16")]
    assert read_ledger(rows, L, TRIP, known={"QUO - A"}) == Ledger()


def test_dates_are_read_in_any_style_the_portal_shows() -> None:
    rows = [row("QUO - A", L.stage_sold, "AA12345678", start="déc. 1, 2026", end="15 janv. 2027")]
    assert read_ledger(rows, L, TRIP, known={"QUO - A"}).sold is not None


def test_sell_again_skips_the_sale_but_continues_a_draft() -> None:
    sold, draft = row("QUO - A", L.stage_sold, "AA12345678"), row("QUO - B", L.stage_coverage)
    ledger = read_ledger([sold, draft], L, TRIP, known={"QUO - A", "QUO - B"}, sell_again=True)
    assert ledger == Ledger(unfinished=draft)


def test_the_walks_own_draft_without_dates_is_continued() -> None:
    older = row("QUO - old", L.stage_voyage, start="", end="")
    mine = row("QUO - mine", L.stage_voyage, start="", end="")
    assert read_ledger([older, mine], L, TRIP, known={"QUO - old"}) == Ledger(unfinished=mine)


def test_an_older_draft_of_another_trip_is_left_alone() -> None:
    older = row("QUO - old", L.stage_voyage, start="", end="")
    assert read_ledger([older], L, TRIP, known={"QUO - old"}) == Ledger()


def test_the_walks_own_sale_whose_answer_was_lost_is_found() -> None:
    mine = row("QUO - mine", L.stage_sold, "AA87654321", start="", end="")
    assert read_ledger([mine], L, TRIP, known=set(), sell_again=True).sold == FoundSale(
        "AA87654321", "QUO - mine"
    )
