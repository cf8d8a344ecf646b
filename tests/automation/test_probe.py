"""``prolong probe``: a renamed label is reported as exactly that element missing.

The probe runs as the real command in a child process (sync Playwright cannot start twice in one
thread) against a simulator whose label was renamed the way a Salesforce release would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from automation.diagnostics.probe import PointStatus, ProbeReport, ProbeResult
from automation.pages import ProbePoint
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from flows.cli.login import login
from flows.cli.probe import report_table


def _probe(url: str, tmp_path: Path) -> tuple[int, list[dict[str, object]], str]:
    env = {
        **os.environ,
        "PORTAL_STORAGE_STATE": str(tmp_path / "state.json"),
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_LOCALE": "fr",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli.probe", "--base-url", url, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, rows, done.stdout + done.stderr


def test_a_renamed_label_is_reported_as_exactly_that_element_missing(tmp_path: Path) -> None:
    renamed = SimOptions(label_overrides={"client_postal_code": "Code postal du domicile"})
    with start_in_thread(renamed) as simulator:
        code, rows, output = _probe(simulator.url, tmp_path)
    assert code == 1, output
    failing = [
        (r["screen"], r["element"], r["key"], r["status"]) for r in rows if r["status"] != "found"
    ]
    assert failing == [("client form", "postal_code « Code postal »", "postal_code", "missing")], (
        output
    )
    assert len(rows) > 30  # every screen was walked, up to the resident questionnaire
    assert rows[-1]["screen"] == "resident questionnaire"


def test_the_table_marks_each_status() -> None:
    report = ProbeReport(
        "http://portal",
        [
            ProbeResult("home", "search box", PointStatus.FOUND, 1),
            ProbeResult("home", "new opportunity", PointStatus.AMBIGUOUS, 2),
            ProbeResult("account", "title", PointStatus.NOT_REACHED, 0, "could not open"),
        ],
    )
    assert not report.ok
    assert [r.element for r in report.failures] == ["new opportunity", "title"]
    table = report_table(report)
    assert [column.header for column in table.columns] == [
        "screen",
        "element",
        "key",
        "status",
        "detail",
    ]
    assert table.row_count == 3


def test_probe_points_read_as_name_and_locator_pairs() -> None:
    marker = object()
    point = ProbePoint("search box", marker)  # type: ignore[arg-type]
    name, locator, *_ = point
    assert (name, locator is marker, point.optional, point.visible) == (
        "search box",
        True,
        False,
        True,
    )


def test_login_needs_a_portal_url() -> None:
    app = typer.Typer()
    app.command()(login)
    result = CliRunner().invoke(app, [], env={"PORTAL_BASE_URL": ""})
    assert result.exit_code == 2
    assert "--base-url" in result.output
