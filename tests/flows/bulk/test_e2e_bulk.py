"""Bulk entry end to end: the real flow in Chromium against the simulator.

Every test checks the simulator's own record of sales (``/__sim__/contracts``): each automatable
row of the file ends with exactly one contract, whatever happened on the way (a second run, a
crash between « finalise » and « recorded », SIGKILL at random moments, portal faults and an
expired session).
"""

from __future__ import annotations

import csv
import html
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from automation.runtime.settings import Settings
from automation.text import fold
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from flows.bulk.journal import Journal, State
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import BulkRunner, FlowLike, ResultLike
from flows.bulk.target import extension_flow_factory
from flows.cli.bulk import EXIT_TO_FIX
from flows.cli.bulk import app as bulk_app
from flows.cli.demo import demo
from flows.outcome import Outcome
from flows.request import ExtensionRequest
from tests.flows.bulk.conftest import SAMPLE

pytestmark = [pytest.mark.e2e, pytest.mark.sales]

ROOT = Path(__file__).parents[3]
runner = CliRunner()


# --- helpers ---------------------------------------------------------------------------------


def _sample_rows(*numbers: str) -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return [row for row in rows if not numbers or row["contract_number"] in numbers]


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    """Settings for a run: artifacts and the saved session inside the test's folder."""
    return {
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_STORAGE_STATE": str(tmp_path / "auth" / "state.json"),
        "PORTAL_BASE_URL": "",
        "COLUMNS": "200",
        "PORTAL_LOCALE": "fr",
    }


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        artifacts_dir=tmp_path / "artifacts",
        storage_state=tmp_path / "auth" / "state.json",
    )


def _sale(request: ExtensionRequest) -> tuple[str, str, str, str]:
    return (
        fold(f"{request.first_name} {request.last_name}"),
        request.birth_date.isoformat(),
        request.trip_start.isoformat(),
        request.trip_end.isoformat(),
    )


def _contracts(url: str) -> list[dict[str, Any]]:
    return httpx.get(f"{url}/__sim__/contracts", timeout=30).json()  # type: ignore[no-any-return]


def _seeded(url: str) -> set[str]:
    """Contracts the simulator's seed data already holds (not sold by the test)."""
    return {c["number"] for c in _contracts(url)}


def _assert_one_contract_per_automatable_row(
    url: str, plan: Plan, seeded: set[str]
) -> list[dict[str, Any]]:
    contracts = [c for c in _contracts(url) if c["number"] not in seeded]
    sold = Counter(
        (fold(c["account_name"]), c["birth_date"], c["trip_start"], c["trip_end"])
        for c in contracts
    )
    expected = Counter(_sale(request) for request in plan.requests().values())
    assert sold == expected
    return contracts


# --- a whole file, then the same file again ---------------------------------------------------


def test_the_demo_enters_each_automatable_row_once_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    rows = _sample_rows()
    mixed = _write(tmp_path / "mixed.csv", [*rows, rows[0]])  # row 33 repeats row 2
    plan = make_plan(read_requests(mixed))
    demo_app = typer.Typer()
    demo_app.command()(demo)
    with start_in_thread(SimOptions()) as simulator:
        seeded = _seeded(simulator.url)
        shown = runner.invoke(
            demo_app,
            ["--base-url", simulator.url, "--file", str(mixed), "--workers", "2"],
            env=_env(tmp_path),
        )
        # 5: the sample's 7 invalid rows are to fix; every other row is final.
        assert shown.exit_code == EXIT_TO_FIX, shown.output
        assert "rien n'est envoyé à un vrai portail" in shown.stdout
        contracts = _assert_one_contract_per_automatable_row(simulator.url, plan, seeded)
        assert len(contracts) == 9
        folder = next((tmp_path / "artifacts").glob("demo-*"))
        with (folder / "results.csv").open(encoding="utf-8", newline="") as stream:
            results = list(csv.DictReader(stream))
        issued = {r["new_contract_number"] for r in results if r["status"] == "issued"}
        assert issued == {c["number"] for c in contracts}
        assert Counter(r["status"] for r in results) == {
            "issued": 9,
            "handed_off": 15,
            "invalid": 7,
            "duplicate": 1,
        }
        again = runner.invoke(
            bulk_app,
            [
                "run",
                str(mixed),
                "--journal",
                str(folder / "journal.sqlite"),
                "--out",
                str(folder),
                "--base-url",
                simulator.url,
            ],
            env=_env(tmp_path),
        )
        assert again.exit_code == EXIT_TO_FIX, again.output
        assert "Rien à saisir" in again.stdout
        assert len(_contracts(simulator.url)) == 9 + len(seeded)
        _assert_the_operator_files(shown.stdout, folder, mixed, results)


def _assert_the_operator_files(
    output: str, folder: Path, source: Path, results: list[dict[str, str]]
) -> None:
    """The demo ends pointing to the hand-off page and the results workbook, and both hold
    what an operator acts on: every value to enter, the statuses and numeric premiums."""
    lines = output.strip().splitlines()
    tail = lines[-4:]
    assert any(str(folder / "handoffs.html") in line for line in tail), tail
    assert any(str(folder / "mixed-results.xlsx") in line for line in tail), tail
    assert sum("handoffs.html" in line for line in lines) == 2  # in the reports, then last
    page = html.unescape((folder / "handoffs.html").read_text(encoding="utf-8"))
    with source.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    handed = [rows[int(r["row"]) - 2] for r in results if r["status"] == "handed_off"]
    for row in handed:
        assert f"{row['first_name']} {row['last_name']}" in page
        assert row["birth_date"] in page and row["contract_number"] in page
    sheet = openpyxl.load_workbook(folder / "mixed-results.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[1]]
    status, premium = header.index("status"), header.index("premium")
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[status] for row in table] == [r["status"] for r in results]
    premiums = [row[premium] for row in table if row[status] == "issued"]
    assert len(premiums) == 9 and all(isinstance(p, int | float) and p > 0 for p in premiums)
    assert [f"{p:.2f}" for p in premiums] == [
        r["premium"] for r in results if r["status"] == "issued"
    ]


# --- a crash between « finalise » and « recorded » ------------------------------------------


class _Crash(BaseException):
    """Stands for the process dying right after the portal issued the contract."""


class _CrashAfterFinalise:
    """The real flow, except that the process "dies" once one chosen sale went through."""

    def __init__(self, flow: FlowLike, victim: str) -> None:
        self.flow = flow
        self.victim = victim

    def run(self, request: ExtensionRequest, **options: Any) -> ResultLike:
        result = self.flow.run(request, **options)
        if request.contract_number == self.victim and str(result.status) == "issued":
            raise _Crash()
        return result

    def find_issued(self, request: ExtensionRequest) -> Any:
        return self.flow.find_issued(request)


def test_a_sale_caught_between_finalise_and_record_is_found_not_sold_again(tmp_path: Path) -> None:
    plan = make_plan(
        read_requests(_write(tmp_path / "two.csv", _sample_rows("LH10001", "LH10003")))
    )
    journal_path = tmp_path / "out" / "journal.sqlite"
    with start_in_thread(SimOptions()) as simulator:
        seeded = _seeded(simulator.url)
        factory = extension_flow_factory(_settings(tmp_path), simulator.url)

        @contextmanager
        def crashing() -> Iterator[FlowLike]:
            with factory() as flow:
                yield _CrashAfterFinalise(flow, "LH10003")

        with Journal(journal_path) as journal:
            journal.load(plan)
            with pytest.raises(_Crash):
                BulkRunner(journal, plan.requests(), crashing).run()
            states = {e.contract_number: e.state for e in journal.entries()}
            assert states == {"LH10001": Outcome.ISSUED, "LH10003": State.SUBMITTING}
        sold = {c["number"] for c in _contracts(simulator.url)} - seeded
        with Journal(journal_path) as journal:
            assert journal.load(plan).recovered == 1
            report = BulkRunner(journal, plan.requests(), factory).run()
            assert report.stopped is None and report.entered == 0
            entries = {e.contract_number: e for e in journal.entries()}
        assert entries["LH10003"].state is Outcome.ISSUED
        assert {e.new_contract_number for e in entries.values()} == sold
        _assert_one_contract_per_automatable_row(simulator.url, plan, seeded)


# --- SIGKILL at random moments, simulator in its own process ---------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _simulator_process(tmp_path: Path, *extra: str) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "simulator.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fixtures.portal",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "simulator.sqlite"),
            *extra,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/__sim__/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (tmp_path / "simulator.log").read_text()
            time.sleep(0.1)  # polling a server that is starting
        yield url
    finally:
        process.kill()
        process.wait()
        log.close()


def _bulk_process(tmp_path: Path, file: Path, url: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    # Its own process group, so SIGKILL reaches the run and its browsers at once, as an
    # operator's kill of the whole run would.
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli.bulk",
            "run",
            str(file),
            "--out",
            str(tmp_path / "out"),
            "--base-url",
            url,
            "--workers",
            "2",
            "--back-off",
            "0.5",
        ],
        cwd=ROOT,
        env={**os.environ, **_env(tmp_path)},
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _submitting(journal: Path) -> int:
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5) as db:
            found = db.execute("SELECT COUNT(*) FROM requests WHERE state = 'submitting'")
            return int(found.fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_runs_killed_at_random_moments_end_with_one_contract_per_row(tmp_path: Path) -> None:
    rows = _sample_rows(
        "LH10001",
        "LH10002",
        "LH10003",
        "LH10004",
        "LH10005",
        "LH10008",
        "LH10018",
        "AA10000010",
        "LH10015",
        "LH-1234",
    )
    file = _write(tmp_path / "requests.csv", rows)
    plan = make_plan(read_requests(file))
    journal = tmp_path / "out" / "journal.sqlite"
    rng = random.Random(20260601)
    caught_submitting = 0
    with (
        _simulator_process(tmp_path, "--latency-ms", "150") as url,
        (tmp_path / "bulk.log").open("ab") as log,
    ):
        seeded = _seeded(url)
        for round_number in range(12):
            process = _bulk_process(tmp_path, file, url, log)
            if round_number >= 4:
                # 5: every row final but LH-1234, which is invalid (listed to be fixed).
                assert process.wait(timeout=900) in (EXIT_TO_FIX, 1), (
                    tmp_path / "bulk.log"
                ).read_text()
                if process.returncode == EXIT_TO_FIX:
                    break
                continue
            if round_number % 2 == 0:
                # Kill the moment a sale is being finalised: between « finalise » and « recorded ».
                deadline = time.monotonic() + 300
                while not _submitting(journal) and process.poll() is None:
                    assert time.monotonic() < deadline, "no sale reached « finalise »"
                    time.sleep(0.01)
            else:
                deadline = time.monotonic() + rng.uniform(3.0, 15.0)
                while time.monotonic() < deadline and process.poll() is None:
                    time.sleep(0.05)
            if process.poll() is not None:
                break
            _kill_group(process)
            caught_submitting += _submitting(journal) > 0
        assert process.returncode == EXIT_TO_FIX, (tmp_path / "bulk.log").read_text()
        _assert_one_contract_per_automatable_row(url, plan, seeded)
    with Journal(journal) as opened:
        assert {e.state for e in opened.entries() if e.route.startswith("complementary")} == {
            Outcome.ISSUED
        }
        recovered = [e for e in opened.events() if e.detail.startswith("run interrupted")]
    assert caught_submitting >= 1
    assert any(e.from_state is State.SUBMITTING for e in recovered)


# --- portal faults and an expired session ------------------------------------------------------


@pytest.mark.slow
def test_faults_and_an_expired_session_lose_or_double_nothing(tmp_path: Path) -> None:
    rows = _sample_rows(
        "LH10001", "LH10003", "LH10004", "LH10006", "LH10008", "LH10020", "AA10000011"
    )
    file = _write(tmp_path / "requests.csv", rows)
    plan = make_plan(read_requests(file))
    with start_in_thread(SimOptions(latency_ms=50)) as simulator:
        seeded = _seeded(simulator.url)
        httpx.post(
            f"{simulator.url}/__sim__/faults", json={"fault_rate": 0.04, "fault_seed": 11}
        ).raise_for_status()
        stop = threading.Event()

        def expire_sessions() -> None:
            # Every 15 s every worker's session dies: the flow signs in again mid-request.
            while not stop.wait(15.0):
                httpx.post(f"{simulator.url}/__sim__/expire-sessions", timeout=30)

        expire = threading.Thread(target=expire_sessions, daemon=True)
        expire.start()
        try:
            for _ in range(8):
                result = runner.invoke(
                    bulk_app,
                    [
                        "run",
                        str(file),
                        "--out",
                        str(tmp_path / "out"),
                        "--base-url",
                        simulator.url,
                        "--workers",
                        "2",
                        "--max-attempts",
                        "4",
                        "--breaker",
                        "12",
                        "--back-off",
                        "0.5",
                    ],
                    env=_env(tmp_path),
                )
                assert result.exit_code in (0, 1, 3), result.output
                if result.exit_code == 0:
                    break
        finally:
            stop.set()
            expire.join()
        assert result.exit_code == 0, result.output
        stats = httpx.get(f"{simulator.url}/__sim__/stats", timeout=30).json()
        assert stats["faults_injected"] > 0
        _assert_one_contract_per_automatable_row(simulator.url, plan, seeded)
