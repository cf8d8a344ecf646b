"""Workers that claim and finish a journal's requests without a browser, in one process.

``python -m tests.flows.bulk.claim_workers JOURNAL WORKERS`` runs ``WORKERS`` threads on the
journal (a file or a ``postgresql://`` URL) until nothing is left to claim, each ending every
request it claims ``issued`` through ``submitting`` as a real worker does, and prints one line
per request: ``key worker``. The contention test runs two of these processes at once and
``scripts/bench_claims.py`` times them.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from flows.bulk.journal import Journal, is_database_url

__all__ = ["work_claims"]


def work_claims(journal: Journal, workers: int, tag: str = "") -> list[tuple[str, str]]:
    """Claim and finish requests with ``workers`` threads until none is left; (key, worker)."""
    done: list[tuple[str, str]] = []
    guard = threading.Lock()

    def work(name: str) -> None:
        while (claim := journal.claim(name)) is not None:
            journal.submitting(claim.key, f"QUO-{claim.row}", name)
            journal.issued(
                claim.key,
                name,
                contract_number=f"AA{claim.row:08d}",
                opportunity_name=f"QUO-{claim.row}",
                premium="10.00",
            )
            with guard:
                done.append((claim.key, name))

    threads = [threading.Thread(target=work, args=(f"{tag}w{n}",)) for n in range(1, workers + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def main(argv: list[str]) -> None:
    """Run ``work_claims`` on the journal named by ``argv[0]`` with ``argv[1]`` workers."""
    where, workers = argv[0], int(argv[1])
    with Journal(where if is_database_url(where) else Path(where)) as journal:
        for key, worker in work_claims(
            journal, workers, tag=f"p{argv[2]}" if len(argv) > 2 else ""
        ):
            print(key, worker)


if __name__ == "__main__":
    main(sys.argv[1:])
