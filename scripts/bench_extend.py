"""Median wall time of one extension on the simulator, browser warm, per latency and boot time.

Prints, for each latency (``--latency-ms``, 0 and 300 by default) and each boot time of a full
page load (``--boot-ms``, 0 and 3000 by default), the median of ``--runs`` extensions (search →
finalised contract) after one warm-up, with what the simulator counted for each (from
``/__sim__/stats``): its own time answering, API calls, full page loads; then the portal's own
time (calls × latency + page loads × boot) and the wall time's ratio to it. A figure, not a test.

    .venv/bin/python scripts/bench_extend.py [--runs 7] [--latency-ms 0 300] [--boot-ms 0 3000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench_common import SimCounters, portal_seconds, ratio_text

from automation.session import open_session
from automation.settings import Settings
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

HEADER = (f"{'latency':>8} {'boot':>7} {'median wall':>12} {'server time':>12} {'API calls':>10} "
          f"{'page loads':>11} {'portal time':>12} {'ratio':>6}   sign-in+warm-up page loads")


@dataclass(frozen=True)
class Figures:
    """Medians for one extension at one latency and boot time."""

    wall_s: float
    server_s: float
    api_calls: int
    page_loads: int
    portal_s: float
    setup_page_loads: int  # sign-in and the warm-up extension, before the measured runs


def _median_int(values: list[int]) -> int:
    return int(statistics.median(values))


def bench(latency_ms: int, boot_ms: int, runs: int) -> Figures:
    """Run one warm-up and ``runs`` measured extensions on a fresh simulator."""
    request = parse_extension_request(REQUEST)
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-"))
    settings = Settings(
        _env_file=None, artifacts_dir=scratch, storage_state=scratch / "state.json",
        timeout_ms=30_000 + boot_ms,
    )
    walls: list[float] = []
    counted: list[SimCounters] = []
    with start_in_thread(SimOptions(latency_ms=latency_ms, boot_ms=boot_ms)) as sim:
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
    median = SimCounters(
        _median_int([c.api_requests for c in counted]),
        _median_int([c.page_loads for c in counted]),
        statistics.median(c.server_s for c in counted),
    )
    return Figures(statistics.median(walls), median.server_s, median.api_requests,
                   median.page_loads, portal_seconds(median, latency_ms, boot_ms),
                   setup.page_loads)


def row(latency_ms: int, boot_ms: int, figures: Figures) -> str:
    """One printed line of the table."""
    return (f"{latency_ms:>6}ms {boot_ms:>5}ms {figures.wall_s:>11.2f}s "
            f"{figures.server_s:>11.3f}s {figures.api_calls:>10} {figures.page_loads:>11} "
            f"{figures.portal_s:>11.2f}s {ratio_text(figures.wall_s, figures.portal_s):>6}   "
            f"{figures.setup_page_loads}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured extensions per row")
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[0, 300],
                        help="latency added to every API call (one row each)")
    parser.add_argument("--boot-ms", type=int, nargs="+", default=[0, 3000],
                        help="boot time of every full page load (one row each)")
    args = parser.parse_args()
    print(f"one extension, browser warm, median of {args.runs}")
    print(HEADER)
    for boot in args.boot_ms:
        for latency in args.latency_ms:
            print(row(latency, boot, bench(latency, boot, args.runs)), flush=True)


if __name__ == "__main__":
    main()
