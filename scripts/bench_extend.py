"""Median wall time of one extension on the simulator, browser warm, per latency and boot time.

Prints, for each latency (``--latency-ms``, 0 and 300 by default) and each boot time of a full
page load (``--boot-ms``, 0 and 3000 by default), the median of ``--runs`` extensions (search →
finalised contract) after one warm-up, with what the simulator counted for each (from
``/__sim__/stats``): its own time answering, API calls, full page loads; then the portal's own
time (calls × latency + page loads × boot) and the wall time's ratio to it; then the median
seconds of each step of the walk (``Trail`` timings: where the time goes) and the issue's goals
for one extension, each with its figure and whether it holds. A figure, not a test.

The simulator serves its minified UI build unless ``--plain`` (the unminified one, as its
default for debugging).

``--messages N`` prints instead what sign-in and ``N`` extensions (0 ms, 0 ms boot) cost in
messages: CDP messages between Playwright's driver and Chromium (the driver's own
``pw:protocol`` log, counted), and calls from Python to the driver (each a round trip through
the driver's pipe), with this process's CPU seconds. Run it with ``PYTHONPATH`` pointing at
another checkout to count that checkout's. Counts do not depend on how busy the machine is.

    .venv/bin/python scripts/bench_extend.py [--runs 7] [--latency-ms 0 300] [--boot-ms 0 3000]
        [--plain] [--messages 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench_common import PeakMemory, SimCounters, portal_seconds, ratio_text, simulator

from automation.runtime.session import open_session
from automation.runtime.settings import Settings
from automation.runtime.walk import Step
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from flows.extension import ExtensionFlow
from flows.outcome import Outcome
from flows.request import parse_extension_request

REQUEST = {
    "contract_number": "LH12345", "product": "single_trip", "coverages": "emc",
    "departed": "no", "claim": "none", "first_name": "Jean", "last_name": "Bonjour",
    "birth_date": "1950-01-01", "phone": "(514) 467-3193", "postal_code": "H3A 2Y1",
    "province": "QC", "language": "fr", "destination": "DE", "trip_reason": "study",
    "trip_start": "2026-12-01", "trip_end": "2027-01-30", "legacy_days": 15,
    "buyer_travelling": "oui", "all_canadian_residents": "oui", "all_provincial_plan": "oui",
    "privacy_consent": "oui",
}  # fmt: skip

HEADER = (
    f"{'latency':>8} {'boot':>7} {'median wall':>12} {'server time':>12} {'API calls':>10} "
    f"{'page loads':>11} {'portal time':>12} {'ratio':>6}   sign-in+warm-up page loads"
)


@dataclass(frozen=True)
class Figures:
    """Medians for one extension at one latency and boot time."""

    wall_s: float
    server_s: float
    api_calls: int
    page_loads: int
    portal_s: float
    setup_page_loads: int  # sign-in and the warm-up extension, before the measured runs
    steps: dict[Step, float]  # median seconds of each step of the walk


def _median_int(values: list[int]) -> int:
    return int(statistics.median(values))


def bench(latency_ms: int, boot_ms: int, runs: int, *, minified: bool = True) -> Figures:
    """Run one warm-up and ``runs`` measured extensions on a fresh simulator."""
    request = parse_extension_request(REQUEST)
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-"))
    settings = Settings(
        _env_file=None,
        artifacts_dir=scratch,
        storage_state=scratch / "state.json",
        timeout_ms=30_000 + boot_ms,
    )
    walls: list[float] = []
    counted: list[SimCounters] = []
    steps: dict[Step, list[float]] = {}
    with start_in_thread(
        SimOptions(latency_ms=latency_ms, boot_ms=boot_ms, minified=minified)
    ) as sim:
        start = SimCounters.read(sim.url)
        with open_session(settings, sim.url) as session:
            flow = ExtensionFlow(session)
            flow.run(request)  # warm-up: browser caches, first paint of each screen
            setup = SimCounters.read(sim.url) - start
            for run in range(1, runs + 1):
                # A trip of its own each time: the same trip is found sold and not sold again.
                trip_end = (request.trip_end + timedelta(days=run)).isoformat()
                trip = parse_extension_request({**REQUEST, "trip_end": trip_end})
                before = SimCounters.read(sim.url)
                started = time.perf_counter()
                result = flow.run(trip)
                walls.append(time.perf_counter() - started)
                counted.append(SimCounters.read(sim.url) - before)
                assert result.status is Outcome.ISSUED and not result.already_sold, result.message
                for timing in result.timings:
                    steps.setdefault(timing.step, []).append(timing.seconds)
    median = SimCounters(
        _median_int([c.api_requests for c in counted]),
        _median_int([c.page_loads for c in counted]),
        statistics.median(c.server_s for c in counted),
    )
    return Figures(
        statistics.median(walls),
        median.server_s,
        median.api_requests,
        median.page_loads,
        portal_seconds(median, latency_ms, boot_ms),
        setup.page_loads,
        {step: statistics.median(seconds) for step, seconds in steps.items()},
    )


def count_messages(extensions: int, *, minified: bool = True) -> None:
    """Print the CDP messages, Python → driver calls and CPU by process kind (the simulator in
    a process of its own, left out) of sign-in and ``extensions`` extensions."""
    from playwright._impl.connection import Connection  # a private API: a benchmark's count

    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-cdp-"))
    log = scratch / "protocol.log"
    # Read by the driver when it starts: set before the session opens its Playwright.
    os.environ["DEBUG"], os.environ["DEBUG_FILE"] = "pw:protocol", str(log)
    calls = [0]
    send = Connection.send_message_to_server

    def counted(self: Connection, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return send(self, *args, **kwargs)

    Connection.send_message_to_server = counted  # type: ignore[method-assign]
    settings = Settings(_env_file=None, artifacts_dir=scratch, storage_state=scratch / "state.json")
    with (
        simulator(0, 0, minified=minified) as sim,
        PeakMemory({sim.pid}, memory=False) as usage,
        open_session(settings, sim.url) as session,
    ):
        flow = ExtensionFlow(session)
        for run in range(extensions):
            # A trip of its own each time: the same trip is found sold and not sold again.
            trip_end = parse_extension_request(REQUEST).trip_end + timedelta(days=run)
            trip = parse_extension_request({**REQUEST, "trip_end": trip_end.isoformat()})
            result = flow.run(trip)
            assert result.status is Outcome.ISSUED, result.message
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    sent = sum("pw:protocol SEND" in line for line in lines)
    received = sum("pw:protocol ◀ RECV" in line for line in lines)
    kinds = "  ".join(f"{kind} {seconds:.2f}" for kind, seconds in usage.cpu_by_kind.items())
    print(
        f"sign-in + {extensions} extensions, trace {settings.trace.value}: CDP messages "
        f"{sent + received} ({sent} sent, {received} received), Python → driver calls {calls[0]}"
    )
    print(
        f"  CPU s (logging on, simulator apart): {kinds}  all {sum(usage.cpu_by_kind.values()):.2f}"
    )


def row(latency_ms: int, boot_ms: int, figures: Figures) -> str:
    """One printed line of the table."""
    return (
        f"{latency_ms:>6}ms {boot_ms:>5}ms {figures.wall_s:>11.2f}s "
        f"{figures.server_s:>11.3f}s {figures.api_calls:>10} {figures.page_loads:>11} "
        f"{figures.portal_s:>11.2f}s {ratio_text(figures.wall_s, figures.portal_s):>6}   "
        f"{figures.setup_page_loads}"
    )


def step_line(latency_ms: int, boot_ms: int, figures: Figures) -> str:
    """The median seconds of each step, in walking order, for one row."""
    steps = "  ".join(f"{step.value} {seconds:.2f}" for step, seconds in figures.steps.items())
    return f"{latency_ms:>6}ms {boot_ms:>5}ms   {steps}"


def goals(results: dict[tuple[int, int], Figures]) -> list[str]:
    """The issue's goals for one extension that these rows can tell, with their figures."""
    lines: list[str] = []

    def say(goal: str, figure: str, holds: bool) -> None:
        lines.append(f"  {'holds' if holds else 'MISSED':<6}  {goal}: {figure}")

    for (latency, boot), figures in sorted(results.items()):
        if latency == 0 and boot == 0:
            say("warm, no latency ≤ 2.5 s", f"{figures.wall_s:.2f} s", figures.wall_s <= 2.5)
        if latency > 0:
            trips = figures.api_calls * latency / 1000
            ratio = figures.wall_s / trips if trips else float("inf")
            say(
                f"{latency} ms per call, boot {boot} ms: ≤ 1.5× the round trips",
                f"{figures.wall_s:.2f} s / {trips:.2f} s = {ratio:.2f}×",
                ratio <= 1.5,
            )
        if boot > 0 and (latency, 0) in results:
            slower = figures.wall_s - results[(latency, 0)].wall_s
            say(
                f"boot {boot} ms no slower than boot 0 by more than 0.5 s ({latency} ms)",
                f"{slower:+.2f} s",
                slower <= 0.5,
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured extensions per row")
    parser.add_argument(
        "--latency-ms",
        type=int,
        nargs="+",
        default=[0, 300],
        help="latency added to every API call (one row each)",
    )
    parser.add_argument(
        "--boot-ms",
        type=int,
        nargs="+",
        default=[0, 3000],
        help="boot time of every full page load (one row each)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="serve the unminified UI build (default: the minified one)",
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=0,
        help="count CDP messages and driver calls of sign-in and N extensions instead",
    )
    args = parser.parse_args()
    if args.messages:
        count_messages(args.messages, minified=not args.plain)
        return
    build = "unminified" if args.plain else "minified"
    print(f"one extension, browser warm, median of {args.runs}, {build} UI build")
    print(HEADER)
    results: dict[tuple[int, int], Figures] = {}
    for boot in args.boot_ms:
        for latency in args.latency_ms:
            figures = bench(latency, boot, args.runs, minified=not args.plain)
            results[(latency, boot)] = figures
            print(row(latency, boot, figures), flush=True)
    print("median seconds per step (Trail timings)")
    for (latency, boot), figures in results.items():
        print(step_line(latency, boot, figures))
    print("goals (issue 14)")
    print("\n".join(goals(results)))


if __name__ == "__main__":
    main()
