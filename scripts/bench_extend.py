"""Median wall time of one extension on the simulator, browser warm, with and without latency.

Prints, for each latency, the median wall time of one full extension (search → finalised
contract) and the simulator's own time spent answering it (from /__sim__/stats), so the part
due to the browser and the page objects is visible. A figure, not a test.

    .venv/bin/python scripts/bench_extend.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

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


def _stats(url: str) -> dict[str, float]:
    return httpx.get(f"{url}/__sim__/stats").json()  # type: ignore[no-any-return]


def bench(latency_ms: int, runs: int) -> tuple[float, float, int]:
    """Median wall seconds, median server seconds and requests per extension."""
    request = parse_extension_request(REQUEST)
    scratch = Path(tempfile.mkdtemp(prefix="prolong-bench-"))
    settings = Settings(
        _env_file=None, artifacts_dir=scratch, storage_state=scratch / "state.json",
        timeout_ms=30_000,
    )
    walls: list[float] = []
    servers: list[float] = []
    calls: list[int] = []
    with start_in_thread(SimOptions(latency_ms=latency_ms)) as sim, open_session(
        settings, sim.url
    ) as session:
        flow = ExtensionFlow(session)
        flow.run(request)  # warm-up: browser caches, first paint of each screen
        for run in range(1, runs + 1):
            # A trip of its own each time: the same trip is found sold and not sold again.
            trip_end = (request.trip_end + timedelta(days=run)).isoformat()
            trip = parse_extension_request({**REQUEST, "trip_end": trip_end})
            before = _stats(sim.url)
            started = time.perf_counter()
            result = flow.run(trip)
            walls.append(time.perf_counter() - started)
            after = _stats(sim.url)
            assert result.status is Outcome.ISSUED and not result.already_sold, result.message
            servers.append((after["server_time_ms"] - before["server_time_ms"]) / 1000)
            calls.append(int(after["api_requests"] - before["api_requests"]))
    return statistics.median(walls), statistics.median(servers), int(statistics.median(calls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{'latency':>8} {'median wall':>12} {'server time':>12} {'API calls':>10}")
    for latency in (0, 300):
        wall, server, calls = bench(latency, args.runs)
        print(f"{latency:>6}ms {wall:>11.2f}s {server:>11.3f}s {calls:>10}")


if __name__ == "__main__":
    main()
