"""What the benchmark scripts share: the simulator's counters, the portal's own time, CPU and PSS
of a process tree (read from /proc and ``getrusage``; Linux only, as the benchmarks are).

"The portal's own time" is what a perfect client would still wait for: one latency per API call
(a round trip) plus one boot per full page load (``/__sim__/stats`` ``page_loads``). The ratio
of a wall time to it says how much the browser and the page objects add.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

__all__ = [
    "KINDS",
    "PeakMemory",
    "ProcessTreeCpu",
    "SimCounters",
    "Simulator",
    "descendants",
    "portal_seconds",
    "process_cpu_s",
    "process_kind",
    "pss_mib",
    "ratio_text",
    "simulator",
]

_TICKS = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SimCounters:
    """One reading of ``GET /__sim__/stats``; subtract two readings to count what happened."""

    api_requests: int
    page_loads: int
    server_s: float

    @classmethod
    def read(cls, url: str) -> SimCounters:
        stats = httpx.get(f"{url}/__sim__/stats", timeout=30).json()
        return cls(
            int(stats["api_requests"]),
            int(stats["page_loads"]),
            float(stats["server_time_ms"]) / 1000,
        )

    def __sub__(self, before: SimCounters) -> SimCounters:
        return SimCounters(
            self.api_requests - before.api_requests,
            self.page_loads - before.page_loads,
            self.server_s - before.server_s,
        )


def portal_seconds(counters: SimCounters, latency_ms: int, boot_ms: int) -> float:
    """Round trips × latency + full page loads × boot: the wait no client can avoid."""
    return (counters.api_requests * latency_ms + counters.page_loads * boot_ms) / 1000


def ratio_text(wall_s: float, portal_s: float) -> str:
    """``wall / portal`` as ``2.35×``, or ``-`` when the portal's own time is nil."""
    return f"{wall_s / portal_s:.2f}×" if portal_s > 0 else "-"


def descendants(root: int) -> list[int]:
    """``root`` and every live process below it."""
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


def pss_mib(pids: list[int]) -> float:
    """Summed PSS of ``pids`` in MiB (PSS, not RSS: Chromium's processes share most pages)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _tree_cpu_s(exclude: set[int]) -> float:
    """CPU seconds of this process, its reaped children and its live descendants so far.

    A live process counts its own time and that of the children it reaped (``cutime``); this
    process's reaped children come from ``getrusage``. Only orphans adopted by init escape.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    for pid in descendants(os.getpid())[1:]:
        if pid in exclude:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[11:15] are utime, stime, cutime, cstime (stat(5) fields 14-17), in ticks.
        total += sum(int(value) for value in fields[11:15]) / _TICKS
    return total


class ProcessTreeCpu:
    """CPU seconds spent by this process and all it started (minus ``exclude``) in a ``with``.

    Descendants living under an excluded process (the simulator's) are not excluded: keep
    such a process a direct child that starts nothing.
    """

    def __init__(self, exclude: set[int] | None = None) -> None:
        self.exclude = exclude or set()
        self.seconds = 0.0
        self._start = 0.0

    def __enter__(self) -> ProcessTreeCpu:
        self._start = _tree_cpu_s(self.exclude)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.seconds = _tree_cpu_s(self.exclude) - self._start


# The kinds of process a run's CPU is told apart by, in printing order; "simulator" is measured
# by the caller (the simulator is not in the run's tree), "other" should stay at zero.
KINDS = ("python", "driver", "browser", "renderer", "gpu+utility", "other")


def process_kind(pid: int, root: int) -> str:
    """What ``pid`` below ``root`` is, from its command line: one of ``KINDS``.

    The command line is read each time: a Chromium child forked from its zygote shows the
    zygote's until it renames itself with its own ``--type``.
    """
    if pid == root:
        return "python"
    try:
        # Split on spaces too: Chromium rewrites its children's titles as one string.
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().split()
    except (OSError, UnicodeDecodeError):
        return "other"
    if not argv:
        return "other"  # a zombie
    program, args = Path(argv[0]).name, argv[1:]
    if "run-driver" in args or program == "node":
        return "driver"  # Playwright's Node driver, one per sync_playwright()
    types = [a.split("=", 1)[1] for a in args if a.startswith("--type=")]
    if types:
        return "renderer" if types[0] == "renderer" else "gpu+utility"  # zygotes as utilities
    if "chrom" in program or "headless_shell" in program:
        return "browser"
    return "other"


def process_cpu_s(pid: int) -> float:
    """The CPU seconds ``pid`` spent itself so far (utime + stime, all its threads); 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


class PeakMemory:
    """Samples, every ``interval`` s, the CPU this process and its descendants (minus
    ``exclude``) spent, by kind (``cpu_by_kind``, after the ``with``), and every fifth sample
    their PSS (unless not ``memory``; ``peak``).

    A process's CPU is its own (not its reaped children's), from its last sample: one that exits
    between two samples loses what it spent since the last one (``ProcessTreeCpu`` counts it; the
    difference is printed as "lost"). This process's figure leaves out the sampler thread's own.
    """

    def __init__(self, exclude: set[int], interval: float = 0.2, *, memory: bool = True) -> None:
        self.exclude = exclude
        self.memory = memory
        self.interval = interval
        self.peak = 0.0
        self.sampler_cpu_s = 0.0  # the sampling's own CPU, to leave out of a CPU figure
        self.cpu_by_kind: dict[str, float] = {}
        self._baseline: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self) -> list[int]:
        root = os.getpid()
        pids = [p for p in descendants(root) if p not in self.exclude]
        for pid in pids:
            kind = process_kind(pid, root)
            cpu = process_cpu_s(pid)
            if pid in self._last:
                # An exiting process's command line reads empty and its stat may be gone (0):
                # keep what it showed last (CPU time only grows).
                last_kind, last_cpu = self._last[pid]
                kind = last_kind if kind == "other" else kind
                cpu = max(cpu, last_cpu)
            self._last[pid] = (kind, cpu)
        return pids

    def _sample(self) -> None:
        count = 0
        while not self._stop.wait(self.interval):
            pids = self._read()
            count += 1
            if self.memory and count % 5 == 1:
                # PSS every fifth sample: smaps_rollup walks each process's page tables, which
                # costs a core a good share of its time if read as often as /proc/PID/stat.
                self.peak = max(self.peak, pss_mib(pids))
            self.sampler_cpu_s = time.thread_time()

    def __enter__(self) -> PeakMemory:
        self._read()
        self._baseline = {pid: cpu for pid, (_, cpu) in self._last.items()}
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._read()
        totals = dict.fromkeys(KINDS, 0.0)
        for pid, (kind, cpu) in self._last.items():
            totals[kind] += cpu - self._baseline.get(pid, 0.0)
        totals["python"] -= self.sampler_cpu_s
        self.cpu_by_kind = totals


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Simulator:
    """The simulator process of one boot time."""

    url: str
    pid: int
    latency_ms: int
    boot_ms: int


@contextmanager
def simulator(latency_ms: int, boot_ms: int, *, minified: bool = True) -> Iterator[Simulator]:
    """This checkout's simulator in a process of its own, so its CPU and memory stay out of a
    run's tree."""
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
        env={**os.environ, "PYTHONPATH": str(ROOT)},
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
