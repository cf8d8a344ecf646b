"""Never sold twice across journals and commands: the portal is the ledger.

Bulk runs are real ``prolong`` child processes against a simulator process; every test counts
the simulator's own record of sales, whatever the runs printed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from tests.flows.bulk.test_e2e_bulk import ROOT, _env, _sample_rows, _simulator_process, _write

pytestmark = [pytest.mark.e2e, pytest.mark.sales]

# Two requests to enter (one client found, one new client) and one hand-off.
ROWS = ("LH10001", "LH10005", "LH10015")


def _bulk(tmp_path: Path, file: Path, url: str, out: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli.bulk",
            "run",
            str(file),
            "--out",
            str(tmp_path / out),
            "--base-url",
            url,
            "--back-off",
            "0.2",
        ],
        cwd=ROOT,
        env={**os.environ, **_env(tmp_path)},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _sold(url: str) -> list[tuple[str, str, str]]:
    """Each sale as (client, trip start, trip end)."""
    return [
        (c["account_name"], c["trip_start"], c["trip_end"])
        for c in httpx.get(f"{url}/__sim__/contracts").json()
    ]


def _to_enter(file: Path) -> int:
    return len(make_plan(read_requests(file)).requests())


def test_one_file_through_two_journals_sells_each_request_once(tmp_path: Path) -> None:
    file = _write(tmp_path / "requests.csv", _sample_rows(*ROWS))
    with _simulator_process(tmp_path) as url:
        before = len(_sold(url))
        for out in ("first", "second"):
            run = _bulk(tmp_path, file, url, out)
            output = run.communicate(timeout=600)[0]
            assert run.returncode == 0, output
        sold = _sold(url)[before:]
        assert len(sold) == len(set(sold)) == _to_enter(file)
        second = (tmp_path / "second" / "results.csv").read_text(encoding="utf-8")
        assert second.count("déjà vendu") == _to_enter(file), second


def test_two_runs_started_together_sell_each_request_once(tmp_path: Path) -> None:
    file = _write(tmp_path / "requests.csv", _sample_rows(*ROWS))
    with _simulator_process(tmp_path, "--latency-ms", "100") as url:
        before = len(_sold(url))
        runs = [_bulk(tmp_path, file, url, out) for out in ("left", "right")]
        for run in runs:
            output = run.communicate(timeout=600)[0]
            assert run.returncode == 0, output
        sold = _sold(url)[before:]
        assert len(sold) == len(set(sold)) == _to_enter(file)


def test_a_request_sold_by_extend_is_not_sold_again_by_bulk(tmp_path: Path) -> None:
    (row,) = _sample_rows("LH10001")
    file = _write(tmp_path / "requests.csv", [row])
    request = tmp_path / "request.json"
    request.write_text(json.dumps({k: v for k, v in row.items() if v}), encoding="utf-8")
    with _simulator_process(tmp_path) as url:
        before = len(_sold(url))
        extend = subprocess.run(
            [
                str(Path(sys.executable).with_name("prolong")),
                "extend",
                "--request",
                str(request),
                "--base-url",
                url,
            ],
            cwd=ROOT,
            env={**os.environ, **_env(tmp_path)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert extend.returncode == 0, extend.stdout + extend.stderr
        run = _bulk(tmp_path, file, url, "out")
        output = run.communicate(timeout=600)[0]
        assert run.returncode == 0, output
        assert len(_sold(url)) == before + 1
        assert "déjà vendu" in (tmp_path / "out" / "results.csv").read_text(encoding="utf-8")


@pytest.mark.slow
def test_ctrl_c_ends_a_bulk_run_with_exit_3_every_time(tmp_path: Path) -> None:
    file = _write(tmp_path / "requests.csv", _sample_rows())
    with _simulator_process(tmp_path, "--latency-ms", "50") as url:
        for attempt in range(5):
            started = httpx.get(f"{url}/__sim__/stats").json()["api_requests"]
            run = _bulk(tmp_path, file, url, f"out{attempt}")
            deadline = time.monotonic() + 120
            # SIGINT to the whole group, as a terminal sends it, once the run is at work.
            while httpx.get(f"{url}/__sim__/stats").json()["api_requests"] < started + 3:
                assert run.poll() is None and time.monotonic() < deadline, run.stdout
                time.sleep(0.05)  # polling the simulator's counter
            os.killpg(run.pid, signal.SIGINT)
            output = run.communicate(timeout=300)[0]
            assert run.returncode == 3, f"attempt {attempt}: {run.returncode}\n{output}"
            assert "Ctrl-C" in output
