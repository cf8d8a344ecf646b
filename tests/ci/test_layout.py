"""The layout docs/architecture.md draws: who may import whom, and a row for every sub-package.

Imports are read from the source (every ``import``, a function's local ones included), not from
what happens to be loaded, so a module that imports ``fixtures`` only when it runs is seen too.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: The modules of ``flows`` that may import ``fixtures`` (docs/architecture.md names each).
FLOWS_INTO_FIXTURES = {"flows/simulator.py", "flows/cli/portal.py", "flows/cli/probe.py"}

#: The ``qa`` extra of pyproject.toml: the test suite's tools, never needed at run time.
QA_ONLY = {"pytest", "pytest_playwright", "xdist", "pytest_html", "hypothesis", "httpx"}


def _modules(folder: str) -> list[Path]:
    """The Python modules of a top-level folder; the simulator's UI sources are not Python's."""
    ui = ROOT / "fixtures" / "portal" / "ui"
    return sorted(path for path in (ROOT / folder).rglob("*.py") if ui not in path.parents)


@cache
def _imports(module: Path) -> frozenset[str]:
    """The absolute module names ``module`` imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return frozenset(names)


def _importers(folder: str, top: str) -> set[str]:
    """The modules of ``folder`` that import anything of the package ``top``."""
    return {
        module.relative_to(ROOT).as_posix()
        for module in _modules(folder)
        if any(name == top or name.startswith(f"{top}.") for name in _imports(module))
    }


@pytest.mark.parametrize("other", ["flows", "fixtures"])
def test_automation_never_imports_flows_or_fixtures(other: str) -> None:
    assert _importers("automation", other) == set()


def test_flows_imports_fixtures_only_where_the_architecture_says() -> None:
    assert _importers("flows", "fixtures") == FLOWS_INTO_FIXTURES
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert all(f"`{module}`" in text for module in FLOWS_INTO_FIXTURES)


def test_the_simulator_imports_only_automations_text_and_locale() -> None:
    used = {
        name
        for module in _modules("fixtures")
        for name in _imports(module)
        if name.split(".")[0] in {"automation", "flows"}
    }
    assert used <= {"automation.text", "automation.locale"}


@pytest.mark.parametrize("folder", ["automation", "flows", "fixtures"])
def test_no_runtime_module_imports_the_test_suites_tools(folder: str) -> None:
    for tool in sorted(QA_ONLY):
        assert _importers(folder, tool) == set(), tool


def test_the_folders_table_has_a_row_for_every_sub_package() -> None:
    table = ARCHITECTURE.read_text(encoding="utf-8").split("## Folders and what they may import")[1]
    rows = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| `")}
    packages = {
        f"`{init.parent.relative_to(ROOT).as_posix()}/`"
        for top in ("automation", "flows")
        for init in (ROOT / top).glob("*/__init__.py")
    }
    assert packages - rows == set()
