"""The journal on a real PostgreSQL: migrations, claims with leases, one sale at a time per
client and trip, loads from several machines, and the database going away."""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from automation.runtime.settings import Locale
from flows.bulk.journal import (
    ClaimLost,
    Journal,
    JournalTooNew,
    JournalUnavailable,
    OtherOpportunity,
    State,
)
from flows.bulk.journal._migrations import LATEST
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from flows.cli.bulk import app
from flows.language import choose
from flows.outcome import Outcome
from tests.flows.bulk.conftest import make_row, write_csv
from tests.postgresql import PostgresServer

pytestmark = pytest.mark.postgresql


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    """Messages in French, the default language, whatever the environment says."""
    choose(Locale.FR)
    yield
    choose(None)


def _plan(tmp_path: Path, rows: list[dict[str, str]], name: str = "requests.csv") -> Plan:
    return make_plan(read_requests(write_csv(tmp_path / name, rows)))


@pytest.fixture
def journal(postgresql_url: str) -> Iterator[Journal]:
    opened = Journal(postgresql_url)
    yield opened
    opened.close()


def test_an_empty_database_becomes_a_journal_at_the_latest_version(postgresql_url: str) -> None:
    opened: list[Journal] = []
    # Two machines opening a new journal at once: the advisory lock migrates it once.
    threads = [
        threading.Thread(target=lambda: opened.append(Journal(postgresql_url))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 2
    for journal in opened:
        assert journal.meta()["schema"] == str(LATEST)
        assert journal.shared
        journal.close()


def test_a_journal_database_of_a_newer_prolong_is_refused(postgresql_url: str) -> None:
    Journal(postgresql_url).close()
    with psycopg.connect(postgresql_url, autocommit=True) as db:
        db.execute("UPDATE meta SET value = %s WHERE name = 'schema'", (str(LATEST + 1),))
    with pytest.raises(
        JournalTooNew, match=f"schéma {LATEST + 1}, celle-ci connaît jusqu’au schéma {LATEST}"
    ):
        Journal(postgresql_url)


def test_the_password_of_the_url_is_never_shown(postgresql_server: PostgresServer) -> None:
    port = postgresql_server.port
    url = f"postgresql://postgres:s3cret@127.0.0.1:{port}/nothing_here"
    with pytest.raises(JournalUnavailable) as refused:
        Journal(url, outage_s=0.5)
    assert "s3cret" not in str(refused.value)
    assert f"postgresql://postgres:***@127.0.0.1:{port}/nothing_here" in str(refused.value)


def test_a_request_goes_through_its_states_on_postgresql(tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(1), make_row(2)]))
    claim = journal.claim("w1")
    assert claim is not None and claim.row == 2 and not claim.check_first
    journal.submitting(claim.key, "QUO - 1", "w1")
    journal.issued(claim.key, "w1", contract_number="AA1", opportunity_name="QUO", premium="42.00")
    assert [(e.from_state, e.to_state) for e in journal.events(claim.key)] == [
        (None, State.PENDING),
        (State.PENDING, State.IN_PROGRESS),
        (State.IN_PROGRESS, State.SUBMITTING),
        (State.SUBMITTING, Outcome.ISSUED),
    ]
    entry = journal.entry(claim.key)
    assert entry is not None and entry.new_contract_number == "AA1" and entry.money is not None
    assert journal.state_counts() == {Outcome.ISSUED: 1, State.PENDING: 1}


def test_workers_of_two_machines_never_claim_the_same_request(
    tmp_path: Path, postgresql_url: str
) -> None:
    machines = [Journal(postgresql_url), Journal(postgresql_url)]
    machines[0].load(_plan(tmp_path, [make_row(n) for n in range(60)]))
    claimed: list[str] = []
    lock = threading.Lock()

    def work(journal: Journal, name: str) -> None:
        while (claim := journal.claim(name)) is not None:
            with lock:
                claimed.append(claim.key)

    threads = [threading.Thread(target=work, args=(machines[n % 2], f"w{n}")) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for journal in machines:
        journal.close()
    assert len(claimed) == len(set(claimed)) == 60


def test_an_expired_claim_is_taken_over_and_checked_first_when_it_may_be_sold(
    tmp_path: Path, postgresql_url: str
) -> None:
    dead = Journal(postgresql_url, lease_s=1.0)
    dead.load(_plan(tmp_path, [make_row(1)]))
    claim = dead.claim("w1")
    assert claim is not None
    dead.submitting(claim.key, "QUO - 1", "w1")
    dead.close()  # the machine dies: nobody renews its lease
    alive = Journal(postgresql_url, lease_s=30.0)
    assert alive.claim("w1") is None  # not before the lease runs out
    deadline = time.monotonic() + 10
    while (taken := alive.claim("w1")) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert taken is not None and taken.key == claim.key and taken.check_first
    assert (
        journal_details(alive, claim.key)[-1]
        == "lease expired: taken over, to check the portal first"
    )
    with Journal(postgresql_url) as late:  # the first machine comes back, too late
        late.holder = dead.holder
        with pytest.raises(ClaimLost):
            late.issued(claim.key, "w1", contract_number="AA9", opportunity_name="Q", premium=None)
    alive.finish(claim.key, Outcome.FAILED, "w1", message="checked")
    alive.close()


def journal_details(journal: Journal, key: str) -> list[str]:
    """The details of ``key``'s events, oldest first."""
    return [event.detail for event in journal.events(key)]


def test_a_live_claim_is_renewed_and_never_taken_over(tmp_path: Path, postgresql_url: str) -> None:
    working = Journal(postgresql_url, lease_s=1.0)
    working.load(_plan(tmp_path, [make_row(1)]))
    claim = working.claim("w1")
    assert claim is not None
    other = Journal(postgresql_url)
    deadline = time.monotonic() + 3  # three leases long
    while time.monotonic() < deadline:
        assert other.claim("w1") is None
        time.sleep(0.2)
    working.submitting(claim.key, "QUO", "w1")
    working.finish(claim.key, Outcome.SKIPPED, "w1", message="done")
    working.close()
    other.close()


def test_a_claim_whose_renewals_were_late_still_finalises_with_a_full_lease(
    tmp_path: Path, postgresql_url: str
) -> None:
    # A database restart or a busy machine delays the renewals: a worker reaching « Finaliser la
    # vente » with little of its lease left still holds the request. Refusing it there left the
    # request held, renewed and worked by nobody: both machines waited for it for ever.
    working = Journal(postgresql_url, lease_s=30.0)
    working.load(_plan(tmp_path, [make_row(1)]))
    claim = working.claim("w1")
    assert claim is not None
    with psycopg.connect(postgresql_url, autocommit=True) as db:
        db.execute("UPDATE requests SET lease_until = EXTRACT(EPOCH FROM clock_timestamp()) + 1")
        working.submitting(claim.key, "QUO", "w1")
        (left,) = db.execute(
            "SELECT lease_until - EXTRACT(EPOCH FROM clock_timestamp()) FROM requests"
        ).fetchone() or (0.0,)
    assert left > 25  # renewed in full: nobody can take it over during the click
    working.issued(claim.key, "w1", contract_number="AA1", opportunity_name="QUO", premium=None)
    working.close()


def test_a_request_is_finalised_on_the_opportunity_recorded_first_or_handed_off(
    tmp_path: Path, postgresql_url: str
) -> None:
    # Machine A recorded « submitting » on one opportunity, then froze before its click; B took
    # the request over. B may finalise that opportunity (the portal sells it once), no other.
    frozen = Journal(postgresql_url, lease_s=1.0)
    frozen.load(_plan(tmp_path, [make_row(1)]))
    first = frozen.claim("w1")
    assert first is not None
    frozen.submitting(first.key, "QUO - A", "w1")
    frozen.close()  # nobody renews its lease any more
    taker = Journal(postgresql_url, lease_s=30.0)
    deadline = time.monotonic() + 10
    while (taken := taker.claim("w2")) is None or taken.key != first.key:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    with pytest.raises(OtherOpportunity):
        taker.submitting(first.key, "QUO - B", "w2")
    entry = taker.entry(first.key)
    assert entry is not None and entry.state is Outcome.HANDED_OFF and entry.check_first
    # A's click went through after all: its sale is recorded, late.
    with Journal(postgresql_url) as late:
        late.holder = frozen.holder
        late.issued(
            first.key, "w1", contract_number="AA7", opportunity_name="QUO - A", premium=None
        )
    entry = taker.entry(first.key)
    assert entry is not None and entry.state is Outcome.ISSUED
    assert entry.new_contract_number == "AA7"
    # The same opportunity again is the same sale: finalised (the portal keeps one contract).
    taker.load(_plan(tmp_path, [make_row(1), make_row(2)], "more.csv"))
    second = taker.claim("w2")
    assert second is not None
    taker.submitting(second.key, "QUO - C", "w2")
    taker.release(second.key, "w2", reason="fault after the click", check_first=True)
    again = taker.claim("w2")
    assert again is not None and again.key == second.key
    taker.submitting(second.key, "QUO - C", "w2")
    taker.issued(second.key, "w2", contract_number="AA8", opportunity_name="QUO - C", premium=None)
    taker.close()


def test_one_request_per_client_and_trip_is_in_flight_across_machines(
    tmp_path: Path, postgresql_url: str
) -> None:
    first, second = Journal(postgresql_url), Journal(postgresql_url)
    # The same client and trip under two legacy contracts: two requests, one identity.
    first.load(_plan(tmp_path, [make_row(1), make_row(1, contract_number="LH29999")]))
    claim = first.claim("w1")
    assert claim is not None
    assert second.claim("w1") is None  # the other one waits for the first one's outcome
    with (
        psycopg.connect(postgresql_url, autocommit=True) as db,
        pytest.raises(psycopg.errors.UniqueViolation),
    ):
        # Even a claim that raced past the check is refused by the database itself.
        db.execute("UPDATE requests SET state = 'in_progress' WHERE state = 'pending'")
    first.finish(claim.key, Outcome.FAILED, "w1", message="portal down")
    after = second.claim("w1")
    assert after is not None and after.key != claim.key
    first.close()
    second.close()


def test_two_trips_of_one_client_are_never_in_flight_at_once(
    tmp_path: Path, postgresql_url: str
) -> None:
    # A client the portal does not know yet gets an account from the walk: two walks of two of
    # their trips at once would create two accounts, and every later walk would stop on two
    # matching accounts (handed off). So a client is in one worker's hands at a time.
    first, second = Journal(postgresql_url), Journal(postgresql_url)
    other_trip = {
        "contract_number": "LH29998",
        "trip_start": "2026-09-01",
        "trip_end": "2026-09-30",
    }
    first.load(_plan(tmp_path, [make_row(1), make_row(1, **other_trip), make_row(2)]))
    claim = first.claim("w1")
    assert claim is not None and claim.row == 2
    taken = second.claim("w1")
    assert taken is not None and taken.row == 4  # the other client, not the other trip
    assert second.claim("w2") is None
    first.finish(claim.key, Outcome.FAILED, "w1", message="portal down")
    after = second.claim("w2")
    assert after is not None and after.row == 3
    first.close()
    second.close()


def test_the_same_and_an_overlapping_file_loaded_on_two_machines_give_one_set(
    tmp_path: Path, postgresql_url: str
) -> None:
    machines = [Journal(postgresql_url) for _ in range(3)]
    same = _plan(tmp_path, [make_row(n) for n in range(20)], "a.csv")
    overlapping = _plan(tmp_path, [make_row(n) for n in range(10, 30)], "b.csv")
    threads = [
        threading.Thread(target=machine.load, args=(plan,))
        for machine, plan in zip(machines, (same, same, overlapping), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = machines[0].entries(listed_only=True)
    assert len(entries) == len({e.key for e in entries}) == 30
    assert machines[0].state_counts() == {State.PENDING: 30}
    for machine in machines:
        machine.close()


def test_a_load_leaves_the_requests_another_machine_holds(
    tmp_path: Path, postgresql_url: str
) -> None:
    working, loading = Journal(postgresql_url), Journal(postgresql_url)
    plan = _plan(tmp_path, [make_row(1), make_row(2)])
    working.load(plan)
    claim = working.claim("w1")
    assert claim is not None
    summary = loading.load(plan)
    assert summary.recovered == 0 and summary.kept == 1
    entry = loading.entry(claim.key)
    assert entry is not None and entry.state is State.IN_PROGRESS
    working.finish(claim.key, Outcome.SKIPPED, "w1", message="done")  # still its to finish
    working.close()
    loading.close()


def _waiting_on_a_lock(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as db:
        found = db.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
    return found is not None and found[0] > 0


def test_a_load_racing_a_claim_leaves_the_claimed_request_to_its_worker(
    tmp_path: Path, postgresql_url: str
) -> None:
    # Seen in CI: machine b's load read a request pending, machine a's claim committed, and the
    # load then planned the claimed request again (in_progress → pending). Another worker then
    # walked a second request of that client at once, and the portal got the client twice.
    # Here the claim's transaction is held open while the load runs into it.
    plan = _plan(tmp_path, [make_row(1)])
    loading = Journal(postgresql_url)
    loading.load(plan)
    (key,) = [item.key for item in plan.items]
    with psycopg.connect(postgresql_url) as claiming:
        claiming.execute(
            "UPDATE requests SET state = 'in_progress', worker = 'w9', holder = 'elsewhere', "
            "lease_until = EXTRACT(EPOCH FROM clock_timestamp()) + 600 WHERE key = %s",
            (key,),
        )
        load = threading.Thread(target=loading.load, args=(plan,))
        load.start()
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(postgresql_url):
            assert load.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)  # polling PostgreSQL's lock table
        claiming.commit()
    load.join(timeout=30)
    entry, story = loading.entry(key), journal_details(loading, key)
    loading.close()
    assert entry is not None and entry.state is State.IN_PROGRESS, story


def test_a_restarted_database_is_waited_for_and_nothing_is_lost(
    tmp_path: Path, postgresql_server: PostgresServer, postgresql_url: str
) -> None:
    journal = Journal(postgresql_url, outage_s=30.0)
    journal.load(_plan(tmp_path, [make_row(1), make_row(2)]))
    claim = journal.claim("w1")
    assert claim is not None
    postgresql_server.restart()  # every pooled connection is cut
    journal.submitting(claim.key, "QUO", "w1")
    journal.issued(claim.key, "w1", contract_number="AA1", opportunity_name="QUO", premium=None)
    assert [e.to_state for e in journal.events(claim.key)][-2:] == [
        State.SUBMITTING,
        Outcome.ISSUED,
    ]
    journal.close()


def test_a_database_that_stays_away_stops_with_journal_unavailable(
    tmp_path: Path, postgresql_server: PostgresServer, postgresql_url: str
) -> None:
    journal = Journal(postgresql_url, outage_s=1.5)
    journal.load(_plan(tmp_path, [make_row(1)]))
    postgresql_server.stop()
    try:
        with pytest.raises(JournalUnavailable, match=r"est injoignable depuis 1\.5 s"):
            journal.claim("w1")
    finally:
        postgresql_server.start()
    assert journal.claim("w1") is not None  # the pool reconnects once it is back
    journal.close()


def test_eight_workers_in_two_processes_finish_5000_requests_once_each(
    tmp_path: Path, postgresql_url: str
) -> None:
    rows = 5000
    with Journal(postgresql_url) as journal:
        journal.load(_plan(tmp_path, [make_row(n) for n in range(rows)]))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.flows.bulk.claim_workers", postgresql_url, "4", str(n)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[3],
        )
        for n in (1, 2)
    ]
    outputs = [process.communicate(timeout=900)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    done = [line.split()[0] for output in outputs for line in output.splitlines()]
    assert len(done) == len(set(done)) == rows  # none done twice, none lost
    assert all(output for output in outputs)  # both processes took their share
    with Journal(postgresql_url) as journal:
        assert journal.state_counts() == {Outcome.ISSUED: rows}
        issued = [e.key for e in journal.events() if e.to_state is Outcome.ISSUED]
        claims = [e for e in journal.events() if e.to_state is State.IN_PROGRESS]
        assert len(issued) == len(set(issued)) == rows
        assert len(claims) == rows  # one claim per request: nothing claimed twice
        assert {e.worker for e in claims} == {f"p{p}w{w}" for p in (1, 2) for w in range(1, 5)}


def test_bulk_report_reads_a_shared_journal_named_by_the_setting(
    tmp_path: Path, postgresql_url: str
) -> None:
    with Journal(postgresql_url) as journal:
        journal.load(_plan(tmp_path, [make_row(1), make_row(2)]))
    result = CliRunner().invoke(
        app,
        ["report", "--out", str(tmp_path / "out")],
        env={"PROLONG_JOURNAL_URL": postgresql_url, "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "out" / "results.csv").open(encoding="utf-8", newline="") as stream:
        assert [row["status"] for row in csv.DictReader(stream)] == ["pending", "pending"]


def test_a_run_whose_journal_database_is_away_exits_3_with_a_message(
    tmp_path: Path, postgresql_server: PostgresServer
) -> None:
    away = f"postgresql://postgres@127.0.0.1:{postgresql_server.port}/no_such_database"
    file = write_csv(tmp_path / "requests.csv", [make_row(1)])
    result = CliRunner().invoke(
        app,
        ["run", str(file), "--journal", away, "--out", str(tmp_path / "out")],
        env={
            "COLUMNS": "200",
            "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
            "PROLONG_JOURNAL_OUTAGE_S": "1",
        },
    )
    assert result.exit_code == 3, result.output
    assert "no_such_database est injoignable" in result.output
