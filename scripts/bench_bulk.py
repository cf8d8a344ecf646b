"""Bulk throughput for 1, 2 and 4 workers, CPU by process kind, peak memory (figures), and the
same for another checkout (``--against``, the previous release) measured in the same window.

The simulator runs in its own process with 300 ms added to every API call (a remote portal)
and a 3 s boot per full page load (``--boot-ms``); each run enters the same generated file of
new clients on the freshly reset simulator through the real ``BulkRunner`` and
``ExtensionFlow``, in a Python process of its own started from the checkout measured
(``PYTHONPATH`` = that checkout), so each run's process tree holds only that run. With
``--against``, each worker count runs the other checkout then this one, one after the other on
the same simulator: a busy machine slows both alike. Printed, per boot time, worker count and
checkout:

- wall: from the first claim to the last contract, browser start-up and sign-in included;
- overall and steady: extensions per minute over the wall time, and between the first and the
  last contract (start-up excluded);
- page loads, API calls: what the simulator served during the run (``/__sim__/stats``);
- portal: the portal's own time per worker, (API calls × latency + page loads × boot) / workers,
  and the wall time's ratio to it (1 worker: what the toolkit adds to the portal's waits);
- peak PSS of the run's process tree (sampled every 0.2 s) and per worker (peak / workers);
- failed: requests that ended failed (timeouts when the CPUs are saturated, typically).

Then CPU seconds per issued extension by process kind: the Python process of prolong, the
Playwright drivers (Node), the Chromium browser process, its renderers, its GPU and utility
processes (zygotes included), "lost" (CPU of processes that exited between two samples: the
process tree's total from ``getrusage`` less the sum of the kinds), the toolkit's share (all of
those) and, apart, the simulator's server (what a real org spends on its own machines).
Last, the issue's goals with their figures.

    .venv/bin/python scripts/bench_bulk.py [--requests 12] [--workers 1 2 4] [--latency-ms 300]
        [--boot-ms 3000] [--against /work/wt/old] [--plain]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import httpx
from bench_common import (
    KINDS,
    PeakMemory,
    ProcessTreeCpu,
    SimCounters,
    Simulator,
    portal_seconds,
    process_cpu_s,
    ratio_text,
    simulator,
)

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


@dataclass(frozen=True)
class Figures:
    """One bulk run at one worker count, as the run's own process measured it."""

    issued: int
    failed: int
    wall_s: float
    steady_per_min: float
    api_requests: int
    page_loads: int
    cpu_by_kind: dict[str, float]  # KINDS, and "lost"
    peak_mib: float
    simulator_cpu_s: float = 0.0  # filled in by the parent, which owns the simulator

    @property
    def toolkit_cpu_s(self) -> float:
        """The CPU of everything but the simulator."""
        return sum(self.cpu_by_kind.values())


def run_once(file: Path, workers: int, url: str, boot_ms: int, scratch: Path) -> Figures:
    """Enter ``file`` with ``workers`` workers (the simulator is reset by the caller).

    Imported here: a child process imports the checkout it measures (``PYTHONPATH``).
    """
    from automation.runtime.settings import Settings
    from flows.bulk.journal import Journal
    from flows.bulk.plan import make_plan
    from flows.bulk.reader import read_requests
    from flows.bulk.runner import BulkRunner, RunOptions
    from flows.bulk.target import extension_flow_factory
    from flows.outcome import Outcome

    settings = Settings(
        _env_file=None,
        artifacts_dir=scratch,
        storage_state=scratch / "state.json",
        timeout_ms=30_000 + boot_ms,
    )
    plan = make_plan(read_requests(file))
    with Journal(scratch / "journal.sqlite") as journal:
        journal.load(plan)
        before = SimCounters.read(url)
        with PeakMemory(set()) as memory, ProcessTreeCpu() as tree:
            started = time.monotonic()
            BulkRunner(
                journal,
                plan.requests(),
                extension_flow_factory(settings, url),
                RunOptions(workers=workers),
            ).run()
            wall = time.monotonic() - started
        counters = SimCounters.read(url) - before
        issued = [
            datetime.fromisoformat(e.at) for e in journal.events() if e.to_state == Outcome.ISSUED
        ]
        failed = journal.state_counts()[Outcome.FAILED]
    steady = 0.0
    if len(issued) > 1:
        span = (max(issued) - min(issued)).total_seconds()
        steady = (len(issued) - 1) / span * 60 if span else 0.0
    kinds = dict(memory.cpu_by_kind)
    kinds["lost"] = max(0.0, tree.seconds - memory.sampler_cpu_s - sum(kinds.values()))
    return Figures(
        len(issued),
        failed,
        wall,
        steady,
        counters.api_requests,
        counters.page_loads,
        kinds,
        memory.peak,
    )


def bench(checkout: Path, file: Path, workers: int, sim: Simulator) -> Figures:
    """One run of ``checkout``'s code in a child process; the simulator's CPU read around it."""
    httpx.post(f"{sim.url}/__sim__/reset", timeout=30).raise_for_status()
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-bulk-"))
    out = scratch / "figures.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(out),
        "--url",
        sim.url,
        "--file",
        str(file),
        "--workers",
        str(workers),
        "--boot-ms",
        str(sim.boot_ms),
    ]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    simulator_before = process_cpu_s(sim.pid)
    subprocess.run(command, cwd=checkout, env=env, check=True, stdout=subprocess.DEVNULL)
    simulator_cpu = process_cpu_s(sim.pid) - simulator_before
    data = json.loads(out.read_text())
    return Figures(**{**data, "simulator_cpu_s": simulator_cpu})


HEADER = (
    f"{'code':>5} {'boot':>6} {'workers':>7} {'issued':>6} {'failed':>6} {'wall':>7} "
    f"{'overall':>10} {'steady':>10} {'loads':>5} {'API':>4} {'portal':>7} {'ratio':>6} "
    f"{'peak PSS':>9} {'/worker':>8}"
)
CPU_HEADER = (
    f"{'code':>5} {'boot':>6} {'workers':>7} "
    + " ".join(f"{kind:>11}" for kind in (*KINDS, "lost"))
    + f" {'TOOLKIT':>8} {'simulator':>9}"
)


def portal_per_worker(sim: Simulator, workers: int, figures: Figures) -> float:
    """The portal's own time per worker: what each worker cannot avoid waiting."""
    counters = SimCounters(figures.api_requests, figures.page_loads, 0.0)
    return portal_seconds(counters, sim.latency_ms, sim.boot_ms) / workers


def row(label: str, sim: Simulator, workers: int, figures: Figures) -> str:
    """One printed line of the throughput table."""
    portal = portal_per_worker(sim, workers, figures)
    overall = figures.issued / figures.wall_s * 60
    return (
        f"{label:>5} {sim.boot_ms:>4}ms {workers:>7} {figures.issued:>6} {figures.failed:>6} "
        f"{figures.wall_s:>6.1f}s {overall:>6.1f}/min {figures.steady_per_min:>6.1f}/min "
        f"{figures.page_loads:>5} {figures.api_requests:>4} {portal:>6.1f}s "
        f"{ratio_text(figures.wall_s, portal):>6} {figures.peak_mib:>5.0f} MiB "
        f"{figures.peak_mib / workers:>4.0f} MiB"
    )


def cpu_row(label: str, sim: Simulator, workers: int, figures: Figures) -> str:
    """One printed line of CPU seconds per issued extension, by process kind."""
    n = figures.issued or 1
    kinds = " ".join(
        f"{figures.cpu_by_kind.get(kind, 0.0) / n:>10.2f}s" for kind in (*KINDS, "lost")
    )
    return (
        f"{label:>5} {sim.boot_ms:>4}ms {workers:>7} {kinds} {figures.toolkit_cpu_s / n:>7.2f}s "
        f"{figures.simulator_cpu_s / n:>8.2f}s"
    )


def goals(
    sim: Simulator, runs: dict[tuple[str, int], Figures], labels: list[str], requests: int
) -> list[str]:
    """The issue's goals at one boot time, each with its figure."""
    lines: list[str] = []
    new = labels[-1]

    def say(text: str, figure: str, holds: bool) -> None:
        lines.append(
            f"  {'holds' if holds else 'MISSED':<6}  boot {sim.boot_ms} ms, {text}: {figure}"
        )

    if (new, 1) in runs:
        one = runs[(new, 1)]
        portal = portal_per_worker(sim, 1, one)
        ratio = one.wall_s / portal if portal else float("inf")
        say(
            f"{requests} requests, 1 worker, start and sign-in included: ≤ 1.6× the portal's time",
            f"{one.wall_s:.1f} s / {portal:.1f} s = {ratio:.2f}×",
            ratio <= 1.6,
        )
    if (new, 2) in runs and (new, 4) in runs:
        two, four = runs[(new, 2)], runs[(new, 4)]
        gain = (four.issued / four.wall_s) / (two.issued / two.wall_s)
        steady = four.steady_per_min / two.steady_per_min if two.steady_per_min else 0.0
        say(
            "4 workers over 2 (overall; steady): ≥ 1.5×", f"{gain:.2f}×; {steady:.2f}×", gain >= 1.5
        )
    if len(labels) == 2:
        old = labels[0]
        for (label, workers), figures in sorted(runs.items()):
            if label != new or (old, workers) not in runs or not figures.issued:
                continue
            before = runs[(old, workers)]
            per_old = before.toolkit_cpu_s / (before.issued or 1)
            per_new = figures.toolkit_cpu_s / figures.issued
            say(
                f"toolkit CPU per extension, {workers} workers, halved ({old} → {new})",
                f"{per_old:.2f} s → {per_new:.2f} s ({per_new / per_old:.2f}×)",
                per_new <= per_old / 2,
            )
    return lines


def child(args: argparse.Namespace) -> None:
    """One run in this process (``--child OUT``): its figures written to OUT as JSON."""
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-run-"))
    figures = run_once(Path(args.file), args.workers[0], args.url, args.boot_ms[0], scratch)
    Path(args.child).write_text(json.dumps(asdict(figures)))


def main() -> None:
    """Start a simulator per boot time, bench each worker count and checkout, print tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument(
        "--boot-ms",
        type=int,
        nargs="+",
        default=[3000],
        help="boot time of every full page load (one simulator each)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (a worktree of the previous release) measured beside this one",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="serve the unminified UI build (default: the minified one)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    checkouts = [("new", ROOT)]
    if args.against:
        checkouts.insert(0, ("old", args.against.resolve()))
    labels = [label for label, _ in checkouts]
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-bulk-"))
    file = write_requests(scratch / "requests.csv", args.requests)
    build = "unminified" if args.plain else "minified"
    print(
        f"{args.requests} extensions, {args.latency_ms} ms latency per API call, "
        f"{os.cpu_count()} CPUs, {build} UI build, load average {os.getloadavg()[0]:.1f}"
    )
    for label, path in checkouts:
        head = subprocess.run(
            ["git", "-C", str(path), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"  {label}: {path} ({head[:70]})")
    print(HEADER)
    results: dict[int, tuple[Simulator, dict[tuple[str, int], Figures]]] = {}
    for boot in args.boot_ms:
        with simulator(args.latency_ms, boot, minified=not args.plain) as sim:
            runs: dict[tuple[str, int], Figures] = {}
            for workers in args.workers:
                for label, path in checkouts:
                    runs[(label, workers)] = bench(path, file, workers, sim)
                    print(row(label, sim, workers, runs[(label, workers)]), flush=True)
            results[boot] = (sim, runs)
    print("CPU seconds per issued extension, by process kind")
    print(CPU_HEADER)
    summary: list[str] = []
    for sim, runs in results.values():
        for (label, workers), figures in runs.items():
            print(cpu_row(label, sim, workers, figures))
        summary += goals(sim, runs, labels, args.requests)
    print(f"goals (issue 24), load average now {os.getloadavg()[0]:.1f}")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
