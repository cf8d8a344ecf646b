"""The longest tests run first, so a parallel run does not end with one worker on a long test.

``tests/longest_tests.txt`` lists the tests that took longest in a measured run, with their
seconds. ``order_longest_first`` moves their modules to the front of the collection, the module
of the longest test first, and leaves every other test in its place: pytest-xdist's workers then
start on the long ones and the short ones fill in around them (longest-processing-time-first
scheduling). Tests grouped by a
session-scoped parameter (a portal variant, a regression target) keep their place. A test
missing from the file, or a file out of date, changes the order only, never what runs.

Remake the file from a run with durations::

    ./run test --durations=0 -q > run.log
    .venv/bin/python -m tests.longest run.log
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

LONGEST_FILE = Path(__file__).with_name("longest_tests.txt")
# Tests shorter than this stay in collection order: their place hardly changes the end.
_KEEP_FROM_S = 6.0
# Session-scoped parameters: pytest runs their tests grouped, one setup per value.
_GROUPED_BY = frozenset({"portal_variant", "target"})
_DURATION = re.compile(r"^([0-9.]+)s (?:setup|call|teardown)\s+(\S+)$")


def read_longest(path: Path = LONGEST_FILE) -> dict[str, float]:
    """Seconds by test node id, from ``path`` (none when it is missing)."""
    if not path.exists():
        return {}
    seconds: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            taken, node_id = line.split(maxsplit=1)
            seconds[node_id.strip()] = float(taken)
    return seconds


def order_longest_first(items: list[pytest.Item], longest: dict[str, float]) -> None:
    """Move the modules holding the tests of ``longest`` to the front, the one with the longest
    test first (in place; a module's tests keep their order, and so does everything else).

    Whole modules move, so their module-scoped fixtures (a simulator process, a signed-in
    session) are set up once. Tests of a portal variant or a regression target stay where
    pytest put them: it groups them by that session-scoped parameter, and each change of it
    signs in again.
    """
    weight: dict[str, float] = defaultdict(float)
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        weight[module] = max(weight[module], longest.get(item.nodeid, 0.0))

    def key(item: pytest.Item) -> float:
        if any(name in _GROUPED_BY for name in getattr(item, "fixturenames", ())):
            return 0.0
        return -weight[item.nodeid.split("::", 1)[0]]

    items.sort(key=key)


def durations_of(log: str) -> dict[str, float]:
    """Setup, call and teardown seconds of each test in pytest's ``--durations`` report."""
    seconds: dict[str, float] = defaultdict(float)
    for line in log.splitlines():
        if found := _DURATION.match(line.strip()):
            seconds[found.group(2)] += float(found.group(1))
    return seconds


def main(argv: list[str]) -> int:
    """Write ``tests/longest_tests.txt`` from the pytest log named in ``argv``."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    seconds = durations_of(Path(argv[0]).read_text(encoding="utf-8", errors="replace"))
    kept = sorted(((s, t) for t, s in seconds.items() if s >= _KEEP_FROM_S), reverse=True)
    lines = ["# Seconds per test in a measured run (python -m tests.longest LOG): tests/longest.py",
             *(f"{s:.0f} {t}" for s, t in kept)]
    LONGEST_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(kept)} tests of {_KEEP_FROM_S:.0f} s or more written to {LONGEST_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
