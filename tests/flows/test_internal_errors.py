"""A bug of the toolkit ends its request ``failed`` "internal error" after one attempt, on the
``prolong extend`` path and the bulk path (flows/internal_errors.py, the boundary in
automation/runtime/boundary.py).

The bug is real code raising: a page object's or a component's method replaced by one that
raises, as a programming error there would (``AssertionError`` is what Playwright's ``expect()``
raised, which the boundary once took for an unexpected screen and retried). The walk, the flow,
the simulator and Chromium are the real ones. Each raising method records its calls: the walk
must reach it once, with ``--max-attempts 3`` / a retry policy of 3 attempts.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from automation.lightning.combobox import Combobox
from automation.pages.residency import ResidencyPage
from automation.runtime.settings import Locale, Settings
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.attempts import RetryPolicy
from flows.bulk.journal import Journal
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import BulkRunner, RunOptions
from flows.bulk.target import extension_flow_factory
from flows.cli.extend import ExitCode
from flows.language import choose
from flows.outcome import Outcome
from tests.flows.bulk.conftest import SAMPLE
from tests.flows.test_cli_extend import REQUEST

pytestmark = [pytest.mark.e2e]

ROOT = Path(__file__).parents[2]
BUG = "the field shows another option"

#: (the class and the method to break, the same as ``module:Class.method`` for the child
#: process of the extend path, the exception the bug raises).
BUGS = [
    pytest.param(
        Combobox,
        "select",
        "automation.lightning.combobox:Combobox.select",
        AssertionError,
        id="component raises AssertionError",
    ),
    pytest.param(
        ResidencyPage,
        "answer_residency",
        "automation.pages.residency:ResidencyPage.answer_residency",
        KeyError,
        id="page object raises KeyError",
    ),
]


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_in_thread(SimOptions()) as running:
        yield running


# --- prolong extend ----------------------------------------------------------------------------


def _extend_with_a_bug(
    tmp_path: Path, sim: RunningSimulator, target: str, error: type[Exception], message: str
) -> tuple[int, str, str, list[str]]:
    """``prolong --lang en extend … --json --max-attempts 3`` in a child process, ``target``
    broken; returns the exit code, stdout, stderr and the broken method's calls."""
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    calls = tmp_path / "calls.txt"
    env = {key: value for key, value in os.environ.items() if key != "PORTAL_BASE_URL"}
    env |= {
        # The launcher is a module of this repository's tests; the child runs in tmp_path.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_STORAGE_STATE": str(tmp_path / "auth" / "state.json"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.flows.buggy_prolong",
            target,
            error.__name__,
            message,
            str(calls),
            "--lang",
            "en",
            "extend",
            "--request",
            str(request),
            "--base-url",
            sim.url,
            "--json",
            "--max-attempts",
            "3",
            "--back-off",
            "0",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no developer .env
        timeout=300,
    )
    called = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    return done.returncode, done.stdout, done.stderr, called


@pytest.mark.parametrize(("owner", "method", "target", "error"), BUGS)
def test_extend_reports_a_toolkit_bug_as_an_internal_error_after_one_attempt(
    sim: RunningSimulator,
    tmp_path: Path,
    owner: type,
    method: str,
    target: str,
    error: type[Exception],
) -> None:
    # The bug's message quotes the client's name, as a careless assertion would: it is masked.
    code, stdout, stderr, calls = _extend_with_a_bug(
        tmp_path, sim, target, error, "the field shows Émilie Gagnon"
    )
    assert calls == [target], stdout + stderr  # reached once: not retried, by no loop
    assert code == ExitCode.FAILED, stdout + stderr
    answer = json.loads(next(line for line in stdout.splitlines() if line.startswith("{")))
    assert answer["status"] == "failed"
    message = str(answer["message"])
    assert message.startswith(f"internal error: {error.__name__}: "), message
    assert "the field shows" in message
    assert "unexpected" not in message.lower() and "trying again" not in stderr
    # The masked traceback, in the log; the client's name nowhere.
    assert f"{REQUEST['contract_number']}: internal error" in stderr
    assert "Traceback (most recent call last)" in stderr and error.__name__ in stderr
    assert "Gagnon" not in stdout + stderr and "Émilie" not in stdout + stderr


# --- bulk ----------------------------------------------------------------------------------------


@pytest.fixture
def french() -> Iterator[None]:
    """The bulk run in French (the extend runs above are in English): each path in its run's
    language, one language per line."""
    choose(Locale.FR)
    yield
    choose(None)


def _sample_file(tmp_path: Path, *numbers: str) -> Path:
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        rows = [row for row in csv.DictReader(stream) if row["contract_number"] in numbers]
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize(("owner", "method", "target", "error"), BUGS)
def test_bulk_ends_each_row_a_toolkit_bug_meets_failed_after_one_attempt(
    sim: RunningSimulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    owner: type,
    method: str,
    target: str,
    error: type[Exception],
) -> None:
    calls: list[str] = []

    def buggy(*args: Any, **kwargs: Any) -> NoReturn:
        calls.append(target)
        raise error(BUG)

    monkeypatch.setattr(owner, method, buggy)
    plan = make_plan(read_requests(_sample_file(tmp_path, "LH10001", "LH10003")))
    settings = Settings(
        _env_file=None,
        artifacts_dir=tmp_path / "artifacts",
        storage_state=tmp_path / "auth" / "state.json",
    )
    # A breaker that trips on the first portal fault: a bug must not count as one.
    options = RunOptions(retry=RetryPolicy(max_attempts=3, base_delay_s=0), breaker_threshold=1)
    with caplog.at_level(logging.ERROR), Journal(tmp_path / "journal.sqlite") as journal:
        journal.load(plan)
        report = BulkRunner(
            journal, plan.requests(), extension_flow_factory(settings, sim.url), options
        ).run()
        entries = {entry.contract_number: entry for entry in journal.entries()}
    assert report.stopped is None  # the breaker did not trip: both rows had their turn
    assert calls == [target, target]  # once per row
    for number in ("LH10001", "LH10003"):
        entry = entries[number]
        assert entry.state is Outcome.FAILED
        assert entry.message == f"erreur interne : {error.__name__}: {error(BUG)}"
    logged = caplog.text  # the masking of a row's traceback: tests/flows/bulk/test_runner_errors.py
    assert logged.count("Traceback (most recent call last)") == 2, logged
    assert "(LH10001) : erreur interne" in logged and "(LH10003) : erreur interne" in logged
