"""``--max-attempts`` counted once per request, on every path: extend, bulk run, demo.

``StepFlow`` stands for the portal in a unit test of the loop: it walks the procedure's steps
and follows ``Walk.run``'s retry contract (a retryable fault is told to ``retry``; a yes walks
again from the search; a no, or a fault that is not retryable, ends the run failed), so the
count of tries of a failing step is exactly what the walk would do against a portal that keeps
failing there. The simulator's fault injection covers the real walk (tests/flows/
test_never_twice.py, tests/flows/bulk/test_e2e_bulk.py).
"""

from __future__ import annotations

import csv
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from automation.errors import PortalError, PortalFault, SessionExpired, SignInFailed
from automation.runtime.settings import Locale, Settings
from automation.runtime.walk import Retry, Step
from flows.attempts import Attempts, Failure, OpenFlow, RetryPolicy, extend_with_retries
from flows.bulk.journal import Journal
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import BulkRunner, FlowFactory, RunOptions
from flows.extension import ExtensionResult, FinaliseHook, IssuedContract, PendingSale
from flows.language import choose
from flows.outcome import Outcome
from flows.request import ExtensionRequest
from flows.request.money import Money
from flows.routing import route
from tests.flows.bulk.conftest import make_row, write_csv

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.0, max_delay_s=0.0)
ALWAYS = 10  # more faults than any policy here allows tries


@pytest.fixture(autouse=True)
def _french() -> Iterator[None]:
    choose(Locale.FR)
    yield
    choose(None)


@dataclass
class StepFlow:
    """A flow on a pretend portal whose ``faults[step]`` fail that step's next tries."""

    faults: dict[Step, list[PortalError]] = field(default_factory=dict)
    tries: Counter[Step] = field(default_factory=Counter)
    sales: list[str] = field(default_factory=list)
    opened: int = 0
    fail_open: list[PortalError] = field(default_factory=list)  # the next sign-ins' faults

    def fail(self, step: Step, fault: Callable[[], PortalError], times: int) -> None:
        self.faults[step] = [fault() for _ in range(times)]

    @contextmanager
    def session(self) -> Iterator[StepFlow]:
        """Opens a "session": the sign-in fails while ``fail_open`` has faults."""
        self.opened += 1
        if self.fail_open:
            raise self.fail_open.pop(0)
        yield self

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: FinaliseHook | None = None,
        dry_run: bool = False,
        sell_again: bool = False,
        stop: threading.Event | None = None,
        retry: Retry | None = None,
    ) -> ExtensionResult:
        decision = route(request)
        while True:
            try:
                return self._walk(request, before_finalise)
            except PortalError as fault:
                step = Step(fault.step)
                if retry is None or not fault.retryable or not retry(step, fault):
                    return ExtensionResult(
                        Outcome.FAILED,
                        decision,
                        f"échec à l’étape « {step} » : {fault.detail}",
                        failed_step=step.value,
                        retryable=fault.retryable,
                    )

    def _walk(
        self, request: ExtensionRequest, before_finalise: FinaliseHook | None
    ) -> ExtensionResult:
        name = f"QUO - {request.contract_number}"
        for step in Step:
            if step is Step.FINALISE and before_finalise is not None:
                before_finalise(PendingSale(name, "42,00 $"))
            self.tries[step] += 1
            if self.faults.get(step):
                fault = self.faults[step].pop(0)
                fault.step = step.value
                raise fault
        self.sales.append(request.contract_number)
        contract = IssuedContract(f"AA{len(self.sales):08d}", name, Money(Decimal("42.00")))
        return ExtensionResult(
            Outcome.ISSUED, route(request), "contrat émis", contract, opportunity_name=name
        )

    def find_issued(self, request: ExtensionRequest) -> IssuedContract | None:
        return None


def _fault() -> PortalError:
    return PortalFault("le portail a répondu 500")


def _refused() -> PortalError:
    return SignInFailed("le portail refuse le mot de passe")


def _request() -> ExtensionRequest:
    return ExtensionRequest.model_validate({k: v for k, v in make_row(1).items() if v})


# --- the policy itself ----------------------------------------------------------------------


def test_every_failed_try_is_told_once_and_the_last_ends_the_tries() -> None:
    told: list[str] = []
    again: list[int] = []
    attempts = Attempts(
        FAST,
        on_fault=lambda failure: told.append(failure.message),
        on_retry=lambda tried, failure, pause: again.append(tried),
    )
    answers = [attempts.failed(Failure(f"panne {n}", "search", True)) for n in (1, 2, 3)]
    assert answers == [True, True, False] and attempts.tried == 3
    assert told == ["panne 1", "panne 2", "panne 3"] and again == [1, 2]
    assert attempts.given_up == Failure("panne 3", "search", True)
    # Told again by another layer (the caller of a walk that gave up): not counted twice.
    assert attempts.failed(Failure("panne 3", "search", True)) is False and len(told) == 3


def test_a_stop_ends_the_tries_at_once() -> None:
    stop = threading.Event()
    attempts = Attempts(RetryPolicy(max_attempts=5, base_delay_s=60.0, max_delay_s=60.0), stop=stop)
    stop.set()  # Ctrl-C or the breaker: no back-off of a minute, no further try
    assert attempts.failed(Failure("panne", "search", True)) is False and attempts.tried == 1


# --- prolong extend -------------------------------------------------------------------------


def _extend(flow: StepFlow, policy: RetryPolicy = FAST) -> ExtensionResult:
    # The same calls as ExtensionFlow's, on the pretend portal: the seam of a unit test.
    open_flow: OpenFlow = flow.session  # type: ignore[assignment]
    return extend_with_retries(open_flow, _request(), Attempts(policy))


def test_extend_tries_a_step_that_keeps_failing_max_attempts_times_in_all() -> None:
    flow = StepFlow()
    flow.fail(Step.VOYAGE, _fault, ALWAYS)
    result = _extend(flow)
    assert flow.tries[Step.VOYAGE] == 3  # not 9: the walk's retries are the only ones
    assert flow.opened == 1 and flow.sales == []
    assert result.status is Outcome.FAILED and result.failed_step == "Voyage step"


def test_extend_tries_a_step_that_fails_twice_three_times_and_sells() -> None:
    flow = StepFlow()
    flow.fail(Step.VOYAGE, _fault, 2)
    result = _extend(flow)
    assert flow.tries[Step.VOYAGE] == 3 and flow.sales == ["LH20001"]
    assert result.status is Outcome.ISSUED


def test_extend_tries_a_fault_that_is_not_retryable_once() -> None:
    flow = StepFlow()
    flow.fail(Step.SEARCH, _refused, ALWAYS)
    result = _extend(flow)
    assert flow.tries[Step.SEARCH] == 1 and flow.opened == 1
    assert result.status is Outcome.FAILED and not result.retryable


def test_extend_counts_each_step_once_whichever_layer_retries_it() -> None:
    flow = StepFlow(fail_open=[SessionExpired("renvoyé à la connexion")])
    flow.fail(Step.VOYAGE, _fault, 2)
    flow.fail(Step.FINALISE, _fault, ALWAYS)
    result = _extend(flow)
    # The sign-in failed once (the outer loop); the Voyage step failed twice, then went
    # through on each walk again from the search; the sale kept failing: tried 3 times.
    assert flow.opened == 2 and flow.tries[Step.VOYAGE] == 2 + 3
    assert flow.tries[Step.FINALISE] == 3 and flow.sales == []
    assert result.status is Outcome.FAILED and result.failed_step == "finalise"


def test_extend_sells_through_faults_at_different_steps() -> None:
    flow = StepFlow()
    flow.fail(Step.SEARCH, _fault, 2)
    flow.fail(Step.VOYAGE, _fault, 2)
    result = _extend(flow)
    assert flow.tries[Step.SEARCH] == 5 and flow.tries[Step.VOYAGE] == 3
    assert result.status is Outcome.ISSUED and flow.sales == ["LH20001"]


def test_extend_ends_failed_naming_the_sign_in_when_it_never_opens() -> None:
    flow = StepFlow(fail_open=[SessionExpired("renvoyé à la connexion") for _ in range(ALWAYS)])
    result = _extend(flow)
    assert flow.opened == 3 and sum(flow.tries.values()) == 0
    assert result.status is Outcome.FAILED and result.failed_step == "sign-in"
    assert result.message == "échec à l’étape « sign-in » : renvoyé à la connexion"


# --- prolong bulk run -----------------------------------------------------------------------


def _bulk(tmp_path: Path, flow: StepFlow) -> Journal:
    plan = make_plan(read_requests(write_csv(tmp_path / "requests.csv", [make_row(1)])))
    journal = Journal(tmp_path / "journal.sqlite")
    journal.load(plan)
    factory: FlowFactory = flow.session
    BulkRunner(journal, plan.requests(), factory, RunOptions(retry=FAST)).run()
    return journal


def test_bulk_tries_a_step_that_keeps_failing_max_attempts_times_in_all(tmp_path: Path) -> None:
    flow = StepFlow()
    flow.fail(Step.VOYAGE, _fault, ALWAYS)
    entry = _bulk(tmp_path, flow).entries()[0]
    assert flow.tries[Step.VOYAGE] == 3 and flow.sales == []
    assert entry.state is Outcome.FAILED and entry.attempts == 3
    # One language in the row's message: the flow's words, then the runner's.
    assert entry.message == (
        "échec à l’étape « Voyage step » : le portail a répondu 500 (étape Voyage step) "
        "après 3 essais"
    )


def test_bulk_tries_a_step_that_fails_twice_three_times_and_sells(tmp_path: Path) -> None:
    flow = StepFlow()
    flow.fail(Step.VOYAGE, _fault, 2)
    entry = _bulk(tmp_path, flow).entries()[0]
    assert flow.tries[Step.VOYAGE] == 3 and flow.sales == ["LH20001"]
    assert entry.state is Outcome.ISSUED and entry.new_contract_number == "AA00000001"


def test_bulk_tries_a_fault_that_is_not_retryable_once(tmp_path: Path) -> None:
    flow = StepFlow()
    flow.fail(Step.SEARCH, _refused, ALWAYS)
    entry = _bulk(tmp_path, flow).entries()[0]
    assert flow.tries[Step.SEARCH] == 1 and entry.state is Outcome.FAILED
    assert "essais" not in entry.message


def test_bulk_counts_each_step_once_whichever_layer_retries_it(tmp_path: Path) -> None:
    flow = StepFlow(fail_open=[SessionExpired("renvoyé à la connexion")])
    flow.fail(Step.VOYAGE, _fault, ALWAYS)
    entry = _bulk(tmp_path, flow).entries()[0]
    assert flow.opened == 2 and flow.tries[Step.VOYAGE] == 3
    assert entry.state is Outcome.FAILED and entry.message.endswith("après 4 essais")
    assert entry.attempts == 4  # the sign-in, then three walks


# --- prolong demo ---------------------------------------------------------------------------


def _demo(tmp_path: Path, flow: StepFlow, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``prolong demo`` on a one-row file (its own 3 attempts and back-off); the row's result."""
    from flows.cli.demo import demo

    @contextmanager
    def target(settings: Settings, base_url: str | None, console: object) -> Iterator[FlowFactory]:
        yield flow.session

    monkeypatch.setattr("flows.cli.bulk._target", target)
    app = typer.Typer()
    app.command()(demo)
    path = write_csv(tmp_path / "one.csv", [make_row(1)])
    result = CliRunner().invoke(
        app,
        ["--workers", "1", "--file", str(path)],
        env={"COLUMNS": "200", "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts")},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    (results,) = (tmp_path / "artifacts").glob("demo-*/results.csv")
    with results.open(encoding="utf-8", newline="") as stream:
        (row,) = csv.DictReader(stream)
    return row


def test_demo_tries_a_step_that_keeps_failing_three_times_in_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = StepFlow()
    flow.fail(Step.VOYAGE, _fault, ALWAYS)
    row = _demo(tmp_path, flow, monkeypatch)
    assert flow.tries[Step.VOYAGE] == 3 and flow.sales == []
    assert row["status"] == "failed" and row["message"].endswith("après 3 essais")


def test_demo_tries_a_step_that_fails_twice_three_times_and_sells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = StepFlow()
    flow.fail(Step.VOYAGE, _fault, 2)
    row = _demo(tmp_path, flow, monkeypatch)
    assert flow.tries[Step.VOYAGE] == 3 and flow.sales == ["LH20001"]
    assert row["status"] == "issued"


def test_demo_tries_a_fault_that_is_not_retryable_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = StepFlow()
    flow.fail(Step.SEARCH, _refused, ALWAYS)
    row = _demo(tmp_path, flow, monkeypatch)
    assert flow.tries[Step.SEARCH] == 1 and row["status"] == "failed"
