"""The runner's questions before each sale, against a scripted flow: a terminal's ``Confirm``
asks one at a time, an ``Asking(concurrent=True)`` lets every worker's question wait at once,
and a question still waiting when the run stops gives its request back (pending, unsold)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from flows.attempts import RetryPolicy
from flows.bulk.journal import Journal, State
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import Answer, Asking, BulkRunner, Confirm, Question, RunOptions
from flows.outcome import Outcome
from tests.flows.bulk.conftest import ScriptedPortal, make_row, write_csv

FAST = RetryPolicy(max_attempts=1, base_delay_s=0.0, max_delay_s=0.0)


def _runner(
    tmp_path: Path, portal: ScriptedPortal, confirm: Confirm | Asking, rows: int = 2
) -> BulkRunner:
    plan = make_plan(
        read_requests(write_csv(tmp_path / "r.csv", [make_row(n) for n in range(rows)]))
    )
    journal = Journal(tmp_path / "journal.sqlite")
    journal.load(plan)
    return BulkRunner(
        journal, plan.requests(), portal.factory, RunOptions(workers=2, retry=FAST), confirm=confirm
    )


def _states(runner: BulkRunner) -> dict[int, object]:
    return {e.row: e.state for e in runner.journal.entries()}


def test_questions_that_may_wait_together_are_all_asked_before_any_is_answered(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    # Each question waits until both are asked: with questions taking turns, the barrier
    # breaks after its timeout and the run records the error.
    both = threading.Barrier(2, timeout=30)
    asked: list[Question] = []

    def ask(question: Question) -> Answer:
        asked.append(question)
        both.wait()
        return Answer.FINALISE if question.row == 3 else Answer.SKIP

    runner = _runner(tmp_path, portal, Asking(ask, concurrent=True))
    runner.run()
    assert sorted(q.row for q in asked) == [2, 3]
    assert all(q.premium == "42,00 $" and not q.screenshot(tmp_path / "x.png") for q in asked)
    assert _states(runner) == {2: Outcome.SKIPPED, 3: Outcome.ISSUED}


def test_a_terminals_questions_take_turns(tmp_path: Path, portal: ScriptedPortal) -> None:
    waiting = 0
    most = 0
    guard = threading.Lock()
    other_asked = threading.Event()

    def confirm(row: int, number: str, premium: str) -> Answer:
        nonlocal waiting, most
        with guard:
            waiting += 1
            most = max(most, waiting)
        other_asked.wait(0.5)  # the other worker's question would arrive meanwhile if it could
        other_asked.set()
        with guard:
            waiting -= 1
        return Answer.FINALISE

    runner = _runner(tmp_path, portal, confirm)
    runner.run()
    assert most == 1
    assert set(_states(runner).values()) == {Outcome.ISSUED}


@pytest.mark.parametrize("concurrent", [True, False])
def test_a_question_waiting_when_the_run_stops_leaves_its_request_pending(
    tmp_path: Path, portal: ScriptedPortal, concurrent: bool
) -> None:
    asked = threading.Event()

    def ask(question: Question) -> Answer:
        asked.set()
        question.stop.wait()  # nobody answers: the run's stop ends the wait
        return Answer.UNANSWERED

    runner = _runner(tmp_path, portal, Asking(ask, concurrent=concurrent), rows=1)

    def stop_once_asked() -> None:
        assert asked.wait(30)
        runner.stop("stopped")

    stopper = threading.Thread(target=stop_once_asked)
    stopper.start()
    runner.run()
    stopper.join()
    (entry,) = runner.journal.entries()
    assert entry.state is State.PENDING and not entry.check_first and portal.sales == []
    assert "avant la réponse de l’opérateur" in entry.message
    assert Outcome.SKIPPED not in {e.to_state for e in runner.journal.events(entry.key)}
