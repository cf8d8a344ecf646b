"""The SQLite store: seed, search, opportunities, contracts, concurrency."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from fixtures.portal.store import NotFound, Store, WrongStage, compute_premium
from fixtures.portal.validation import Client, NewOpportunity, Residency, Trip

NOW = datetime(2026, 4, 20, 15, 0, tzinfo=UTC)
RESIDENT = Residency(True, True, True)


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(clock=lambda: NOW)
    yield s
    s.close()


def new_client(first: str = "Léa", last: str = "Roy") -> Client:
    return Client(
        None,
        first,
        last,
        date(1985, 3, 14),
        None,
        "(514) 555-0111",
        None,
        None,
        "QC",
        "H2X 1Y4",
        "fr",
    )


def top_up(start: date = date(2026, 5, 1), end: date = date(2026, 6, 30), days: int = 15) -> Trip:
    return Trip("DE", "study", start, end, None, True, days, "legacy_qc_on", True, False)


def account_names(result: dict[str, list[dict[str, str]]]) -> list[str]:
    return [a["name"] for a in result["accounts"]]


def test_seed_phone_search_matches_the_seed_document(store: Store) -> None:
    result = store.search("(514) 467-3193")
    assert account_names(result) == ["Test F.Int Nighal", "Jean Bonjour"]
    assert [o["name"] for o in result["opportunities"]] == [
        "QUO - Jean Bonjour - 2026-02-5 - 6947291"
    ]
    opp = result["opportunities"][0]
    assert (opp["record_type"], opp["stage"], opp["close_date"]) == (
        "PV Quote",
        "couverture",
        "2026-05-05",
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jean bonjour", ["Jean Bonjour"]),
        ("BONJOUR", ["Jean Bonjour"]),
        ("helene cote", ["Hélène Côté"]),
        ("Côté", ["Hélène Côté", "Gaétan Côté"]),
        ("005331409PV", ["Jean Bonjour"]),
        ("005331409", ["Jean Bonjour"]),
        ("5144673193", ["Test F.Int Nighal", "Jean Bonjour"]),
        ("819-555-0117", ["Hélène Côté", "Gaétan Côté"]),
        ("testfint_nighal@pv.bleuelab.ca", ["Test F.Int Nighal"]),
        ("F.Int", ["Test F.Int Nighal"]),
        ("o'connor", ["Sarah O'Connor"]),
        ("AA10482736", ["François Lévesque"]),
        ("aa 10482736", ["François Lévesque"]),
        ("LH12345", []),
        ("LH 00000", []),
        ("nobody", []),
    ],
)
def test_search(store: Store, query: str, expected: list[str]) -> None:
    assert account_names(store.search(query)) == expected


def test_homonyms_are_both_found_with_their_birth_dates(store: Store) -> None:
    rows = store.search("marie tremblay")["accounts"]
    assert sorted(r["birth_date"] for r in rows) == ["1962-03-14", "1988-11-02"]


def test_contract_number_finds_the_sold_opportunity(store: Store) -> None:
    opps = store.search("AA10482736")["opportunities"]
    assert [(o["stage"], o["contract_number"]) for o in opps] == [("vendue", "AA10482736")]


def test_account_has_age_and_opportunities_with_trip_dates(store: Store) -> None:
    jean_id = store.search("jean bonjour")["accounts"][0]["id"]
    account = store.account(jean_id)
    assert (account["age"], account["client_number"], account["language"]) == (
        76,
        "005331409PV",
        "fr",
    )
    assert account["opportunities"][0]["trip_start"] == "2026-03-01"


def test_unknown_ids_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.account("001nope")
    with pytest.raises(NotFound):
        store.opportunity("006nope")
    with pytest.raises(NotFound):
        store.finalize("006nope")


def test_new_client_opportunity_name_and_account(store: Store) -> None:
    opp = store.create_opportunity(NewOpportunity(None, new_client(), True, False, RESIDENT))
    assert re.fullmatch(r"QUO - Léa Roy - 2026-04-20 - \d{7}", opp["name"])
    assert (opp["stage"], opp["close_date"], opp["trip"]) == ("voyage", "2026-07-20", None)
    account = store.account(opp["account_id"])
    assert re.fullmatch(r"\d{9}PV", account["client_number"])
    assert account_names(store.search("lea roy")) == ["Léa Roy"]


def test_existing_account_is_updated_by_the_form(store: Store) -> None:
    jean_id = store.search("jean bonjour")["accounts"][0]["id"]
    client = Client(
        None,
        "Jean",
        "Bonjour",
        date(1950, 1, 1),
        "nouveau@exemple.ca",
        "(514) 467-3193",
        None,
        "Montréal",
        "QC",
        "H3A 2Y1",
        "fr",
    )
    opp = store.create_opportunity(NewOpportunity(jean_id, client, True, False, RESIDENT))
    assert opp["account_id"] == jean_id
    assert store.account(jean_id)["email"] == "nouveau@exemple.ca"


def test_full_sale_and_idempotent_finalize(store: Store) -> None:
    opp = store.create_opportunity(NewOpportunity(None, new_client(), True, False, RESIDENT))
    with pytest.raises(WrongStage):
        store.finalize(opp["id"])
    priced = store.complete_voyage(opp["id"], top_up())
    assert (priced["stage"], priced["product"], priced["trip_days"]) == ("couverture", "top_up", 61)
    with pytest.raises(WrongStage):
        store.complete_voyage(opp["id"], top_up())
    sold = store.finalize(opp["id"])
    again = store.finalize(opp["id"])
    assert sold["stage"] == "vendue"
    assert re.fullmatch(r"AA\d{8}", sold["contract_number"])
    assert again["contracts"] == sold["contracts"]
    assert sold["contracts"][0]["purchase_date"] == "2026-04-20"
    assert [c["number"] for c in store.contracts()].count(sold["contract_number"]) == 1


def test_premium_counts_only_days_not_covered_by_the_other_insurer() -> None:
    # Aged 41 at departure: 3.75 a day; 61 days minus 15 covered by the legacy contract.
    assert compute_premium(top_up(), date(1985, 3, 14)) == Decimal("172.50")
    # Aged 76: 13.20 a day.
    assert compute_premium(top_up(), date(1950, 1, 1)) == Decimal("607.20")


def test_premium_has_a_minimum_and_cancellation_on_trip_cost() -> None:
    one_day = Trip(
        "US", "vacation", date(2026, 5, 1), date(2026, 5, 1), None, False, None, None, True, False
    )
    assert compute_premium(one_day, date(1990, 1, 1)) == Decimal("20.00")
    cancel = Trip(
        "US", "vacation", date(2026, 5, 1), date(2026, 5, 10), 1000.0, False, None, None, True, True
    )
    # Aged 36: 10 days × 3.75 + 6.5 % of 1000.00.
    assert compute_premium(cancel, date(1990, 1, 1)) == Decimal("102.50")


def test_reset_restores_the_seed_and_its_ids(store: Store) -> None:
    jean_id = store.search("jean bonjour")["accounts"][0]["id"]
    store.create_opportunity(NewOpportunity(None, new_client(), True, False, RESIDENT))
    store.reset()
    assert store.search("lea roy")["accounts"] == []
    assert store.search("jean bonjour")["accounts"][0]["id"] == jean_id
    assert [c["number"] for c in store.contracts()] == ["AA10482736"]


def test_contract_number_and_one_contract_per_opportunity_are_enforced(store: Store) -> None:
    opp_id = store.search("AA10482736")["opportunities"][0]["id"]
    with store._db.tx() as db, pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO contracts VALUES ('AA00000001', ?, '2026-04-20', 'x', 1,"
            " '2026-05-01', '2026-05-02', NULL, NULL)",
            (opp_id,),
        )
    with store._db.tx() as db, pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO contracts VALUES ('LH12345', ?, '2026-04-20', 'x', 1,"
            " '2026-05-01', '2026-05-02', NULL, NULL)",
            ("006other",),
        )


def test_concurrent_creates_and_finalizes_never_duplicate(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "sim.db"), clock=lambda: NOW)
    opps = [
        store.complete_voyage(
            store.create_opportunity(
                NewOpportunity(None, new_client(last=f"Roy{i}"), True, False, RESIDENT)
            )["id"],
            top_up(),
        )["id"]
        for i in range(6)
    ]
    barrier = threading.Barrier(12)
    numbers: list[str] = []
    failures: list[BaseException] = []

    def finalize_twice(opp_id: str) -> None:
        try:
            barrier.wait()
            numbers.extend(store.finalize(opp_id)["contract_number"] for _ in range(2))
        except BaseException as exc:  # reported below: a thread's exception is otherwise lost
            failures.append(exc)

    def create() -> None:
        try:
            barrier.wait()
            store.create_opportunity(NewOpportunity(None, new_client(), True, False, RESIDENT))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=finalize_twice, args=(o,)) for o in opps]
    threads += [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    issued = [c for c in store.contracts() if c["opportunity_id"] in opps]
    assert len(issued) == 6
    assert len({c["number"] for c in issued}) == 6
    assert sorted(set(numbers)) == sorted(c["number"] for c in issued)
    assert account_names(store.search("lea roy")).count("Léa Roy") == 6
    store.close()


def test_file_database_keeps_records_across_restarts(tmp_path: Path) -> None:
    path = str(tmp_path / "sim.db")
    first = Store(path, clock=lambda: NOW)
    first.create_opportunity(NewOpportunity(None, new_client(), True, False, RESIDENT))
    first.close()
    second = Store(path, clock=lambda: NOW)
    assert account_names(second.search("lea roy")) == ["Léa Roy"]
    assert len(second.search("jean bonjour")["accounts"]) == 1  # not seeded twice
    second.close()


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("O’Brien", "o'brien"),
        ("O'Brien", "O’Brien"),
        ("O’Brien", "Liam O’BRIEN"),
    ],
)
def test_apostrophes_straight_and_typographic_find_each_other(
    store: Store, stored: str, typed: str
) -> None:
    store.create_opportunity(
        NewOpportunity(None, new_client("Liam", stored), True, False, RESIDENT)
    )
    assert account_names(store.search(typed)) == [f"Liam {stored}"]


def test_typographic_apostrophe_finds_the_seed_client(store: Store) -> None:
    assert account_names(store.search("O’Connor")) == ["Sarah O'Connor"]
