"""Bulk assisted entry: a CSV/XLSX file of extension requests, planned, entered, reported.

::

    reader    read_requests(path) -> InputFile       CSV (BOM, , or ;) and XLSX, headings mapped
    plan      make_plan(InputFile) -> Plan           validated, routed, duplicates found
    journal   Journal(path)                          SQLite: states, events, atomic claims
    runner    BulkRunner(journal, requests, factory) workers, retries, breaker, reconciliation
    seam      FlowLike, guarded                      what the runner knows of the flow
    report    write_reports(journal, out, plan)      results.csv, hand-offs, workbook, summary
    handoffs  handoff_items, handoffs_html           where, why and every value to enter
    workbook  write_results_workbook                 <input>-results.xlsx: rows + outcome
    timings   step_stats, timings_svg                per step: median and slowest
    batch     run_file(...)                          all of it, as ``prolong bulk run`` does
"""

from __future__ import annotations

from flows.attempts import RetryPolicy
from flows.bulk.batch import BatchOutcome, run_file
from flows.bulk.journal import Journal, JournalBusy, JournalLock, State
from flows.bulk.plan import Plan, PlanItem, Planned, make_plan, write_plan
from flows.bulk.policy import CircuitBreaker
from flows.bulk.reader import InputFile, InputFileError, read_requests
from flows.bulk.report import result_lines, write_reports
from flows.bulk.runner import Answer, BulkRunner, FlowFactory, FlowLike, RunOptions, RunReport

__all__ = [
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
