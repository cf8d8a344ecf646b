"""The journal: states, atomic claims, events, recovery of a dead run, one run at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.bulk.journal import Journal, JournalBusy, JournalConflict, JournalLock, State
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from tests.flows.bulk.conftest import handed_off_row, invalid_row, make_row, write_csv


def _plan(tmp_path: Path, rows: list[dict[str, str]], name: str = "requests.csv") -> Plan:
    return make_plan(read_requests(write_csv(tmp_path / name, rows)))


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "out" / "journal.sqlite")
    yield opened
    opened.close()


def test_loading_a_plan_records_each_request_once_with_its_planned_state(
        tmp_path: Path, journal: Journal) -> None:
    plan = _plan(tmp_path, [make_row(1), handed_off_row(2), invalid_row(3), make_row(1)])
    summary = journal.load(plan)
    assert (summary.new, summary.recovered) == (3, 0)
    assert [e.state for e in journal.entries()] == [State.PENDING, State.HANDED_OFF,
                                                    State.INVALID]
    assert [(r.row, r.duplicate_of) for r in journal.rows()] == [(2, None), (3, None), (4, None),
                                                                 (5, 2)]
    assert journal.entries()[1].where_fr.startswith("Info-partenaires.ca")
    assert sorted(p.split(":")[0] for p in journal.entries()[2].problems) == ["claim",
                                                                         "destination"]
    assert (journal.path.stat().st_mode & 0o077) == 0


def test_a_request_goes_through_its_states_and_each_change_is_an_event(
        tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(1)]))
    claim = journal.claim("w1")
    assert claim is not None and not claim.check_first and claim.row == 2
    assert journal.claim("w2") is None
    journal.submitting(claim.key, "QUO - A. M. - 2026-06-05 - 1234567", "w1")
    journal.issued(claim.key, "w1", contract_number="AA10000001", opportunity_name="QUO",
                   premium="42.00")
    entry = journal.entry(claim.key)
    assert entry is not None and entry.state is State.ISSUED
    assert entry.new_contract_number == "AA10000001"
    assert [(e.from_state, e.to_state) for e in journal.events(claim.key)] == [
        (None, State.PENDING), (State.PENDING, State.IN_PROGRESS),
        (State.IN_PROGRESS, State.SUBMITTING), (State.SUBMITTING, State.ISSUED)]
    with pytest.raises(JournalConflict, match="is issued"):
        journal.submitting(claim.key, "again", "w1")


def test_concurrent_workers_never_claim_the_same_request(tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(n) for n in range(40)]))
    claimed: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (claim := journal.claim(name)) is not None:
            with lock:
                claimed.append(claim.key)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == len(set(claimed)) == 40


def test_claims_across_processes_are_exclusive(tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(n) for n in range(30)]))
    script = ("import sys; from pathlib import Path; from flows.bulk.journal import Journal\n"
              "j = Journal(Path(sys.argv[1]))\n"
              "while (c := j.claim(sys.argv[2])) is not None: print(c.key, flush=True)\n")
    processes = [subprocess.Popen([sys.executable, "-c", script, str(journal.path), f"p{n}"],
                                  stdout=subprocess.PIPE, text=True) for n in range(3)]
    keys = [line for p in processes for line in p.communicate()[0].split()]
    assert len(keys) == len(set(keys)) == 30


def test_a_dead_run_is_recovered_and_its_requests_are_checked_first(
        tmp_path: Path, journal: Journal) -> None:
    plan = _plan(tmp_path, [make_row(1), make_row(2), make_row(3)])
    journal.load(plan)
    first, second = journal.claim("w1"), journal.claim("w2")
    assert first is not None and second is not None
    journal.submitting(second.key, "QUO", "w2")
    # The process dies here; the next run loads the same plan.
    summary = journal.load(plan)
    assert summary.recovered == 2
    claims = [journal.claim("w1"), journal.claim("w1"), journal.claim("w1")]
    assert [c.check_first for c in claims if c] == [True, True, False]
    assert {c.key for c in claims[:2] if c} == {first.key, second.key}
    assert "run interrupted" in journal.events(second.key)[-2].detail


def test_reloading_keeps_issued_and_reruns_failed_and_skipped(tmp_path: Path,
                                                              journal: Journal) -> None:
    plan = _plan(tmp_path, [make_row(1), make_row(2), make_row(3)])
    journal.load(plan)
    one, two, three = (journal.claim("w") for _ in range(3))
    assert one and two and three
    journal.issued(one.key, "w", contract_number="AA10000001", opportunity_name="Q", premium=None)
    journal.finish(two.key, State.FAILED, "w", message="portal down", check_first=True)
    journal.finish(three.key, State.SKIPPED, "w", message="skipped")
    summary = journal.load(plan)
    assert (summary.kept, summary.replanned) == (1, 2)
    states = {e.key: (e.state, e.check_first) for e in journal.entries()}
    assert states == {one.key: (State.ISSUED, False), two.key: (State.PENDING, True),
                      three.key: (State.PENDING, False)}


def test_a_portal_hand_off_holds_until_the_row_changes(tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(1)]))
    claim = journal.claim("w")
    assert claim is not None
    journal.finish(claim.key, State.HANDED_OFF, "w", message="two accounts match")
    journal.load(_plan(tmp_path, [make_row(1)]))
    assert journal.entries()[0].state is State.HANDED_OFF
    journal.load(_plan(tmp_path, [make_row(1, phone="416 555 0199")], "fixed.csv"))
    assert journal.entries()[0].state is State.PENDING


def test_rows_gone_from_the_file_are_not_claimed(tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(1), make_row(2)]))
    journal.load(_plan(tmp_path, [make_row(2)], "smaller.csv"))
    claim = journal.claim("w")
    assert claim is not None and claim.contract_number == "LH20002"
    assert journal.claim("w") is None
    assert journal.meta()["file"] == "smaller.csv"


def test_only_one_run_holds_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with JournalLock(path), pytest.raises(JournalBusy, match="another prolong bulk run"), \
            JournalLock(path):
        pass
    with JournalLock(path):
        pass  # released on exit


def test_a_killed_run_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    script = ("import sys, time; from pathlib import Path; from flows.bulk.journal import "
              "JournalLock\nwith JournalLock(Path(sys.argv[1])):\n    print('locked', flush=True)"
              "\n    time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(JournalBusy):
            JournalLock(path).__enter__()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with JournalLock(path):
        pass
