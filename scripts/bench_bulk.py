"""Bulk throughput (extensions per minute) for 1, 2 and 4 workers, peak memory, CPU (figures).

The simulator runs in its own process with 300 ms added to every API call (a remote portal)
and, in turn, each boot time of a full page load (``--boot-ms``, 0 and 3000 by default); each
worker count enters the same generated file of new clients on a freshly reset simulator,
through the real ``BulkRunner`` and ``ExtensionFlow``. Printed, per boot time and worker count:

- wall: from the first claim to the last contract, browser start-up and sign-in included;
- overall and steady: extensions per minute over the wall time, and between the first and the
  last contract (start-up excluded);
- page loads: full page loads the simulator served during the run (``/__sim__/stats``);
- portal: the portal's own time per worker, (API calls × latency + page loads × boot) / workers,
  and the wall time's ratio to it (1 worker: what the run adds to the portal's waits);
- CPU/ext: CPU seconds of this process and every process it started (Playwright drivers,
  Chromiums; not the simulator) per issued extension;
- peak PSS: of this process and its children, sampled every 0.25 s;
- failed: requests that ended failed (timeouts when the CPUs are saturated, typically).

Then, per boot time, one more run of ``--goal-requests`` (6) new clients with one worker (the
issue's goal: ≤ 1.6× the portal's own time), and the goals for workers: the peak PSS each worker
adds over one worker ((peak N − peak 1) / (N − 1), ≤ 250 MiB) and 4 workers' throughput over 2
workers' (≥ 1.3×). The simulator serves its minified UI build unless ``--plain``.

    .venv/bin/python scripts/bench_bulk.py [--requests 12] [--workers 1 2 4] [--latency-ms 300]
        [--boot-ms 0 3000] [--goal-requests 6] [--plain]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from bench_common import PeakMemory, ProcessTreeCpu, SimCounters, portal_seconds, ratio_text

from automation.runtime.settings import Settings
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


@dataclass(frozen=True)
class Figures:
    """One bulk run at one worker count."""

    issued: int
    failed: int
    wall_s: float
    steady_per_min: float
    counters: SimCounters
    cpu_s: float
    peak_mib: float


@dataclass(frozen=True)
class Simulator:
    """The simulator process of one boot time."""

    url: str
    pid: int
    latency_ms: int
    boot_ms: int


def bench(file: Path, workers: int, sim: Simulator, scratch: Path) -> Figures:
    """Enter ``file`` with ``workers`` workers on the freshly reset simulator."""
    httpx.post(f"{sim.url}/__sim__/reset", timeout=30).raise_for_status()
    settings = Settings(
        _env_file=None,
        artifacts_dir=scratch,
        storage_state=scratch / "state.json",
        timeout_ms=30_000 + sim.boot_ms,
    )
    plan = make_plan(read_requests(file))
    path = scratch / f"journal-{sim.boot_ms}-{workers}-{file.stem}.sqlite"
    with Journal(path) as journal:
        journal.load(plan)
        before = SimCounters.read(sim.url)
        with PeakMemory({sim.pid}) as memory, ProcessTreeCpu({sim.pid}) as cpu:
            started = time.monotonic()
            BulkRunner(
                journal,
                plan.requests(),
                extension_flow_factory(settings, sim.url),
                RunOptions(workers=workers),
            ).run()
            wall = time.monotonic() - started
        counters = SimCounters.read(sim.url) - before
        issued = [
            datetime.fromisoformat(e.at) for e in journal.events() if e.to_state == Outcome.ISSUED
        ]
        failed = journal.state_counts()[Outcome.FAILED]
    steady = 0.0
    if len(issued) > 1:
        span = (max(issued) - min(issued)).total_seconds()
        steady = (len(issued) - 1) / span * 60 if span else 0.0
    return Figures(
        len(issued), failed, wall, steady, counters, cpu.seconds - memory.sampler_cpu_s, memory.peak
    )


HEADER = (
    f"{'boot':>6} {'workers':>7} {'issued':>6} {'failed':>6} {'wall':>8} {'overall':>10} "
    f"{'steady':>10} {'page loads':>10} {'API calls':>9} {'portal':>8} {'ratio':>6} "
    f"{'CPU/ext':>8} {'peak PSS':>10}"
)


def portal_ratio(sim: Simulator, workers: int, figures: Figures) -> float:
    """The wall time over the portal's own time per worker (inf when that is nil)."""
    portal = portal_seconds(figures.counters, sim.latency_ms, sim.boot_ms) / workers
    return figures.wall_s / portal if portal else float("inf")


def row(sim: Simulator, workers: int, figures: Figures) -> str:
    """One printed line of the table."""
    portal = portal_seconds(figures.counters, sim.latency_ms, sim.boot_ms) / workers
    overall = figures.issued / figures.wall_s * 60
    per_extension = figures.cpu_s / figures.issued if figures.issued else float("nan")
    return (
        f"{sim.boot_ms:>4}ms {workers:>7} {figures.issued:>6} {figures.failed:>6} "
        f"{figures.wall_s:>7.1f}s {overall:>6.1f}/min {figures.steady_per_min:>6.1f}/min "
        f"{figures.counters.page_loads:>10} {figures.counters.api_requests:>9} "
        f"{portal:>7.1f}s {ratio_text(figures.wall_s, portal):>6} "
        f"{per_extension:>7.1f}s {figures.peak_mib:>6.0f} MiB"
    )


def worker_goals(
    boot_ms: int, runs: dict[int, Figures], goal: Figures | None, sim: Simulator, goal_requests: int
) -> list[str]:
    """The issue's goals for bulk runs at one boot time, each with its figure."""
    lines: list[str] = []

    def say(text: str, figure: str, holds: bool) -> None:
        lines.append(f"  {'holds' if holds else 'MISSED':<6}  boot {boot_ms} ms, {text}: {figure}")

    if goal is not None:
        ratio = portal_ratio(sim, 1, goal)
        say(
            f"{goal_requests} new clients, 1 worker: ≤ 1.6× the portal's own time",
            f"{ratio:.2f}×",
            ratio <= 1.6,
        )
    if 1 in runs:
        for workers, figures in sorted(runs.items()):
            if workers > 1:
                extra = (figures.peak_mib - runs[1].peak_mib) / (workers - 1)
                say(
                    f"each worker past the first, {workers} workers: ≤ 250 MiB",
                    f"{extra:.0f} MiB",
                    extra <= 250,
                )
    if 2 in runs and 4 in runs:
        two, four = runs[2], runs[4]
        gain = (four.issued / four.wall_s) / (two.issued / two.wall_s)
        steady = four.steady_per_min / two.steady_per_min if two.steady_per_min else 0.0
        say(
            "4 workers over 2 (overall; steady): ≥ 1.3×", f"{gain:.2f}×; {steady:.2f}×", gain >= 1.3
        )
    return lines


@contextmanager
def simulator(latency_ms: int, boot_ms: int, *, minified: bool = True) -> Iterator[Simulator]:
    """The simulator in a process of its own, so its CPU and memory stay out of the figures."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fixtures.portal",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
            "--boot-ms",
            str(boot_ms),
            "--minified" if minified else "--no-minified",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/__sim__/health", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.1)  # the simulator is starting
        yield Simulator(url, process.pid, latency_ms, boot_ms)
    finally:
        process.kill()
        process.wait()


def main() -> None:
    """Start a simulator per boot time, bench each worker count, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument(
        "--boot-ms",
        type=int,
        nargs="+",
        default=[0, 3000],
        help="boot time of every full page load (one simulator each)",
    )
    parser.add_argument(
        "--goal-requests",
        type=int,
        default=6,
        help="new clients of the one-worker goal run (0: none)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="serve the unminified UI build (default: the minified one)",
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-bulk-"))
    file = write_requests(scratch / "requests.csv", args.requests)
    goal_file = write_requests(scratch / "goal.csv", args.goal_requests)
    build = "unminified" if args.plain else "minified"
    print(
        f"{args.requests} extensions, {args.latency_ms} ms latency per API call, "
        f"{os.cpu_count()} CPUs, {build} UI build"
    )
    print(HEADER)
    summary: list[str] = []
    for boot in args.boot_ms:
        with simulator(args.latency_ms, boot, minified=not args.plain) as sim:
            runs: dict[int, Figures] = {}
            for workers in args.workers:
                runs[workers] = bench(file, workers, sim, scratch)
                print(row(sim, workers, runs[workers]), flush=True)
            goal = None
            if args.goal_requests:
                goal = bench(goal_file, 1, sim, scratch)
                print(f"{row(sim, 1, goal)}   ({args.goal_requests} requests)", flush=True)
            summary += worker_goals(boot, runs, goal, sim, args.goal_requests)
    print("goals (issue 14)")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
