"""``prolong extend`` through its command line: exit codes, JSON, masking, bad input.

Runs that drive a browser start the real ``prolong`` executable in a child process: the sync
Playwright API cannot start twice in one thread, and pytest-playwright's may already be running.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from automation.runtime.walk import Step
from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.cli.app import app
from flows.cli.extend import ExitCode

REQUEST = {
    "contract_number": "LH77001",
    "product": "top_up",
    "coverages": "emc",
    "departed": "yes",
    "claim": "none",
    "request_date": "2026-11-20",  # while the legacy coverage (to 2026-11-24) still runs
    "first_name": "Émilie",
    "last_name": "Gagnon",
    "birth_date": "1995-09-09",
    "phone": "(581) 555-0108",
    "postal_code": "G6V 6N1",
    "province": "QC",
    "language": "fr",
    "destination": "FR",
    "trip_reason": "vacation",
    "trip_start": "2026-11-10",
    "trip_end": "2026-12-20",
    "legacy_end": "2026-11-24",
    "buyer_travelling": "oui",
    "all_canadian_residents": "oui",
    "all_provincial_plan": "oui",
    "privacy_consent": "oui",
}


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_in_thread(SimOptions()) as running:
        yield running


@pytest.fixture(autouse=True)
def _quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env, artifacts in a scratch folder
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)


def _run(*args: str) -> tuple[int, str]:
    """In-process, for the commands that stop before any browser work (English lines: the
    French ones are in test_cli_french.py)."""
    result = CliRunner().invoke(app, ["--lang", "en", "extend", *args])
    return result.exit_code, result.output


def _run_process(*args: str) -> tuple[int, str]:
    """The installed ``prolong`` in a child process, for the runs that drive a browser."""
    prolong = Path(sys.executable).with_name("prolong")
    env = {key: value for key, value in os.environ.items() if key != "PORTAL_BASE_URL"}
    done = subprocess.run(
        [str(prolong), "--lang", "en", "extend", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


def _json_line(output: str) -> dict[str, object]:
    return json.loads(next(line for line in output.splitlines() if line.startswith("{")))  # type: ignore[no-any-return]


def _request_file(tmp_path: Path, **changes: object) -> str:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({**REQUEST, **changes}), encoding="utf-8")
    return str(path)


@pytest.mark.e2e
def test_issues_a_contract_and_prints_it_as_json(sim: RunningSimulator, tmp_path: Path) -> None:
    code, output = _run_process(
        "--request", _request_file(tmp_path), "--base-url", sim.url, "--json"
    )
    assert code == ExitCode.ISSUED, output
    answer = _json_line(output)
    numbers = [c["number"] for c in httpx.get(f"{sim.url}/__sim__/contracts").json()]
    assert answer["status"] == "issued"
    assert answer["contract_number"] in numbers
    # A number and its currency, not the portal's text (issue 13, item 3).
    premium = answer["premium"]
    assert isinstance(premium, dict) and premium["currency"] == "CAD"
    assert isinstance(premium["amount"], float) and premium["amount"] > 0
    assert "Gagnon" not in output and "É. G." in str(answer["opportunity_name"])


@pytest.mark.e2e
def test_dry_run_fills_everything_and_sells_nothing(sim: RunningSimulator, tmp_path: Path) -> None:
    before = httpx.get(f"{sim.url}/__sim__/contracts").json()
    # A trip of its own: the same trip may already be sold by another test (not sold again).
    request = _request_file(tmp_path, trip_end="2026-12-21")
    code, output = _run_process("--request", request, "--base-url", sim.url, "--dry-run", "--json")
    assert code == ExitCode.HANDED_OFF, output
    assert _json_line(output)["status"] == "skipped"
    assert httpx.get(f"{sim.url}/__sim__/contracts").json() == before


@pytest.mark.e2e
def test_verbose_after_the_command_logs_every_step_with_its_duration(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    # A trip of its own, so the walk starts a new opportunity and goes through every step.
    request = _request_file(tmp_path, trip_end="2026-12-22")
    code, output = _run_process("--request", request, "--base-url", sim.url, "--dry-run", "-v")
    assert code == ExitCode.HANDED_OFF, output
    walked = re.findall(r"step « ([^»]+) » done in (\d+\.\d\d) s", output)
    assert [step for step, _ in walked] == [
        step.value
        for step in Step
        if step is not Step.FINALISE  # a dry run stops before it
    ], output
    assert all(float(seconds) >= 0 for _, seconds in walked)


@pytest.mark.e2e
def test_without_a_url_it_starts_the_simulator_and_says_so(tmp_path: Path) -> None:
    code, output = _run_process("--request", _request_file(tmp_path), "--dry-run")
    assert code == ExitCode.HANDED_OFF, output
    assert "SIMULATOR" in output and "Nothing is sent to a real portal" in " ".join(output.split())


def test_options_override_the_file_and_hand_offs_exit_3(tmp_path: Path) -> None:
    code, output = _run(
        "--request", _request_file(tmp_path), "--claim", "filed", "--base-url", "http://x.invalid"
    )
    assert code == ExitCode.HANDED_OFF, output
    assert "handed_off" in output


def test_invalid_request_names_every_field_and_exits_2(tmp_path: Path) -> None:
    code, output = _run(
        "--request", _request_file(tmp_path, contract_number="XYZ", trip_end="2026-11-01")
    )
    assert code == ExitCode.INVALID
    assert "contract_number" in output and "trip_end" in output


def test_unknown_option_lists_the_accepted_fields() -> None:
    code, output = _run("--colour", "blue")
    assert code == 2
    assert "--contract-number" in output
