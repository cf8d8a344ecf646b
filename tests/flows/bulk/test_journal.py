"""The journal: states, atomic claims, events, recovery of a dead run, one run at a time."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flows.bulk.journal import (
    MOVES,
    Journal,
    JournalBusy,
    JournalConflict,
    JournalLock,
    NotAJournal,
    State,
)
from flows.bulk.keys import legacy_request_key
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from flows.outcome import Outcome
from tests.flows.bulk.conftest import handed_off_row, invalid_row, make_row, write_csv


def _plan(tmp_path: Path, rows: list[dict[str, str]], name: str = "requests.csv") -> Plan:
    return make_plan(read_requests(write_csv(tmp_path / name, rows)))


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "out" / "journal.sqlite")
    yield opened
    opened.close()


def test_loading_a_plan_records_each_request_once_with_its_planned_state(
    tmp_path: Path, journal: Journal
) -> None:
    plan = _plan(tmp_path, [make_row(1), handed_off_row(2), invalid_row(3), make_row(1)])
    summary = journal.load(plan)
    assert (summary.new, summary.recovered) == (3, 0)
    assert [e.state for e in journal.entries()] == [
        State.PENDING,
        Outcome.HANDED_OFF,
        Outcome.INVALID,
    ]
    assert [(r.row, r.duplicate_of) for r in journal.rows()] == [
        (2, None),
        (3, None),
        (4, None),
        (5, 2),
    ]
    assert journal.entries()[1].where_fr.startswith("Info-partenaires.ca")
    assert sorted(p.split(":")[0] for p in journal.entries()[2].problems) == [
        "claim",
        "destination",
    ]
    assert (journal.path.stat().st_mode & 0o077) == 0


def test_a_request_goes_through_its_states_and_each_change_is_an_event(
    tmp_path: Path, journal: Journal
) -> None:
    journal.load(_plan(tmp_path, [make_row(1)]))
    claim = journal.claim("w1")
    assert claim is not None and not claim.check_first and claim.row == 2
    assert journal.claim("w2") is None
    journal.submitting(claim.key, "QUO - A. M. - 2026-06-05 - 1234567", "w1")
    journal.issued(
        claim.key, "w1", contract_number="AA10000001", opportunity_name="QUO", premium="42.00"
    )
    entry = journal.entry(claim.key)
    assert entry is not None and entry.state is Outcome.ISSUED
    assert entry.new_contract_number == "AA10000001"
    assert [(e.from_state, e.to_state) for e in journal.events(claim.key)] == [
        (None, State.PENDING),
        (State.PENDING, State.IN_PROGRESS),
        (State.IN_PROGRESS, State.SUBMITTING),
        (State.SUBMITTING, Outcome.ISSUED),
    ]
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
    script = (
        "import sys; from pathlib import Path; from flows.bulk.journal import Journal\n"
        "j = Journal(Path(sys.argv[1]))\n"
        "while (c := j.claim(sys.argv[2])) is not None: print(c.key, flush=True)\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(journal.path), f"p{n}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    keys = [line for p in processes for line in p.communicate()[0].split()]
    assert len(keys) == len(set(keys)) == 30


def test_a_dead_run_is_recovered_and_its_requests_are_checked_first(
    tmp_path: Path, journal: Journal
) -> None:
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


def test_reloading_keeps_issued_and_reruns_failed_and_skipped(
    tmp_path: Path, journal: Journal
) -> None:
    plan = _plan(tmp_path, [make_row(1), make_row(2), make_row(3)])
    journal.load(plan)
    one, two, three = (journal.claim("w") for _ in range(3))
    assert one and two and three
    journal.issued(one.key, "w", contract_number="AA10000001", opportunity_name="Q", premium=None)
    journal.finish(two.key, Outcome.FAILED, "w", message="portal down", check_first=True)
    journal.finish(three.key, Outcome.SKIPPED, "w", message="skipped")
    summary = journal.load(plan)
    assert (summary.kept, summary.replanned) == (1, 2)
    states = {e.key: (e.state, e.check_first) for e in journal.entries()}
    assert states == {
        one.key: (Outcome.ISSUED, False),
        two.key: (State.PENDING, True),
        three.key: (State.PENDING, False),
    }


def test_reloading_with_chosen_rows_tries_only_them_again(tmp_path: Path, journal: Journal) -> None:
    plan = _plan(tmp_path, [make_row(1), make_row(2), make_row(3)])
    journal.load(plan)
    one, two, three = (journal.claim("w") for _ in range(3))
    assert one and two and three
    journal.finish(one.key, Outcome.FAILED, "w", message="portal down", check_first=True)
    journal.finish(two.key, Outcome.FAILED, "w", message="portal down")
    journal.finish(three.key, Outcome.SKIPPED, "w", message="skipped")
    summary = journal.load(plan, again={one.key})
    assert (summary.kept, summary.replanned) == (2, 1)
    states = {e.key: (e.state, e.check_first, e.message) for e in journal.entries()}
    assert states == {
        one.key: (State.PENDING, True, ""),  # still checked in the portal first
        two.key: (Outcome.FAILED, False, "portal down"),
        three.key: (Outcome.SKIPPED, False, "skipped"),
    }


def test_a_portal_hand_off_holds_until_the_row_changes(tmp_path: Path, journal: Journal) -> None:
    journal.load(_plan(tmp_path, [make_row(1)]))
    claim = journal.claim("w")
    assert claim is not None
    journal.finish(claim.key, Outcome.HANDED_OFF, "w", message="two accounts match")
    journal.load(_plan(tmp_path, [make_row(1)]))
    assert journal.entries()[0].state is Outcome.HANDED_OFF
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
    with (
        JournalLock(path),
        pytest.raises(JournalBusy, match="another prolong bulk run"),
        JournalLock(path),
    ):
        pass
    with JournalLock(path):
        pass  # released on exit


def test_a_killed_run_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    script = (
        "import sys, time; from pathlib import Path; from flows.bulk.journal import "
        "JournalLock\nwith JournalLock(Path(sys.argv[1])):\n    print('locked', flush=True)"
        "\n    time.sleep(600)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(JournalBusy):
            JournalLock(path).__enter__()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with JournalLock(path):
        pass


def test_every_move_is_checked_against_the_one_table(tmp_path: Path, journal: Journal) -> None:
    assert MOVES[Outcome.ISSUED] == frozenset()  # issued is never left
    assert State.SUBMITTING not in MOVES[State.PENDING]  # only a claimed request is finalised
    journal.load(_plan(tmp_path, [make_row(1), make_row(2)]))
    with pytest.raises(JournalConflict, match="is pending: it may not become submitting"):
        journal.submitting(journal.entries()[0].key, "QUO", "w1")
    claim = journal.claim("w1")
    assert claim is not None
    journal.finish(claim.key, Outcome.FAILED, "w1", message="portal down")
    with pytest.raises(JournalConflict, match="is failed: it may not become issued"):
        journal.issued(claim.key, "w1", contract_number="AA1", opportunity_name="Q", premium=None)
    with pytest.raises(JournalConflict, match="is absent"):
        journal.release("r-nothing", "w1", reason="x", check_first=False)
    with pytest.raises(ValueError, match="does not end a request"):
        journal.finish(claim.key, Outcome.ISSUED, "w1", message="no contract")


def test_a_journal_keyed_by_the_earlier_fold_still_finds_its_issued_request(
    tmp_path: Path, journal: Journal
) -> None:
    plan = _plan(tmp_path, [make_row(1, last_name="O’Brien-Øst")])
    journal.load(plan)
    claim = journal.claim("w")
    assert claim is not None
    journal.issued(claim.key, "w", contract_number="AA10000001", opportunity_name="Q", premium=None)
    request = plan.requests()[claim.key]
    legacy = legacy_request_key(request)
    assert legacy != claim.key  # the two folds spell this name differently
    # The journal as an earlier prolong left it: its own key, no key rule recorded.
    db = sqlite3.connect(journal.path)
    with db:
        db.execute("UPDATE requests SET key = ? WHERE key = ?", (legacy, claim.key))
        db.execute("UPDATE events SET key = ? WHERE key = ?", (legacy, claim.key))
        db.execute("DELETE FROM meta WHERE name = 'key_rule'")
    db.close()
    summary = journal.load(plan)
    assert (summary.new, summary.kept) == (0, 1)
    entry = journal.entry(claim.key)
    assert entry is not None and entry.state is Outcome.ISSUED
    assert journal.claim("w") is None  # nothing to sell again
    assert [e.to_state for e in journal.events(claim.key)][-1] is Outcome.ISSUED


def _foreign_sqlite(path: Path, *, wal: bool = False) -> Path:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    with db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('mine')")
    db.close()
    return path


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_text("contract_number\nLH1\n") and p, "pas une base SQLite"),
        (lambda p: p.write_bytes(b"") or p, "un fichier vide"),
        (_foreign_sqlite, "sans les tables de prolong"),
        (lambda p: _foreign_sqlite(p, wal=True), "sans les tables de prolong"),
    ],
    ids=["csv", "empty", "foreign-sqlite", "foreign-sqlite-wal"],
)
def test_only_a_journal_or_nothing_opens_as_a_journal(
    tmp_path: Path, make: Callable[[Path], object], said: str
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "journal.sqlite"
    make(path)
    os.chmod(path, 0o644)
    before = (path.read_bytes(), sorted(folder.iterdir()))
    with pytest.raises(NotAJournal, match=f"{path} n’est pas un journal de prolong .*{said}"):
        Journal(path)
    assert (path.read_bytes(), sorted(folder.iterdir())) == before
    assert (path.stat().st_mode & 0o777, folder.stat().st_mode & 0o777) == (0o644, 0o755)


def test_a_new_journal_leaves_an_existing_folder_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    with Journal(folder / "journal.sqlite") as journal:
        journal.load(_plan(tmp_path, [make_row(1)]))
    assert folder.stat().st_mode & 0o777 == 0o755
    assert (folder / "journal.sqlite").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["journal.sqlite"]
    with Journal(folder / "journal.sqlite") as again:  # and it opens as one afterwards
        assert len(again.entries()) == 1
