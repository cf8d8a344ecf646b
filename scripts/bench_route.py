"""Print how long routing takes for fixtures/data/route_cases.jsonl (a figure, not a test).

Each pass parses and routes every line exactly as ``prolong route --jsonl`` does (JSON decoding,
validation, rules, JSON encoding), writing to an in-memory buffer.

    .venv/bin/python scripts/bench_route.py [PATH] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from flows.cli.route import route_lines

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "data" / "route_cases.jsonl"


def main() -> None:
    """Time ``route_lines`` over the file, several passes, and print the best and the mean."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="?", default=CASES)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = args.path.read_text(encoding="utf-8")
    count = sum(1 for line in text.splitlines() if line.strip())
    timings: list[float] = []
    answers = io.StringIO()
    for _ in range(args.repeat):
        answers = io.StringIO()
        started = time.perf_counter()
        route_lines(io.StringIO(text), answers)
        timings.append(time.perf_counter() - started)
    errors = answers.getvalue().count('{"error"')
    best, mean = min(timings), sum(timings) / len(timings)
    print(f"{count} requests ({count - errors} routed, {errors} invalid) from {args.path.name}")
    print(
        f"best {best * 1000:.1f} ms, mean {mean * 1000:.1f} ms over {args.repeat} passes "
        f"= {best / count * 1e6:.0f} µs per request"
    )


if __name__ == "__main__":
    main()
