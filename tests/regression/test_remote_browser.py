"""Remote browsers: with PORTAL_BROWSER_WS_ENDPOINT the suite's ``browser`` comes from a running
Playwright server (``playwright run-server``), not from a Chromium launched by pytest.

The server is the Node driver bundled with the Python package. It runs with ``--unsafe`` so that
it accepts the client's executable path: this machine has the distribution's Chromium, not
Playwright's own download.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserType

from automation.runtime.browser import resolve_launch
from automation.runtime.settings import Settings

ROOT = Path(__file__).parents[2]
PLAYWRIGHT = Path(sys.executable).with_name("playwright")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    process = subprocess.Popen(
        [str(PLAYWRIGHT), "run-server", "--port", str(port), "--host", "127.0.0.1", "--unsafe"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # A group of its own: ``playwright`` starts the Node server as a child, which a
        # terminate() of the launcher alone left running after every suite.
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not _listening(port):
        assert process.poll() is None and time.monotonic() < deadline, "run-server did not start"
        time.sleep(0.1)  # polling a starting server, not waiting for a page
    yield process, port
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(10)


def _descendants(pid: int) -> list[str]:
    """Command names of every process under ``pid`` (from /proc)."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)
                name = fields[0].split("(", 1)[1]
                parents[int(entry.name)] = (int(fields[1].split()[1]), name)
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], {pid}
    while frontier:
        children = {p for p, (parent, _) in parents.items() if parent in frontier}
        found += [parents[p][1] for p in children]
        frontier = children
    return found


def _run_suite(
    endpoint: str, executable: str, watch: int | None = None
) -> tuple[int, str, set[str]]:
    env = {
        **os.environ,
        "PORTAL_BROWSER_WS_ENDPOINT": endpoint,
        "PORTAL_BROWSER_EXECUTABLE": executable,
        "PORTAL_BASE_URL": "",
    }
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/regression/test_smoke.py",
            "-k",
            "home_shows",
            "--sim-shadow",
            "synthetic",
            "--sim-locale",
            "fr",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seen: set[str] = set()
    while child.poll() is None:
        if watch is not None:
            seen.update(_descendants(watch))
        time.sleep(0.2)  # sampling the process tree while the child suite runs
    output = child.stdout.read().decode() if child.stdout else ""
    return child.returncode, output, seen


@pytest.mark.e2e
def test_the_suite_uses_the_browser_of_a_running_playwright_server(
    server: tuple[subprocess.Popen[bytes], int], browser_type: BrowserType
) -> None:
    process, port = server
    managed = Path(browser_type.executable_path)
    local = Settings(_env_file=None)
    plan = resolve_launch(local, managed=managed if managed.exists() else False)
    executable = str(plan.launch_args.get("executable_path", ""))
    code, output, seen = _run_suite(f"ws://127.0.0.1:{port}/", executable, watch=process.pid)
    assert code == 0, output
    assert "1 passed" in output
    assert any("chrom" in name.lower() for name in seen), seen  # launched by the server


@pytest.mark.e2e
def test_an_unreachable_server_fails_instead_of_launching_locally() -> None:
    code, output, _ = _run_suite(f"ws://127.0.0.1:{_free_port()}/", "")
    assert code != 0, output
    assert "ECONNREFUSED" in output or "connect" in output.lower(), output


@pytest.mark.e2e
def test_the_cli_uses_the_browser_of_a_running_playwright_server(
    server: tuple[subprocess.Popen[bytes], int], browser_type: BrowserType, tmp_path: Path
) -> None:
    process, port = server
    managed = Path(browser_type.executable_path)
    local = Settings(_env_file=None)
    executable = str(
        resolve_launch(local, managed=managed if managed.exists() else False).launch_args.get(
            "executable_path", ""
        )
    )
    env = {
        **os.environ,
        "PORTAL_BROWSER_WS_ENDPOINT": f"ws://127.0.0.1:{port}/",
        "PORTAL_BROWSER_EXECUTABLE": executable,
        "PORTAL_BASE_URL": "",
    }
    child = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("prolong")),
            "extend",
            "--dry-run",
            "--json",
            "--contract-number",
            "LH55501",
            "--product",
            "single_trip",
            "--coverages",
            "emc",
            "--departed",
            "no",
            "--claim",
            "none",
            "--first-name",
            "John",
            "--last-name",
            "Smith",
            "--birth-date",
            "1958-04-18",
            "--phone",
            "(416) 555-0137",
            "--postal-code",
            "M5V 2T6",
            "--province",
            "ON",
            "--language",
            "en",
            "--destination",
            "US",
            "--trip-reason",
            "vacation",
            "--trip-start",
            "2027-01-05",
            "--trip-end",
            "2027-03-05",
            "--legacy-days",
            "30",
            "--buyer-travelling",
            "yes",
            "--all-canadian-residents",
            "yes",
            "--all-provincial-plan",
            "yes",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seen: set[str] = set()
    while child.poll() is None:
        seen.update(_descendants(process.pid))
        time.sleep(0.2)  # sampling the process tree while the command runs
    output = child.stdout.read().decode() if child.stdout else ""
    assert child.returncode == 3, output  # a dry run fills everything and does not finalise
    assert '"status": "skipped"' in output
    assert any("chrom" in name.lower() for name in seen), seen  # launched by the server
