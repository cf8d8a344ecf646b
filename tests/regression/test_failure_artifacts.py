"""A failed browser test keeps what Playwright users expect: trace, screenshot and video."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

# The project's own launch arguments (the Chromium the toolkit picks), as a conftest would.
CONFTEST = "from tests.conftest import browser_type_launch_args, settings  # noqa: F401\n"
FAILING_TEST = """
def test_fails_on_a_page(page):
    page.set_content("<h1>Espace partenaire</h1>")
    assert page.get_by_role("heading").inner_text() == "Accueil"
"""


@pytest.mark.e2e
def test_a_failed_test_keeps_trace_screenshot_and_video(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_failing.py").write_text(FAILING_TEST, encoding="utf-8")
    output = tmp_path / "results"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tmp_path / "test_failing.py"),
            "--rootdir",
            str(tmp_path),
            "-q",
            "-p",
            "no:cacheprovider",
            "--output",
            str(output),
            "--tracing",
            "retain-on-failure",
            "--screenshot",
            "only-on-failure",
            "--video",
            "retain-on-failure",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # the test failed, as written
    kept = {path.name for path in output.rglob("*") if path.is_file()}
    assert {"trace.zip", "test-failed-1.png", "video.webm"} <= kept, kept
