"""What a person did, in the journal's events: who, what, when, on which request (migration 5),
on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from flows.bulk.journal import Journal, JournalConflict, State
from flows.bulk.journal._db import Db
from flows.bulk.journal._migrations import LATEST, MIGRATIONS, POSTGRESQL, SQLITE, Dialect
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.report import write_reports
from tests.flows.bulk.conftest import make_row, write_csv

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=BACKENDS)
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new journal goes: an SQLite path, or an empty PostgreSQL database."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgresql_url"))
    return str(tmp_path / "journal.sqlite")


@pytest.fixture
def journal(where: str, tmp_path: Path) -> Iterator[Journal]:
    """A journal holding the requests of rows 2 and 3."""
    opened = Journal(where if "://" in where else Path(where))
    plan = make_plan(read_requests(write_csv(tmp_path / "r.csv", [make_row(1), make_row(2)])))
    opened.load(plan)
    yield opened
    opened.close()


def test_actions_are_kept_with_who_and_when_and_are_not_state_changes(journal: Journal) -> None:
    first, second = (link.key for link in journal.rows())
    journal.record_action(None, "start", "olga", "assisted")
    claim = journal.claim("w1")
    assert claim is not None and claim.key == first
    journal.record_action(first, "approve", "olga", "row 2")
    journal.record_action(second, "skip", "marc")
    actions = journal.actions()
    assert [(a.key, a.action, a.actor, a.detail, a.standing) for a in actions] == [
        (None, "start", "olga", "assisted", None),
        (first, "approve", "olga", "row 2", State.IN_PROGRESS),
        (second, "skip", "marc", "", State.PENDING),
    ]
    assert all(a.at.endswith("+00:00") for a in actions)  # UTC, as every event
    assert [a.action for a in journal.actions(first)] == ["approve"]
    # The state changes read as before: an action moves nothing.
    assert [e.to_state for e in journal.events(first)] == [State.PENDING, State.IN_PROGRESS]
    assert all(e.to_state is not None for e in journal.events())
    entry = journal.entry(first)
    assert entry is not None and entry.state is State.IN_PROGRESS


def test_an_action_naming_no_request_or_holding_bad_words_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalConflict, match="request nope is absent"):
        journal.record_action("nope", "approve", "olga")
    with pytest.raises(ValueError, match=r"^action 'Approve row': expected a short name"):
        journal.record_action(None, "Approve row", "olga")
    with pytest.raises(ValueError, match=r"^actor: expected the name of the person"):
        journal.record_action(None, "stop", " ")
    with pytest.raises(ValueError, match=r"^actor: "):
        journal.record_action(None, "stop", "olga\nINFO forged line")
    with pytest.raises(ValueError, match=r"^detail: expected at most 500"):
        journal.record_action(None, "stop", "olga", "x" * 501)
    assert journal.actions() == []


def test_the_summary_says_who_did_what(journal: Journal, tmp_path: Path) -> None:
    summary = tmp_path / "out" / "summary.html"
    write_reports(journal, tmp_path / "out")
    assert "Qui a fait quoi" not in summary.read_text(encoding="utf-8")  # nobody did anything
    journal.record_action(journal.rows()[1].key, "skip", "olga <b>", "row 3")
    write_reports(journal, tmp_path / "out")
    page = summary.read_text(encoding="utf-8")
    assert "<h2>Qui a fait quoi</h2>" in page
    assert "<td>olga &lt;b&gt;</td><td>skip</td><td>3</td><td>row 3</td>" in page


def _connect(where: str) -> tuple[contextlib.AbstractContextManager[object], Dialect]:
    if "://" in where:
        return psycopg.connect(where), POSTGRESQL
    return contextlib.closing(sqlite3.connect(where)), SQLITE


def _journal_at_version_4(where: str) -> None:
    """A journal as the release before actions wrote it, with a request and its events."""
    opened, dialect = _connect(where)
    with opened as connection:
        db = Db(connection, dialect)
        db.run("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for migration in MIGRATIONS[:4]:
            migration.apply(db)
        db.run("INSERT INTO meta (name, value) VALUES ('schema', '4')")
        db.run(
            "INSERT INTO requests (key, state, row, content, contract_number, updated_at) "
            "VALUES ('r-1', 'pending', 2, 'c-1', 'LH20001', '2026-11-30T10:00:00+00:00')"
        )
        for detail in ("planned from row 2", "run interrupted: pending again"):
            db.run(
                "INSERT INTO events (key, at, from_state, to_state, worker, detail) "
                "VALUES ('r-1', '2026-11-30T10:00:00+00:00', NULL, 'pending', NULL, ?)",
                (detail,),
            )
        connection.commit()  # type: ignore[attr-defined]  # both drivers' connections


def test_a_journal_of_version_4_keeps_its_events_and_takes_actions(where: str) -> None:
    _journal_at_version_4(where)
    with Journal(where if "://" in where else Path(where)) as journal:
        assert journal.meta()["schema"] == str(LATEST)
        assert [e.detail for e in journal.events("r-1")] == [
            "planned from row 2",
            "run interrupted: pending again",
        ]
        journal.record_action("r-1", "retry", "olga")
        claim = journal.claim("w1")  # the copied table numbers new events after the old ones
        assert claim is not None and claim.key == "r-1"
        assert [e.detail for e in journal.events("r-1")][-1] == "claimed"
        assert [(a.action, a.actor) for a in journal.actions("r-1")] == [("retry", "olga")]
    with Journal(where if "://" in where else Path(where)) as journal:  # opened again: as it was
        assert len(journal.events("r-1")) == 3 and len(journal.actions()) == 1
