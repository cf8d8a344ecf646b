"""The sales guard: the simulator and listed sandbox hosts only, refused before any browser work.

The refusals are checked through every door that sells: the rule itself, ``prolong extend``,
``prolong bulk run`` and the regression suite's ``sales`` marker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from automation.safety import SalesNotAllowed, ensure_sales_allowed, is_simulator
from automation.settings import Settings
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
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


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
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        extend
    )
    result = CliRunner().invoke(app, ["--request", str(request), "--base-url", UNLISTED],
                                env=WIDE)
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
        [sys.executable, "-m", "pytest", "tests/regression", "-m", "sales", "-q",
         "-p", "no:cacheprovider", "--base-url", UNLISTED, "-o", "addopts="],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert " passed" not in output and "skipped" not in output
    assert "8 errors" in output, output
    assert "PORTAL_SANDBOX_HOSTS=127.0.0.1" in output
