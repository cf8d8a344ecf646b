"""The runner against a scripted flow: retries, breaker, reconciliation, assist, workers.

The scripted flow (conftest.ScriptedFlow) lets each test say exactly what the portal does on
each attempt; the end-to-end tests on the simulator check the same properties with the real flow.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.runtime.browser import BrowserNotFound
from flows.attempts import RetryPolicy
from flows.bulk.journal import Journal, Standing, State
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import Answer, BulkRunner, RunOptions
from flows.outcome import Outcome
from tests.flows.bulk.conftest import (
    PortalDown,
    ScriptedPortal,
    handed_off_row,
    invalid_row,
    make_row,
    write_csv,
)

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.0, max_delay_s=0.0)


def _plan(tmp_path: Path, rows: list[dict[str, str]]) -> Plan:
    return make_plan(read_requests(write_csv(tmp_path / "requests.csv", rows)))


def _run(
    tmp_path: Path, plan: Plan, portal: ScriptedPortal, **options: object
) -> tuple[Journal, BulkRunner]:
    journal = Journal(tmp_path / "journal.sqlite")
    journal.load(plan)
    chosen: dict[str, object] = {"retry": FAST, **options}
    confirm = chosen.pop("confirm", None)
    runner = BulkRunner(
        journal,
        plan.requests(),
        portal.factory,
        RunOptions(**chosen),  # type: ignore[arg-type]
        confirm=confirm,  # type: ignore[arg-type]
    )
    runner.run()
    return journal, runner


def _states(journal: Journal) -> dict[str, Standing]:
    return {e.contract_number: e.state for e in journal.entries()}


def test_every_automatable_request_is_sold_once_and_the_others_are_not_touched(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    plan = _plan(
        tmp_path, [make_row(1), handed_off_row(2), invalid_row(3), make_row(4), make_row(1)]
    )
    journal, runner = _run(tmp_path, plan, portal, workers=2)
    assert sorted(portal.sales) == ["LH20001", "LH20004"]
    assert _states(journal) == {
        "LH20001": Outcome.ISSUED,
        "LH20002": Outcome.HANDED_OFF,
        "LH20003": Outcome.INVALID,
        "LH20004": Outcome.ISSUED,
    }
    issued = [e.new_contract_number for e in journal.entries() if e.state is Outcome.ISSUED]
    assert all(number and number.startswith("AA") for number in issued)
    assert runner.stopped_reason is None


def test_a_portal_fault_is_retried_and_then_succeeds(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    portal.script["LH20001"] = ["fault", "raise"]
    journal, _ = _run(tmp_path, _plan(tmp_path, [make_row(1)]), portal)
    assert portal.runs == ["LH20001"] * 3 and portal.sales == ["LH20001"]
    assert portal.opened == 2  # the session is reopened after an exception
    entry = journal.entries()[0]
    assert entry.state is Outcome.ISSUED and entry.attempts == 3
    details = [e.detail for e in journal.events(entry.key)]
    assert sum(d.startswith("retry after") for d in details) == 2


def test_retries_are_bounded_and_the_row_runs_again_next_time(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    portal.script["LH20001"] = ["fault"] * 3
    plan = _plan(tmp_path, [make_row(1), make_row(2)])
    journal, _ = _run(tmp_path, plan, portal)
    entry = journal.entries()[0]
    assert entry.state is Outcome.FAILED and entry.failed_step == "voyage"
    # One language per line: the portal's words (the flow's, in the run's), then the runner's.
    assert entry.message == "le portail a répondu 500 (étape voyage) après 3 essais"
    assert _states(journal)["LH20002"] is Outcome.ISSUED
    journal, _ = _run(tmp_path, plan, portal)
    assert _states(journal)["LH20001"] is Outcome.ISSUED
    assert sorted(portal.sales) == ["LH20001", "LH20002"]


def test_bad_data_found_by_the_portal_is_not_retried(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    portal.script.update(
        {"LH20001": ["invalid"], "LH20002": ["handed_off"], "LH20003": ["hard_fail"]}
    )
    journal, _ = _run(tmp_path, _plan(tmp_path, [make_row(1), make_row(2), make_row(3)]), portal)
    assert sorted(portal.runs) == ["LH20001", "LH20002", "LH20003"]
    assert _states(journal) == {
        "LH20001": Outcome.INVALID,
        "LH20002": Outcome.HANDED_OFF,
        "LH20003": Outcome.FAILED,
    }
    assert portal.sales == []


def test_a_lost_answer_after_finalise_is_found_in_the_portal_not_sold_again(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    portal.script["LH20001"] = ["lost_answer"]
    journal, _ = _run(tmp_path, _plan(tmp_path, [make_row(1)]), portal)
    assert portal.sales == ["LH20001"] and portal.finds == ["LH20001"]
    entry = journal.entries()[0]
    assert entry.state is Outcome.ISSUED
    assert entry.new_contract_number == portal.sold[entry.key].contract_number
    assert "reconciled" in journal.events(entry.key)[-1].detail


def test_the_breaker_stops_the_run_and_leaves_the_rest_pending(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    for n in range(1, 11):
        portal.script[f"LH{20000 + n}"] = ["fault"] * 5
    plan = _plan(tmp_path, [make_row(n) for n in range(1, 11)])
    journal, runner = _run(tmp_path, plan, portal, breaker_threshold=4)
    assert len(portal.runs) == 4
    assert runner.stopped_reason is not None
    assert "4 pannes du portail d'affilée" in runner.stopped_reason
    counts = Counter(e.state for e in journal.entries())
    assert counts[State.PENDING] == 10 - counts[Outcome.FAILED]
    assert counts[Outcome.FAILED] <= 1  # the first row used its three attempts at most


def test_a_run_killed_between_finalise_and_record_is_reconciled(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    plan = _plan(tmp_path, [make_row(1), make_row(2), make_row(3)])

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after the sale is recorded."""

    def kill_on_second(number: str) -> None:
        if number == "LH20002":
            portal.sell(
                plan.requests()[
                    next(k for k, r in plan.requests().items() if r.contract_number == number)
                ]
            )
            raise Killed()

    portal.on_finalise = kill_on_second
    with pytest.raises(Killed):
        _run(tmp_path, plan, portal)
    journal = Journal(tmp_path / "journal.sqlite")
    assert _states(journal)["LH20002"] is State.SUBMITTING
    portal.on_finalise = None
    journal, _ = _run(tmp_path, plan, portal)
    assert set(_states(journal).values()) == {Outcome.ISSUED}
    assert sorted(portal.sales) == ["LH20001", "LH20002", "LH20003"]
    assert portal.finds[0] == "LH20002"  # checked before anything else is entered


def test_a_request_left_in_progress_is_checked_then_entered(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    plan = _plan(tmp_path, [make_row(1)])
    journal = Journal(tmp_path / "journal.sqlite")
    journal.load(plan)
    assert journal.claim("dead-worker") is not None
    journal.close()
    journal, _ = _run(tmp_path, plan, portal)
    assert portal.finds == ["LH20001"] and portal.sales == ["LH20001"]
    entry = journal.entries()[0]
    details = [e.detail for e in journal.events(entry.key)]
    assert "vérifiée : aucun contrat dans le portail ; à saisir" in details


def test_assist_skips_and_stops_on_the_operators_word(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    answers = iter([Answer.SKIP, Answer.FINALISE, Answer.STOP])
    asked: list[tuple[int, str, str]] = []

    def confirm(row: int, number: str, premium: str) -> Answer:
        asked.append((row, number, premium))
        return next(answers)

    plan = _plan(tmp_path, [make_row(n) for n in range(1, 6)])
    journal, runner = _run(tmp_path, plan, portal, confirm=confirm)
    assert asked == [
        (2, "LH20001", "42,00 $"),
        (3, "LH20002", "42,00 $"),
        (4, "LH20003", "42,00 $"),
    ]
    assert runner.stopped_reason == "arrêté par l'opérateur"
    states = _states(journal)
    assert states["LH20001"] is Outcome.SKIPPED and states["LH20002"] is Outcome.ISSUED
    assert states["LH20003"] is Outcome.SKIPPED and states["LH20005"] is State.PENDING
    assert "relancer pour le saisir" in journal.entries()[0].message
    journal, _ = _run(tmp_path, plan, portal)
    assert set(_states(journal).values()) == {Outcome.ISSUED}


def test_limit_enters_at_most_that_many(tmp_path: Path, portal: ScriptedPortal) -> None:
    journal, _ = _run(tmp_path, _plan(tmp_path, [make_row(n) for n in range(5)]), portal, limit=2)
    assert len(portal.sales) == 2
    assert Counter(_states(journal).values()) == {Outcome.ISSUED: 2, State.PENDING: 3}


def test_many_workers_sell_each_request_exactly_once(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    for n in range(0, 60, 7):
        portal.script[f"LH{20000 + n}"] = ["raise", "lost_answer"]
    plan = _plan(tmp_path, [make_row(n) for n in range(60)])
    journal, _ = _run(tmp_path, plan, portal, workers=6, breaker_threshold=50)
    assert sorted(portal.sales) == sorted({f"LH{20000 + n}" for n in range(60)})
    assert set(_states(journal).values()) == {Outcome.ISSUED}
    assert portal.opened >= 6


def test_no_browser_stops_the_run_at_once(tmp_path: Path, portal: ScriptedPortal) -> None:
    portal.fail_open = BrowserNotFound("no Chromium found")
    journal, runner = _run(tmp_path, _plan(tmp_path, [make_row(1), make_row(2)]), portal, workers=2)
    assert runner.stopped_reason == "impossible d’ouvrir une session du portail : no Chromium found"
    assert set(_states(journal).values()) == {State.PENDING}


def test_portal_messages_are_masked_before_they_reach_the_journal(
    tmp_path: Path, portal: ScriptedPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: object, request: object, **kwargs: object) -> None:
        raise PortalDown(
            "no row named Alex1 MartinB born 1970-01-01, phone (416) 555-0100\n"
            "call log: waiting for get_by_role(...)"
        )

    monkeypatch.setattr("tests.flows.bulk.conftest.ScriptedFlow.run", fail)
    journal, _ = _run(
        tmp_path,
        _plan(tmp_path, [make_row(1)]),
        portal,
        retry=RetryPolicy(max_attempts=1, base_delay_s=0, max_delay_s=0),
    )
    message = journal.entries()[0].message
    assert "Alex1" not in message and "MartinB" not in message and "1970-01-01" not in message
    assert "(416) 555-0100" not in message and "(***) ***-0100" in message
    assert "call log" not in message and message.endswith("(étape search)")


_BEHAVIOURS = ("issue", "fault", "raise", "lost_answer", "hard_fail", "invalid", "handed_off")


@settings(max_examples=30, deadline=None)  # no timing in tests
@given(
    scripts=st.lists(st.lists(st.sampled_from(_BEHAVIOURS), max_size=4), min_size=1, max_size=6),
    crashes=st.sets(st.integers(min_value=0, max_value=5), max_size=3),
    workers=st.integers(min_value=1, max_value=3),
)
def test_whatever_happens_no_request_is_ever_sold_twice(
    scripts: list[list[str]], crashes: set[int], workers: int
) -> None:
    """Random portal behaviours and crashes after finalise; runs repeat until all is final."""
    with tempfile.TemporaryDirectory() as scratch:
        tmp_path = Path(scratch)
        portal = ScriptedPortal()
        rows = [make_row(n) for n in range(len(scripts))]
        for n, script in enumerate(scripts):
            portal.script[f"LH{20000 + n}"] = list(script)
        plan = _plan(tmp_path, rows)
        by_number = {r.contract_number: k for k, r in plan.requests().items()}

        class Killed(BaseException):
            """The process dies right after a sale, before the journal records it."""

        victims = {f"LH{20000 + n}" for n in crashes}

        def crash(number: str) -> None:
            if number in victims:
                victims.discard(number)
                portal.sell(plan.requests()[by_number[number]])
                raise Killed()

        portal.on_finalise = crash
        for _ in range(40):
            try:
                journal, _ = _run(tmp_path, plan, portal, workers=workers, breaker_threshold=1000)
            except Killed:
                continue
            states = _states(journal)
            if not {State.PENDING, Outcome.FAILED} & set(states.values()):
                break
            for script in portal.script.values():
                script.clear()  # the portal recovers; failed rows go again
        assert Counter(portal.sales) == Counter(set(portal.sales))  # never twice
        for entry in journal.entries():
            if entry.state is Outcome.ISSUED:
                assert entry.new_contract_number == portal.sold[entry.key].contract_number
            else:
                assert entry.key not in portal.sold
