"""Interrupted at any moment, a run leaves nothing readable by group or others.

``prolong extend`` and ``prolong bulk run`` run as child processes (in a process group of their
own, as a terminal starts them) against the bundled simulator in a process of its own. The
simulator's « Marquer l'étape comme terminée » button is renamed, so every request fails at the
Voyage step after a whole traced walk and keeps its evidence (screenshot, trace, step). Each run
is interrupted, with SIGINT (Ctrl-C, to the whole group) or SIGKILL, at the moment a given file
appears — the points are found by watching the folders, not by timing:

- the saved session appears: signed in, the request is being traced;
- a failure folder appears: Playwright's driver is writing the screenshot and the trace;
- ``trace.zip`` appears: the trace is being rewritten without credentials;
- a report (or its temporary file) appears: ``bulk run`` is writing its reports.

Then every file and folder under the artifacts folder (bulk output included) and the session
folder must have ``mode & 0o077 == 0``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.flows.bulk.conftest import make_row, write_csv
from tests.flows.test_cli_extend import REQUEST

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).parents[2]
PROLONG = Path(sys.executable).with_name("prolong")
# A label the flow needs late in the walk: renamed, every request fails at the Voyage step.
BROKEN_LABEL = "mark_stage_complete=Terminer cette étape (renommé)"
# Generous bounds for a loaded machine: they end a stuck run, they time nothing.
_WAIT_S = 600.0
_POLL_S = 0.002
# Each request waits this long for the renamed button before it fails: what the test watches
# comes after that wait, so the wait is kept short (the other waits of a walk end in well under
# a second, even on a loaded machine).
_LIMIT_MS = "5000"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The simulator in a process of its own (a signal to a run's group must not reach it)."""
    folder = tmp_path_factory.mktemp("simulator")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (folder / "simulator.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "fixtures.portal", "--port", str(port), "--label", BROKEN_LABEL],
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _answers(url), process, "the simulator to answer")
        yield url
    finally:
        process.kill()
        process.wait()
        log.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/__sim__/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> bool:
    """Poll ``condition`` until it holds (True) or ``process`` has ended without it (False)."""
    deadline = time.monotonic() + _WAIT_S
    while not condition():
        if process.poll() is not None:
            return condition()  # it may have happened just before the end
        assert time.monotonic() < deadline, f"waited {_WAIT_S} s for {what}"
        time.sleep(_POLL_S)
    return True


# --- the points at which a run is interrupted ---------------------------------------------------


def _session_saved(tmp_path: Path) -> bool:
    return (tmp_path / "auth" / "state.json").exists()


def _failure_folders(tmp_path: Path) -> list[Path]:
    artifacts = tmp_path / "artifacts"
    return [p for p in artifacts.glob("*-failure")] if artifacts.is_dir() else []


def _failure_started(tmp_path: Path) -> bool:
    return bool(_failure_folders(tmp_path))


def _trace_kept(tmp_path: Path) -> bool:
    return any((folder / "trace.zip").exists() for folder in _failure_folders(tmp_path))


# A report, or the temporary file it is written through (.results.csv.<pid>.tmp).
_REPORT = re.compile(r"\.?(results\.csv|handoffs\.md|handoffs\.csv|summary\.html)(\.\d+\.tmp)?")


def _reports_started(tmp_path: Path) -> bool:
    out = tmp_path / "artifacts" / "bulk-requests"
    return out.is_dir() and any(_REPORT.fullmatch(p.name) for p in out.iterdir())


@dataclass(frozen=True)
class Point:
    """Where to interrupt: a short id, what is under way then, and the files that show it."""

    id: str
    name: str
    reached: Callable[[Path], bool]


TRACING = Point("tracing", "request being traced (session saved)", _session_saved)
EVIDENCE = Point(
    "evidence", "driver writing screenshot and trace (failure folder made)", _failure_started
)
REDACTION = Point("redaction", "trace being rewritten (trace.zip written)", _trace_kept)
REPORTS = Point("reports", "reports being written (first report file)", _reports_started)


# --- running and interrupting ------------------------------------------------------------------


def _start(tmp_path: Path, command: str, url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_STORAGE_STATE": str(tmp_path / "auth" / "state.json"),
        "PORTAL_BASE_URL": "",
        "PORTAL_TIMEOUT_MS": _LIMIT_MS,
        # Every request traced, so that a request failing at its one try keeps a trace to
        # redact (the default traces only the tries again after a failure).
        "PORTAL_TRACE": "actions",
        "COLUMNS": "200",
    }
    if command == "extend":
        request = tmp_path / "request.json"
        request.write_text(json.dumps(REQUEST), encoding="utf-8")
        args = ["extend", "--request", str(request), "--base-url", url, "--max-attempts", "1"]
    else:
        file = write_csv(tmp_path / "requests.csv", [make_row(1), make_row(2), make_row(3)])
        args = [
            "bulk",
            "run",
            str(file),
            "--base-url",
            url,
            "--max-attempts",
            "1",
            "--breaker",
            "1",
        ]
    # The test's own umask is the usual 022: whatever is private is so by prolong's doing.
    return subprocess.Popen(
        [str(PROLONG), *args],
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=(tmp_path / "run.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def _interrupt(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    """Send ``signum`` to the run's whole group (Ctrl-C reaches every process of a terminal's
    group); after SIGINT let it end by itself, then make sure nothing of it is left."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        return  # it had just ended
    try:
        process.wait(timeout=_WAIT_S)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a browser or driver left behind
        process.wait()


def _loose(*roots: Path) -> tuple[list[str], int]:
    """Entries under ``roots`` (roots included) readable, writable or searchable by others."""
    loose, seen = [], 0
    for root in roots:
        if not root.exists():
            continue
        for path in (root, *root.rglob("*")):
            seen += 1
            bits = stat.S_IMODE(path.lstat().st_mode)
            if bits & 0o077:
                loose.append(f"{path.relative_to(root.parent)}: {oct(bits)}")
    return loose, seen


@pytest.mark.parametrize(
    ("command", "point", "signum"),
    [
        ("extend", TRACING, signal.SIGINT),
        ("extend", EVIDENCE, signal.SIGKILL),
        ("extend", REDACTION, signal.SIGINT),
        ("bulk run", TRACING, signal.SIGKILL),
        ("bulk run", EVIDENCE, signal.SIGINT),
        ("bulk run", REPORTS, signal.SIGKILL),
        ("bulk run", REPORTS, signal.SIGINT),
    ],
    ids=lambda value: (
        value.id
        if isinstance(value, Point)
        else getattr(value, "name", str(value)).replace(" ", "-")
    ),
)
def test_an_interrupted_run_leaves_nothing_readable_by_others(
    simulator: str, tmp_path: Path, command: str, point: Point, signum: signal.Signals
) -> None:
    process = _start(tmp_path, command, simulator)
    try:
        reached = _wait_for(lambda: point.reached(tmp_path), process, point.name)
    except BaseException:
        _interrupt(process, signal.SIGKILL)
        raise
    _interrupt(process, signum)
    log = (tmp_path / "run.log").read_text(errors="replace")
    assert reached, f"the run ended before « {point.name} »:\n{log}"
    loose, seen = _loose(tmp_path / "artifacts", tmp_path / "auth")
    assert seen > 0
    assert loose == [], f"after {signum.name} at « {point.name} »:\n{log}"
