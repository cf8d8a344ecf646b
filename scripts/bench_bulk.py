"""Bulk throughput (extensions per minute) for 1, 2 and 4 workers, and peak memory (figures).

The simulator runs in its own process with 300 ms added to every API call (a remote portal);
each worker count enters the same generated file of new clients on a freshly reset simulator,
through the real ``BulkRunner`` and ``ExtensionFlow`` (one Chromium per worker). Printed:

- wall: from the first claim to the last contract, browser start-up and sign-in included;
- steady: extensions per minute between the first and the last contract (start-up excluded);
- peak memory: PSS of this process and its children (Playwright drivers, Chromiums), sampled;
- failed: requests that ended failed (timeouts when the CPUs are saturated, typically).

    .venv/bin/python scripts/bench_bulk.py [--requests 12] [--workers 1 2 4] [--latency-ms 300]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx

from automation.settings import Settings
from flows.bulk.journal import Journal
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import BulkRunner, RunOptions
from flows.bulk.target import extension_flow_factory
from flows.outcome import Outcome

ROOT = Path(__file__).resolve().parents[1]
FIELDS = (
    "contract_number,product,coverages,departed,claim,request_date,first_name,last_name,"
    "birth_date,phone,postal_code,province,language,destination,trip_reason,trip_start,trip_end,"
    "legacy_days,buyer_travelling,all_canadian_residents,all_provincial_plan"
)


def write_requests(path: Path, count: int) -> Path:
    """``count`` automatable requests, each for a client the portal does not know yet."""
    lines = [FIELDS]
    for n in range(count):
        last = "Banc" + "".join(chr(97 + int(d)) for d in f"{n:03d}")  # letters only
        lines.append(
            f"LH{30000 + n},single_trip,emc,no,none,2026-06-05,Essai,{last},1968-04-0{1 + n % 9},"
            f"416555{1000 + n:04d},M5V 2T6,ON,en,FR,vacation,2026-12-01,2027-01-30,15,yes,yes,yes"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss_mib(pids: list[int]) -> float:
    # PSS, not RSS: Chromium's processes share most of their pages, RSS would count them N times.
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class PeakMemory:
    """Samples the PSS of this process and its descendants (minus ``exclude``) every 0.25 s."""

    def __init__(self, exclude: set[int]) -> None:
        self.exclude = exclude
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            pids = [p for p in _descendants(os.getpid()) if p not in self.exclude]
            self.peak = max(self.peak, _pss_mib(pids))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bench(file: Path, workers: int, url: str, simulator_pid: int, scratch: Path
          ) -> tuple[int, int, float, float, float]:
    """Issued, failed, wall seconds, steady extensions/min, peak PSS MiB for one worker count."""
    httpx.post(f"{url}/__sim__/reset", timeout=30).raise_for_status()
    settings = Settings(
        _env_file=None, artifacts_dir=scratch, storage_state=scratch / "state.json",
        timeout_ms=30_000,
    )
    plan = make_plan(read_requests(file))
    with Journal(scratch / f"journal-{workers}.sqlite") as journal, \
            PeakMemory({simulator_pid}) as memory:
        journal.load(plan)
        started = time.monotonic()
        BulkRunner(journal, plan.requests(), extension_flow_factory(settings, url),
                   RunOptions(workers=workers)).run()
        wall = time.monotonic() - started
        issued = [datetime.fromisoformat(e.at) for e in journal.events()
                  if e.to_state == Outcome.ISSUED]
        failed = journal.state_counts()[Outcome.FAILED]
    steady = 0.0
    if len(issued) > 1:
        span = (max(issued) - min(issued)).total_seconds()
        steady = (len(issued) - 1) / span * 60 if span else 0.0
    return len(issued), failed, wall, steady, memory.peak


def main() -> None:
    """Start the simulator, bench each worker count, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=int, default=300)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-bulk-"))
    file = write_requests(scratch / "requests.csv", args.requests)
    port = _free_port()
    simulator = subprocess.Popen(
        [sys.executable, "-m", "fixtures.portal", "--port", str(port),
         "--latency-ms", str(args.latency_ms)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/__sim__/health", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.1)  # the simulator is starting
        print(f"{args.requests} extensions, {args.latency_ms} ms latency per API call, "
              f"{os.cpu_count()} CPUs")
        print(f"{'workers':>7} {'issued':>6} {'failed':>6} {'wall':>8} {'overall':>12} "
              f"{'steady':>12} {'peak PSS':>10}")
        for workers in args.workers:
            issued, failed, wall, steady, peak = bench(file, workers, url, simulator.pid,
                                                       scratch)
            overall = issued / wall * 60
            print(f"{workers:>7} {issued:>6} {failed:>6} {wall:>7.1f}s {overall:>8.1f}/min "
                  f"{steady:>8.1f}/min {peak:>7.0f} MiB")
    finally:
        simulator.kill()
        simulator.wait()


if __name__ == "__main__":
    main()
