"""What the benchmark scripts share: the simulator's counters, the portal's own time, CPU and PSS
of a process tree (read from /proc and ``getrusage``; Linux only, as the benchmarks are).

"The portal's own time" is what a perfect client would still wait for: one latency per API call
(a round trip) plus one boot per full page load (``/__sim__/stats`` ``page_loads``). The ratio
of a wall time to it says how much the browser and the page objects add.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

__all__ = [
    "PeakMemory",
    "ProcessTreeCpu",
    "SimCounters",
    "descendants",
    "portal_seconds",
    "pss_mib",
    "ratio_text",
]

_TICKS = os.sysconf("SC_CLK_TCK")


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


class PeakMemory:
    """Samples the PSS of this process and its descendants (minus ``exclude``) every 0.25 s."""

    def __init__(self, exclude: set[int]) -> None:
        self.exclude = exclude
        self.peak = 0.0
        self.sampler_cpu_s = 0.0  # the sampling's own CPU, to leave out of a CPU figure
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            pids = [p for p in descendants(os.getpid()) if p not in self.exclude]
            self.peak = max(self.peak, pss_mib(pids))
            self.sampler_cpu_s = time.thread_time()

    def __enter__(self) -> PeakMemory:
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
