"""The runner's error boundary: portal errors are faults, business errors are outcomes, anything
else is a bug that fails its row only (the seam is ``FlowLike``; the flows here are in-process
fakes that raise what a real flow could).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from automation.errors import FormRejected
from automation.runtime.walk import Retry
from flows.attempts import RetryPolicy
from flows.bulk.journal import Journal, State
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import BulkRunner, FlowLike, RunOptions
from flows.bulk.seam import SaleHook
from flows.errors import ClientAmbiguous, ConsentMissing, NotResident
from flows.outcome import Outcome, outcome_of
from flows.request import ExtensionRequest
from tests.flows.bulk.conftest import Contract, ScriptedPortal, make_row, write_csv

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.0, max_delay_s=0.0)


def _plan(tmp_path: Path, count: int) -> Plan:
    rows = [make_row(n) for n in range(1, count + 1)]
    return make_plan(read_requests(write_csv(tmp_path / "requests.csv", rows)))


def _run(
    tmp_path: Path, plan: Plan, factory: Callable[[], Iterator[FlowLike]] | object, breaker: int = 1
) -> tuple[Journal, BulkRunner]:
    journal = Journal(tmp_path / "journal.sqlite")
    journal.load(plan)
    runner = BulkRunner(
        journal,
        plan.requests(),
        factory,  # type: ignore[arg-type]
        RunOptions(retry=FAST, breaker_threshold=breaker),
    )
    runner.run()
    return journal, runner


def _by_number(journal: Journal) -> dict[str, tuple[object, str]]:
    return {e.contract_number: (e.state, e.message) for e in journal.entries()}


def test_a_bug_fails_its_row_only_and_is_neither_retried_nor_counted_by_the_breaker(
    tmp_path: Path, portal: ScriptedPortal, caplog: pytest.LogCaptureFixture
) -> None:
    portal.script["LH20001"] = ["bug"]
    caplog.set_level(logging.ERROR, logger="flows.bulk.runner")
    # A breaker of 1: had the bug counted as a portal fault, the run would stop at row 1.
    journal, runner = _run(tmp_path, _plan(tmp_path, 3), portal.factory, breaker=1)
    assert portal.runs == ["LH20001", "LH20002", "LH20003"]  # tried once, then the next rows
    assert runner.stopped_reason is None
    states = _by_number(journal)
    assert states["LH20002"][0] is Outcome.ISSUED and states["LH20003"][0] is Outcome.ISSUED
    state, message = states["LH20001"]
    assert state is Outcome.FAILED
    assert message.startswith("erreur interne : KeyError: ")
    assert "MartinB" not in message and "1970-01-01" not in message
    logged = caplog.text
    assert "Traceback (most recent call last)" in logged and "KeyError" in logged
    assert "MartinB" not in logged and "1970-01-01" not in logged  # masked with the client's
    assert portal.opened == 2  # the session is closed after a bug: the page may be anywhere


def test_a_bug_after_finalising_has_the_row_checked_in_the_portal_next_time(
    tmp_path: Path, portal: ScriptedPortal
) -> None:
    portal.script["LH20001"] = ["bug_after_finalise"]
    plan = _plan(tmp_path, 1)
    journal, _ = _run(tmp_path, plan, portal.factory)
    entry = journal.entries()[0]
    assert entry.state is Outcome.FAILED and entry.check_first
    journal.close()
    journal, _ = _run(tmp_path, plan, portal.factory)
    entry = journal.entries()[0]
    assert entry.state is Outcome.ISSUED and portal.finds == ["LH20001"]
    assert portal.sales == ["LH20001"]  # found in the portal, not sold again


class _Raising:
    """A flow whose ``run`` raises ``error`` (and whose ``find_issued`` finds nothing)."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.runs = 0

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: SaleHook | None = None,
        dry_run: bool = False,
        retry: Retry | None = None,
    ) -> object:
        self.runs += 1
        raise self.error

    def find_issued(self, request: ExtensionRequest) -> Contract | None:
        return None

    @contextmanager
    def factory(self) -> Iterator[_Raising]:
        yield self


@pytest.mark.parametrize(
    "error",
    [
        ClientAmbiguous(2),
        NotResident(),
        ConsentMissing("privacy_consent"),
        FormRejected({"Code postal": "invalid"}, step="client form"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_business_errors_end_the_row_as_outcome_of_says_as_the_flow_does(
    tmp_path: Path, error: Exception
) -> None:
    flow = _Raising(error)
    journal, runner = _run(tmp_path, _plan(tmp_path, 1), flow.factory)
    entry = journal.entries()[0]
    assert entry.state is outcome_of(error)
    assert entry.state is (
        Outcome.HANDED_OFF if isinstance(error, ClientAmbiguous | NotResident) else Outcome.INVALID
    )
    assert flow.runs == 1 and runner.stopped_reason is None  # not retried, not a fault


def test_a_bug_while_opening_a_session_stops_the_run_and_leaves_the_rows_pending(
    tmp_path: Path, portal: ScriptedPortal, caplog: pytest.LogCaptureFixture
) -> None:
    portal.fail_open = KeyError("storage_state")
    journal, runner = _run(tmp_path, _plan(tmp_path, 2), portal.factory, breaker=5)
    assert runner.stopped_reason == (
        "impossible d’ouvrir une session du portail : erreur interne : KeyError: 'storage_state'"
    )
    assert {e.state for e in journal.entries()} == {State.PENDING}
    assert portal.opened == 1 and "Traceback" in caplog.text


def test_a_bug_is_reported_by_its_type_and_first_line_only(tmp_path: Path) -> None:
    flow = _Raising(RuntimeError("unexpected page state\ncall log: typed Alex1 MartinB"))
    journal, runner = _run(tmp_path, _plan(tmp_path, 1), flow.factory)
    entry = journal.entries()[0]
    assert (entry.state, entry.message) == (
        Outcome.FAILED,
        "erreur interne : RuntimeError: unexpected page state",
    )
    assert flow.runs == 1 and runner.stopped_reason is None
