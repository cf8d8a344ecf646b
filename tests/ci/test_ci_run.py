"""``.ci/run``: the formatter, the linter and mypy fail CI as the tests do, and all are reported.

Each test copies ``.ci/run`` into a small project of its own and runs it there with the real
ruff and mypy of this interpreter's environment. The ``./run`` beside it is a stand-in that
exits with the code the test gives to ``./run test``: the real one runs this whole suite, which
cannot run inside itself.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(sys.executable).parent

DOCSTRING = '"""A module."""\n\n\n'
CLEAN = DOCSTRING + 'def double(number: int) -> int:\n    """Twice."""\n    return number * 2\n'
UNFORMATTED = DOCSTRING + 'def double(number: int) -> int:\n    """Twice."""\n    return number*2\n'
UNTYPED = DOCSTRING + 'def double(number):\n    """Twice."""\n    return number * 2\n'
UNUSED_IMPORT = '"""A module."""\n\nimport os\n\n\n' + CLEAN.removeprefix(DOCSTRING)

# ./run's stand-in: records each task, and exits with what the test set for it.
STAND_IN_RUN = """#!/usr/bin/env bash
echo "$*" >> calls.log
case "$1" in
  setup) exit "${SETUP_RC:-0}" ;;
  test) exit "${TEST_RC:-0}" ;;
esac
exit 64
"""


@dataclass(frozen=True)
class CiRun:
    """What ``.ci/run`` did: its exit code, its standard error and the ``./run`` tasks it ran."""

    code: int
    stderr: str
    tasks: list[str]


def _project(tmp_path: Path, module: str = CLEAN) -> Path:
    """A project with the folders CI checks, one module in ``flows``, ``.ci/run`` copied in."""
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    for folder in ("automation", "flows", "fixtures", "tests", "scripts"):
        package = tmp_path / folder
        package.mkdir()
        (package / "__init__.py").write_text(f'"""The {folder} package."""\n')
    (tmp_path / "flows" / "doubling.py").write_text(module)
    (tmp_path / ".ci").mkdir()
    ci = tmp_path / ".ci" / "run"
    ci.write_text((ROOT / ".ci" / "run").read_text())
    ci.chmod(ci.stat().st_mode | stat.S_IXUSR)
    run = tmp_path / "run"
    run.write_text(STAND_IN_RUN)
    run.chmod(run.stat().st_mode | stat.S_IXUSR)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("ruff", "mypy"):
        (bin_dir / tool).symlink_to(TOOLS / tool)
    return tmp_path


def _ci(project: Path, *, test_rc: int = 0, setup_rc: int = 0) -> CiRun:
    env = {**os.environ, "TEST_RC": str(test_rc), "SETUP_RC": str(setup_rc)}
    done = subprocess.run(
        [str(project / ".ci" / "run")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = project / "calls.log"
    tasks = log.read_text().split("\n")[:-1] if log.exists() else []
    return CiRun(done.returncode, done.stderr, tasks)


def test_a_clean_tree_with_passing_tests_passes(tmp_path: Path) -> None:
    result = _ci(_project(tmp_path))
    assert result.code == 0, result.stderr
    assert result.tasks == ["setup", "test"]
    assert "every check and test passed" in result.stderr


@pytest.mark.parametrize(
    ("module", "check"),
    [
        (UNFORMATTED, "ruff format --check"),
        (UNUSED_IMPORT, "ruff check"),
        (UNTYPED, "mypy --strict"),
    ],
    ids=["format", "lint", "types"],
)
def test_a_failed_check_fails_ci_and_the_tests_still_run(
    tmp_path: Path, module: str, check: str
) -> None:
    result = _ci(_project(tmp_path, module))
    assert result.code == 1
    assert f"CI: failed: {check}\n" in result.stderr
    assert result.tasks == ["setup", "test"]


def test_failing_tests_fail_ci_with_pytests_code(tmp_path: Path) -> None:
    result = _ci(_project(tmp_path), test_rc=3)
    assert result.code == 3
    assert "CI: failed: ./run test (exit 3)" in result.stderr


def test_a_suite_that_collected_nothing_fails_ci(tmp_path: Path) -> None:
    result = _ci(_project(tmp_path), test_rc=5)
    assert result.code == 1
    assert "pytest collected no tests" in result.stderr


def test_every_failure_is_reported_together(tmp_path: Path) -> None:
    result = _ci(_project(tmp_path, UNFORMATTED), test_rc=1)
    assert result.code == 1
    assert "CI: failed: ruff format --check\n" in result.stderr
    assert "CI: failed: ./run test (exit 1)" in result.stderr


def test_a_failed_set_up_stops_ci_before_any_check(tmp_path: Path) -> None:
    result = _ci(_project(tmp_path), setup_rc=1)
    assert result.code == 1
    assert result.tasks == ["setup"]
    assert "CI: ruff" not in result.stderr
