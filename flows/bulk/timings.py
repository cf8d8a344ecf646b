"""Per-step timings of a run: when and where the portal was slow.

The journal records each step's start and duration for every attempt at every request
(``Journal.record_timings``, step names from ``automation.runtime.walk.Step``). Here they become,
per step, the count, the median and the slowest (with when it started), for ``prolong bulk report
--timings`` and for ``summary.html`` with a small inline SVG bar chart (no script, no asset).
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from automation.runtime.walk import Step
from flows.bulk.journal import StepTime
from flows.language import say

__all__ = ["StepStats", "step_stats", "timings_lines", "timings_svg"]


@dataclass(frozen=True)
class StepStats:
    """One step over a run: how often, the median and the slowest duration, and when."""

    step: str
    count: int
    median: float
    slowest: float
    slowest_at: str  # when the slowest one started (UTC, ISO 8601)


_ORDER: Final = {step.value: index for index, step in enumerate(Step)}


def step_stats(times: Iterable[StepTime]) -> list[StepStats]:
    """Per step, in walking order (unknown names after, by name)."""
    by_step: dict[str, list[StepTime]] = {}
    for time in times:
        by_step.setdefault(time.step, []).append(time)
    stats = []
    for step, found in by_step.items():
        slowest = max(found, key=lambda t: t.seconds)
        stats.append(
            StepStats(
                step,
                len(found),
                statistics.median(t.seconds for t in found),
                slowest.seconds,
                slowest.started_at,
            )
        )
    return sorted(stats, key=lambda s: (_ORDER.get(s.step, len(_ORDER)), s.step))


def _when(at: str) -> str:
    # "2026-11-30T09:12:17.123456+00:00" → "2026-11-30 09:12:17 UTC"
    return at[:19].replace("T", " ") + " UTC" if len(at) >= 19 else at


def timings_lines(stats: list[StepStats]) -> list[str]:
    """The text table ``bulk report --timings`` prints, in the run's language."""
    if not stats:
        return [
            say(fr="Aucune durée d'étape dans ce journal.", en="No step timings in this journal.")
        ]
    width = max(len(s.step) for s in stats)
    head = say(fr="étape", en="step").ljust(width)
    lines = [
        f"{head}  {'n':>4}  {say(fr='médiane', en='median'):>8}  "
        f"{say(fr='la plus lente', en='slowest'):>13}  {say(fr='à', en='at')}"
    ]
    for s in stats:
        lines.append(
            f"{s.step.ljust(width)}  {s.count:>4}  {s.median:>7.2f}s  "
            f"{s.slowest:>12.2f}s  {_when(s.slowest_at)}"
        )
    return lines


def timings_svg(stats: list[StepStats]) -> str:
    """A horizontal bar chart: per step a bar for the median and a thin one for the slowest."""
    if not stats:
        return ""
    label_w, bar_w, row_h = 170, 360, 26
    top = max(s.slowest for s in stats) or 1.0
    height = row_h * len(stats) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 120}" '
        f'height="{height}" role="img" aria-label="'
        + html.escape(say(fr="Durée par étape", en="Time per step"))
        + '" '
        'font-family="system-ui,sans-serif" font-size="12">'
    ]
    for index, s in enumerate(stats):
        y = 8 + index * row_h
        median_w = max(1.0, bar_w * s.median / top)
        slowest_w = max(1.0, bar_w * s.slowest / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{html.escape(s.step)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{slowest_w:.1f}" height="14" '
            'fill="#f4c7c3"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{median_w:.1f}" height="14" '
            'fill="#4a7bb7"/>'
            f'<text x="{label_w + slowest_w + 6:.1f}" y="{y + 13}">{s.median:.2f}s / '
            f"{s.slowest:.2f}s</text>"
        )
    legend_y = height - 6
    parts.append(
        f'<rect x="{label_w}" y="{legend_y - 9}" width="10" height="10" '
        'fill="#4a7bb7"/>'
        f'<text x="{label_w + 14}" y="{legend_y}">'
        + html.escape(say(fr="médiane", en="median"))
        + "</text>"
        f'<rect x="{label_w + 90}" y="{legend_y - 9}" width="10" height="10" '
        'fill="#f4c7c3"/>'
        f'<text x="{label_w + 104}" y="{legend_y}">'
        + html.escape(say(fr="la plus lente", en="slowest"))
        + "</text></svg>"
    )
    return "".join(parts)
