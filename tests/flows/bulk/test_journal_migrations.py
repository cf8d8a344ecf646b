"""The journal's numbered migrations: older journals read and brought up to date, newer refused."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from automation.runtime.settings import Locale
from flows.bulk.journal import Journal, JournalTooNew, State
from flows.bulk.journal._migrations import LATEST, MIGRATIONS
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.language import choose
from flows.outcome import Outcome
from flows.request.money import Money
from tests.flows.bulk.conftest import make_row, write_csv

#: The schema as the release before numbered migrations wrote it (``git show
#: a674803:flows/bulk/journal/_storage.py``), copied here so the test does not depend on it.
_RELEASED_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    row INTEGER NOT NULL,
    listed INTEGER NOT NULL DEFAULT 1,
    content TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT '',
    reason_fr TEXT NOT NULL DEFAULT '',
    reason_en TEXT NOT NULL DEFAULT '',
    where_fr TEXT NOT NULL DEFAULT '',
    where_en TEXT NOT NULL DEFAULT '',
    what_fr TEXT NOT NULL DEFAULT '',
    what_en TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT 'plan',
    opportunity_name TEXT,
    new_contract_number TEXT,
    premium TEXT,
    premium_currency TEXT,
    failed_step TEXT,
    artifacts TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0,
    check_first INTEGER NOT NULL DEFAULT 0,
    worker TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_claim ON requests (state, listed, check_first, row);
CREATE TABLE IF NOT EXISTS rows (
    row INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    duplicate_of INTEGER,
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    worker TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_key ON events (key, id);
CREATE TABLE IF NOT EXISTS step_timings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    step TEXT NOT NULL,
    started_at TEXT NOT NULL,
    seconds REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS step_timings_step ON step_timings (step);
"""


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    """Refusals in French, the default language, whatever the environment says."""
    choose(Locale.FR)
    yield
    choose(None)


def _released_journal(path: Path) -> None:
    """A journal as the previous release left it: one sale issued, one request pending."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(_RELEASED_SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("schema", "1"), ("file", "old.csv"), ("stopped", "")],
        )
        db.execute(
            "INSERT INTO requests (key, state, row, content, contract_number, premium, "
            "premium_currency, new_contract_number, opportunity_name, attempts, worker, "
            "updated_at) VALUES ('r-sold', 'issued', 2, 'c-1', 'LH20001', '607.20', 'CAD', "
            "'AA1', 'Opp 1', 1, 'w1', '2026-11-30T10:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO requests (key, state, row, content, contract_number, updated_at) "
            "VALUES ('r-next', 'pending', 3, 'c-2', 'LH20002', '2026-11-30T10:00:00+00:00')"
        )
        db.executemany("INSERT INTO rows VALUES (?, ?, NULL, '')", [(2, "r-sold"), (3, "r-next")])
        db.executemany(
            "INSERT INTO events (key, at, from_state, to_state, worker, detail) "
            "VALUES (?, '2026-11-30T10:00:00+00:00', ?, ?, ?, ?)",
            [
                ("r-sold", None, "pending", None, "planned from row 2"),
                ("r-sold", "pending", "in_progress", "w1", "claimed"),
                ("r-sold", "in_progress", "issued", "w1", "contract issued: AA1"),
                ("r-next", None, "pending", None, "planned from row 3"),
            ],
        )
        db.execute(
            "INSERT INTO step_timings (key, attempt, step, started_at, seconds) "
            "VALUES ('r-sold', 1, 'search', '2026-11-30T10:00:00+00:00', 1.5)"
        )
        db.commit()


def test_migrations_are_numbered_from_one_without_a_gap() -> None:
    assert [m.number for m in MIGRATIONS] == list(range(1, LATEST + 1))


def test_a_journal_of_the_previous_release_keeps_its_data_and_records_the_new_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run" / "journal.sqlite"
    _released_journal(path)
    with Journal(path) as journal:
        assert journal.meta()["schema"] == str(LATEST)
        assert journal.meta()["file"] == "old.csv"
        sold, pending = journal.entries()
        assert (sold.key, sold.state, sold.new_contract_number) == ("r-sold", Outcome.ISSUED, "AA1")
        assert sold.money == Money(Decimal("607.20"), "CAD")
        assert (pending.key, pending.state) == ("r-next", State.PENDING)
        assert [e.to_state for e in journal.events("r-sold")] == [
            State.PENDING,
            State.IN_PROGRESS,
            Outcome.ISSUED,
        ]
        assert [(t.key, t.step, t.seconds) for t in journal.step_times()] == [
            ("r-sold", "search", 1.5)
        ]
        claim = journal.claim("w1")  # the migrated journal works on: the pending one is next
        assert claim is not None and claim.key == "r-next"
    with Journal(path) as journal:  # opened again: already at the latest version
        assert journal.meta()["schema"] == str(LATEST)
        assert len(journal.events("r-next")) == 2


def test_a_journal_of_the_previous_release_is_run_on_by_loading_a_file(tmp_path: Path) -> None:
    path = tmp_path / "run" / "journal.sqlite"
    _released_journal(path)
    plan = make_plan(read_requests(write_csv(tmp_path / "requests.csv", [make_row(1)])))
    with Journal(path) as journal:
        summary = journal.load(plan)
        assert summary.new == 1
        (entry,) = journal.entries(listed_only=True)
        assert entry.state is State.PENDING
        assert journal.entry("r-sold") is not None  # an earlier file's sale stays reported


def test_a_journal_of_a_newer_prolong_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "run" / "journal.sqlite"
    with Journal(path):
        pass
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(LATEST + 1),))
        db.commit()
    before = path.read_bytes()
    with pytest.raises(JournalTooNew) as refused:
        Journal(path)
    assert str(refused.value) == (
        f"{path} a été écrit par une version plus récente de prolong (schéma {LATEST + 1}, "
        f"celle-ci connaît jusqu’au schéma {LATEST}) : mettez prolong à jour pour le lire"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["journal.sqlite"]


def test_a_new_journal_records_the_latest_version(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        assert journal.meta()["schema"] == str(LATEST)
