"""The public names of flows.bulk (a change here is a change of its interface)."""

from __future__ import annotations

import flows.bulk


def test_exported_members() -> None:
    assert sorted(flows.bulk.__all__) == sorted(
        [
            "Answer",
            "BatchOutcome",
            "BulkRunner",
            "CircuitBreaker",
            "FlowFactory",
            "FlowLike",
            "InputFile",
            "InputFileError",
            "Journal",
            "JournalBusy",
            "JournalLock",
            "Plan",
            "PlanItem",
            "Planned",
            "RetryPolicy",
            "RunOptions",
            "RunReport",
            "State",
            "make_plan",
            "read_requests",
            "result_lines",
            "run_file",
            "write_plan",
            "write_reports",
        ]
    )
    assert all(hasattr(flows.bulk, name) for name in flows.bulk.__all__)
