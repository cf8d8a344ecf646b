"""The sales guard: the simulator and listed sandbox hosts only, refused before any browser work.

The refusals are checked through every door that sells: the rule itself, ``prolong extend``,
``prolong bulk run`` and the regression suite's ``sales`` marker. How URLs are read (WHATWG) is
in ``test_safety_urls.py``; here, the backslash URL of issue 11 through the real commands, in
child processes whose "browser" is a script that leaves a mark if it is ever started.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from automation.runtime.settings import Settings
from automation.safety import SalesNotAllowed, ensure_sales_allowed, is_simulator
from fixtures.portal.run import start_in_thread
from flows.cli import bulk
from flows.cli.extend import extend
from tests.flows.test_cli_extend import REQUEST

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "fixtures" / "data" / "sample_requests.csv"
# Nothing listens on port 9 here: neither a simulator nor a listed host, answered at once.
UNLISTED = "http://127.0.0.1:9"
WIDE = {"COLUMNS": "300", "PORTAL_SANDBOX_HOSTS": "", "PORTAL_BASE_URL": ""}


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_an_unlisted_portal_is_refused_with_how_to_allow_it() -> None:
    with pytest.raises(SalesNotAllowed) as refused:
        ensure_sales_allowed("https://partenaires.example.com/espace", _settings())
    message = str(refused.value)
    assert "may be production" in message
    assert "PORTAL_SANDBOX_HOSTS=partenaires.example.com" in message


def test_a_listed_sandbox_host_is_allowed_whatever_its_case() -> None:
    settings = _settings(sandbox_hosts="uat.example.com, other.example.com")
    ensure_sales_allowed("https://UAT.example.com/s/", settings)


def test_no_url_means_the_embedded_simulator_and_is_allowed() -> None:
    ensure_sales_allowed("", _settings())


def test_the_simulator_is_recognised_by_its_health_answer() -> None:
    with start_in_thread() as simulator:
        assert is_simulator(simulator.url)
        ensure_sales_allowed(simulator.url, _settings())
    assert not is_simulator(UNLISTED)


def test_extend_refuses_an_unlisted_portal_before_any_browser_work(tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    app = typer.Typer()
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(extend)
    result = CliRunner().invoke(app, ["--request", str(request), "--base-url", UNLISTED], env=WIDE)
    assert result.exit_code == 2, result.output
    assert "PORTAL_SANDBOX_HOSTS=127.0.0.1" in result.output
    assert not (tmp_path / "artifacts").exists()


def test_bulk_run_refuses_an_unlisted_portal_before_any_browser_work(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        bulk.app, ["run", str(SAMPLE), "--out", str(out), "--base-url", UNLISTED], env=WIDE
    )
    assert result.exit_code == bulk.EXIT_USAGE, result.output
    assert "neither the simulator nor a host of PORTAL_SANDBOX_HOSTS" in result.output
    assert "PORTAL_SANDBOX_HOSTS=127.0.0.1" in result.output
    assert not out.exists()  # no journal, no report: it stopped at the door


def test_the_sales_marker_fails_every_sales_test_on_an_unlisted_portal(tmp_path: Path) -> None:
    env = {**os.environ, **WIDE}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/regression",
            "-m",
            "sales",
            "-q",
            "-p",
            "no:cacheprovider",
            "--base-url",
            UNLISTED,
            "-o",
            "addopts=",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert " passed" not in output and "skipped" not in output
    # Every sales test (8 cells of the aide-mémoire and the variants' sale) errors at setup.
    errors = re.search(r"\b(\d+) errors\b", output)
    assert errors is not None and int(errors[1]) >= 8, output
    assert output.count("ERROR at setup of") == int(errors[1]), output
    assert "PORTAL_SANDBOX_HOSTS=127.0.0.1" in output


# --- the backslash URL through the real commands -----------------------------------------------


@pytest.fixture
def listed_server() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 standing for the listed sandbox: (its port, the paths asked)."""
    asked: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        """Answers 404 to anything and remembers that it was asked."""

        def do_GET(self) -> None:  # the name http.server calls
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the list is the record

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(server.server_address[1]), asked
    finally:
        server.shutdown()
        server.server_close()


def _fake_browser(tmp_path: Path) -> tuple[Path, Path]:
    """An executable standing for Chromium that leaves ``browser-started`` when launched."""
    mark = tmp_path / "browser-started"
    script = tmp_path / "chromium"
    script.write_text(f"#!/bin/sh\necho \"$@\" > '{mark}'\nexit 1\n", encoding="utf-8")
    script.chmod(0o700)
    return script, mark


def _prolong(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script, _ = _fake_browser(tmp_path)
    env = {
        **os.environ,
        "PORTAL_SANDBOX_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": "",
        "PORTAL_BROWSER_EXECUTABLE": str(script),
        "PORTAL_BROWSER_WS_ENDPOINT": "",
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_STORAGE_STATE": str(tmp_path / "auth" / "state.json"),
        "COLUMNS": "300",
    }
    prolong = Path(sys.executable).with_name("prolong")
    return subprocess.run(
        [str(prolong), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )


def _request(tmp_path: Path) -> str:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    return str(request)


def test_the_fake_browser_leaves_its_mark_when_the_guard_lets_a_url_through(
    tmp_path: Path, listed_server: tuple[str, list[str]]
) -> None:
    # The control for the two tests below: with the listed host written plainly the command
    # does get as far as launching "Chromium", so an absent mark there means no launch.
    port, _ = listed_server
    done = _prolong(
        tmp_path,
        "extend",
        "--request",
        _request(tmp_path),
        "--base-url",
        f"http://127.0.0.1:{port}/",
    )
    assert (tmp_path / "browser-started").exists(), done.stdout + done.stderr


@pytest.mark.parametrize("command", ["extend", "bulk run"])
def test_the_backslash_url_is_refused_before_any_browser_starts(
    command: str, tmp_path: Path, listed_server: tuple[str, list[str]]
) -> None:
    port, asked = listed_server
    url = f"http://evil.test\\@127.0.0.1:{port}/"  # urlsplit: 127.0.0.1; a browser: evil.test
    target = (
        ["extend", "--request", _request(tmp_path)]
        if command == "extend"
        else ["bulk", "run", str(SAMPLE), "--out", str(tmp_path / "out")]
    )
    done = _prolong(tmp_path, *target, "--base-url", url)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output  # extend: INVALID; bulk run: EXIT_USAGE
    said = " ".join(output.split())  # rich wraps long lines
    assert "refusing to issue contracts" in said and "a browser would go to evil.test" in said
    assert not (tmp_path / "browser-started").exists()
    assert asked == []  # not even the simulator probe went to the listed host
    assert not (tmp_path / "artifacts").exists() and not (tmp_path / "out").exists()


def test_the_simulator_probe_asks_the_host_a_browser_would_go_to() -> None:
    with start_in_thread() as simulator:
        port = simulator.url.rsplit(":", 1)[1]
        # urllib cannot resolve these spellings; a browser reads them as 127.0.0.1.
        assert is_simulator(f"http://0x7f.1:{port}")
        assert is_simulator(f"http://127.0.0.%31:{port}/")
