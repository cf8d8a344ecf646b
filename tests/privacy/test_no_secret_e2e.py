"""No password in any trace, log line, report or error of a run on the simulator.

The simulator's password is unique to this test session (``PASSWORD``), so finding any of its
spellings anywhere (files, every member of every zip, logs, console, error texts) is a leak.
Runs cover a sale with a session expired mid-run (the tool signs in again), a failure that keeps
a screenshot and a trace, a refused password (in process and through ``prolong extend``) and a
bulk run with masked logging.

Browser work runs in a thread of its own (``in_thread``) or a child process: sync Playwright
cannot start where pytest-playwright already runs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from rich.console import Console

from automation.errors import SignInFailed
from automation.runtime.logging_setup import configure_logging, reset_logging
from automation.runtime.session import PortalSession, open_session
from automation.runtime.settings import Settings, TraceMode
from automation.runtime.walk import Retry
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.bulk.batch import run_file
from flows.bulk.runner import FlowFactory, FlowLike, ResultLike
from flows.bulk.target import extension_flow_factory
from flows.extension import ExtensionFlow, FinaliseHook
from flows.outcome import Outcome
from flows.request import ExtensionRequest, parse_extension_request
from tests.flows.test_extension_e2e import JEAN
from tests.privacy.conftest import (
    PASSWORD,
    files_under,
    find_in_files,
    find_in_text,
    in_thread,
    loose_modes,
    spellings,
)

pytestmark = pytest.mark.e2e

SECRETS = spellings(PASSWORD)
NADIA: dict[str, object] = {
    **JEAN,
    "contract_number": "LH12346",
    "first_name": "Nadia",
    "last_name": "Roy",
    "birth_date": "1979-02-28",
    "phone": "(514) 555-0111",
    "postal_code": "H2T 1S4",
    "destination": "Mexique",
    "trip_reason": "vacation",
    "legacy_days": 10,
}


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    """A simulator of its own (fault settings change per test) with the unique password."""
    with start_in_thread(SimOptions(password=PASSWORD)) as running:
        yield running


def _settings(root: Path, password: str = PASSWORD) -> Settings:
    return Settings(
        _env_file=None,
        password=SecretStr(password),
        artifacts_dir=root / "artifacts",
        storage_state=root / "auth" / "state.json",
        timeout_ms=8_000,
        trace=TraceMode.FULL,  # the trace that records the most: DOM snapshots, screenshots
    )


def _sim(sim: RunningSimulator, what: str, **body: object) -> None:
    httpx.post(f"{sim.url}/__sim__/{what}", json=body or None).raise_for_status()


def _on_tracing_start(session: PortalSession, action: Callable[[], None]) -> None:
    """Run ``action`` right after the flow starts tracing (the next step then meets it)."""
    tracing = session.context.tracing
    start = tracing.start

    def start_then_act(**options: Any) -> Any:
        started = start(**options)
        action()
        return started

    tracing.start = start_then_act  # type: ignore[method-assign]


def _keep_every_trace(session: PortalSession, folder: Path) -> None:
    """Save the trace the flow would discard after a success, so it can be searched."""
    tracing = session.context.tracing
    stop = tracing.stop
    count = iter(range(1, 100))

    def stop_and_keep(path: str | Path | None = None) -> None:
        stop(path=path or folder / f"run-{next(count)}.zip")

    tracing.stop = stop_and_keep  # type: ignore[method-assign]


def _cookie_values(session: PortalSession) -> list[bytes]:
    return [str(cookie.get("value", "")).encode() for cookie in session.context.cookies()]


def test_a_sale_with_a_re_sign_in_mid_run_leaves_no_password_in_its_trace(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    traces = tmp_path / "traces"
    traces.mkdir()

    def sell() -> tuple[Any, int]:
        with open_session(settings, sim.url) as session:
            _keep_every_trace(session, traces)
            _on_tracing_start(session, lambda: _sim(sim, "expire-sessions"))
            result = ExtensionFlow(session).run(parse_extension_request(JEAN))
            return result, session.sign_ins

    result, sign_ins = in_thread(sell)
    assert result.status is Outcome.ISSUED, result.message
    assert sign_ins == 2  # signed in again, inside the traced request
    assert [path.name for path in files_under(traces)] == ["run-1.zip"]
    # The trace covers the whole sale, up to the contract number the portal gave back.
    assert find_in_files([result.contract.contract_number.encode()], traces) != []
    assert find_in_files(SECRETS, tmp_path) == []
    assert find_in_text(SECRETS, repr(result)) == []
    assert loose_modes(tmp_path / "auth") == []


def test_a_failure_keeps_private_evidence_without_password_or_session_cookie(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    # A label the flow looks for at the Voyage step is gone (a portal release renamed it): the
    # request fails after a re-sign-in, with a screenshot and a trace of the whole request.
    renamed = {"other_insurer_days": "Jours couverts (libellé renommé)"}

    def fail(sim: RunningSimulator) -> tuple[Any, list[bytes]]:
        with open_session(settings, sim.url) as session:
            cookies = _cookie_values(session)
            _on_tracing_start(session, lambda: _sim(sim, "expire-sessions"))
            result = ExtensionFlow(session).run(parse_extension_request(JEAN))
            assert session.sign_ins == 2
            return result, cookies + _cookie_values(session)

    with start_in_thread(SimOptions(password=PASSWORD, label_overrides=renamed)) as sim:
        result, cookies = in_thread(lambda: fail(sim))
    assert result.status is Outcome.FAILED, result.message
    assert result.failed_step == "Voyage step"
    kept = {path.name for path in result.artifacts}
    assert kept == {"screenshot.png", "trace.zip"}
    folder = result.artifacts[0].parent
    assert (folder / "step.txt").exists()
    assert loose_modes(settings.artifacts_dir) == []
    assert loose_modes(tmp_path / "auth") == []
    assert find_in_files(SECRETS, tmp_path) == []
    assert find_in_files(cookies, settings.artifacts_dir) == []  # no live session in a trace
    assert find_in_text(SECRETS, repr(result)) == []


def test_a_refused_password_is_in_no_error_text_and_no_file(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    wrong = f"wrong-{PASSWORD}"
    settings = _settings(tmp_path, password=wrong)

    def sign_in() -> None:
        with open_session(settings, sim.url):
            pass

    with pytest.raises(SignInFailed) as refused:
        in_thread(sign_in)
    shown = "".join(traceback.format_exception(refused.value)) + repr(refused.value)
    assert "PORTAL_PASSWORD" in shown
    assert find_in_text(spellings(wrong), shown) == []
    assert find_in_files(spellings(wrong), tmp_path) == []


def test_prolong_extend_with_a_refused_password_shows_and_keeps_none_of_it(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    wrong = f"wrong-{PASSWORD}"
    request = tmp_path / "request.json"
    request.write_text(httpx.Response(200, json=JEAN).text, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(
        PORTAL_PASSWORD=wrong,
        PORTAL_ARTIFACTS_DIR=str(tmp_path / "artifacts"),
        PORTAL_STORAGE_STATE=str(tmp_path / "auth" / "state.json"),
    )
    prolong = Path(sys.executable).with_name("prolong")
    done = subprocess.run(
        [str(prolong), "extend", "--request", str(request), "--base-url", sim.url],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 4, output
    assert "refused the user name or password" in " ".join(output.split())  # console wraps
    assert find_in_text(spellings(wrong), output) == []
    assert find_in_files(spellings(wrong), tmp_path) == []


class _ExpireBetweenRequests:
    """Wraps a flow: the portal session expires before every request but the first."""

    def __init__(self, flow: ExtensionFlow, sim: RunningSimulator, sign_ins: list[int]) -> None:
        self.flow, self.sim, self.sign_ins, self.runs = flow, sim, sign_ins, 0

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: FinaliseHook | None = None,
        dry_run: bool = False,
        retry: Retry | None = None,
    ) -> ResultLike:
        if self.runs:
            _sim(self.sim, "expire-sessions")
        self.runs += 1
        result = self.flow.run(
            request, before_finalise=before_finalise, dry_run=dry_run, retry=retry
        )
        self.sign_ins.append(self.flow.session.sign_ins)
        return result

    def find_issued(self, request: ExtensionRequest) -> Any:
        return self.flow.find_issued(request)


def _write_rows(path: Path, rows: list[dict[str, object]]) -> Path:
    names = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, names)
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return path


@pytest.mark.sales
def test_a_bulk_run_with_a_re_sign_in_logs_masked_and_stores_no_password(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    file = _write_rows(tmp_path / "requests.csv", [JEAN, NADIA])
    before = hashlib.sha256(file.read_bytes()).hexdigest()
    out = settings.artifacts_dir / "bulk-requests"
    sign_ins: list[int] = []
    real = extension_flow_factory(settings, sim.url)

    @contextmanager
    def flow() -> Iterator[FlowLike]:
        with real() as opened:
            assert isinstance(opened, ExtensionFlow)
            yield _ExpireBetweenRequests(opened, sim, sign_ins)

    @contextmanager
    def target() -> Iterator[FlowFactory]:
        yield flow

    logs, console = io.StringIO(), io.StringIO()
    configure_logging(settings, verbose=True, stream=logs)
    try:
        outcome = in_thread(
            lambda: run_file(
                file,
                out=out,
                journal_path=out / "journal.sqlite",
                open_target=target,
                progress=True,
                console=Console(file=console, force_terminal=False, width=200),
            )
        )
    finally:
        reset_logging()
    results = (out / "results.csv").read_text()
    assert outcome.statuses[Outcome.ISSUED] == 2, (outcome.statuses, results)
    assert sign_ins == [1, 2]
    assert hashlib.sha256(file.read_bytes()).hexdigest() == before

    logged = logs.getvalue()
    assert "searching the portal for (***) ***-3193" in logged
    assert "J. B." in logged and "N. R." in logged
    personal = [
        b"Jean",
        b"Bonjour",
        b"Nadia",
        b"1950-01-01",
        b"1979-02-28",
        b"467-3193",
        b"555-0111",
        b"5144673193",
    ]
    assert find_in_text([*SECRETS, *personal], logged) == []
    assert find_in_text([*SECRETS, *personal], console.getvalue()) == []
    assert files_under(out) and find_in_files(SECRETS, tmp_path) == []
    assert loose_modes(settings.artifacts_dir) == [] and loose_modes(tmp_path / "auth") == []
