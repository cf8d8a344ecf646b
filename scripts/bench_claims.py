"""Print how many requests a second the journal's workers claim and finish (a figure, not a test).

For each backend — an SQLite file, and PostgreSQL (a throwaway cluster started here with
Debian's initdb/pg_ctl, or ``--url`` of an empty database) — the script loads ``--rows``
generated requests, then ``--workers`` threads claim each and finish it as a bulk worker does
(claim → submitting → issued: three write transactions), and prints claims per second, the
time to load the file, and a check that every request was done exactly once.

    .venv/bin/python -m scripts.bench_claims [--rows 2000] [--workers 4] [--url postgresql://…]

(``-m`` from the repository root: the script reuses the suite's helpers in ``tests/``, which
are not installed.)
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from flows.bulk.journal import Journal
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from tests.flows.bulk.claim_workers import work_claims
from tests.flows.bulk.conftest import make_row, write_csv
from tests.postgresql import PostgresServer, find_bin_dir


@contextlib.contextmanager
def _postgresql(url: str | None) -> Iterator[str | None]:
    """``url``, or a database of a cluster started for this run (None: no PostgreSQL here)."""
    if url is not None:
        yield url
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="prolong-bench-pg-"))
    folder.chmod(0o755)
    server = PostgresServer(bin_dir, folder)
    try:
        server.initdb()
        server.start()
        yield server.database()
    finally:
        with contextlib.suppress(Exception):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _bench(name: str, where: Path | str, plan: Plan, workers: int) -> None:
    with Journal(where) as journal:
        started = time.perf_counter()
        journal.load(plan)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        done = work_claims(journal, workers)
        seconds = time.perf_counter() - started
        keys = [key for key, _ in done]
        once = len(keys) == len(set(keys)) == len(plan.requests())
    print(
        f"{name:<10} {len(keys):>6} claims by {workers} workers in {seconds:6.2f} s: "
        f"{len(keys) / seconds:7.1f} claims/s (load {loaded:5.2f} s; each done once: {once})"
    )


def main() -> None:
    """Load the generated file into each backend and time the workers over it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: start one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prolong-bench-") as folder:
        source = write_csv(Path(folder) / "requests.csv", [make_row(n) for n in range(args.rows)])
        plan = make_plan(read_requests(source))
        _bench("sqlite", Path(folder) / "journal.sqlite", plan, args.workers)
        with _postgresql(args.url) as url:
            if url is None:
                print("postgresql: no initdb here and no --url: not measured")
            else:
                _bench("postgresql", url, plan, args.workers)


if __name__ == "__main__":
    main()
