"""The README's commands are the CLI's: each option it names exists, each exit code it lists is one.

The options are read from the ``prolong`` command itself (typer's click tree), so a renamed or
removed option fails here until the README follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from flows.cli import bulk
from flows.cli.app import app
from flows.cli.extend import ExitCode

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _metavars() -> dict[str, set[str]]:
    """Each long option of any command → the names its value is shown by in ``--help``."""
    found: dict[str, set[str]] = {}

    def walk(command: object) -> None:
        for param in getattr(command, "params", []):
            for name in param.opts:
                if name.startswith("--") and isinstance(param.metavar, str):
                    found.setdefault(name, set()).add(param.metavar)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return found


def _commands() -> dict[str, set[str]]:
    """Each command's path (``"bulk run"``; ``""`` for ``prolong`` itself) → its long options."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, object]]:
        yield " ".join(path), command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    found: dict[str, set[str]] = {}
    for path, command in walk(typer.main.get_command(app), ()):
        params = getattr(command, "params", [])
        found[path] = {
            name
            for param in params
            for name in (*param.opts, *param.secondary_opts)
            if name.startswith("--")
        } | {"--help"}
    return found


COMMANDS = _commands()


def _sections() -> dict[str, str]:
    """The README's « ### `prolong …` » sections, heading → text."""
    parts = re.split(r"^#{2,3} (.+)$", README, flags=re.M)
    return {
        heading: text
        for heading, text in zip(parts[1::2], parts[2::2], strict=True)
        if heading.startswith("`prolong ")
    }


def _commands_named(heading: str) -> set[str]:
    """The commands a heading names: every one whose words all appear in it."""
    words = set(re.findall(r"[a-z]+", heading))
    return {path for path in COMMANDS if path and set(path.split()) <= words}


@pytest.mark.parametrize("heading", sorted(_sections()))
def test_every_option_a_command_section_names_is_one_of_its_commands(heading: str) -> None:
    named = _commands_named(heading)
    assert named, heading
    allowed = COMMANDS[""].union(*(COMMANDS[path] for path in named))
    unknown = set(_OPTION.findall(_sections()[heading])) - allowed
    assert unknown == set(), f"{heading}: {sorted(unknown)}"


def test_the_exit_code_table_lists_extends_codes() -> None:
    row = next(line for line in README.splitlines() if line.startswith("| `extend` |"))
    listed = {int(code) for code in re.findall(r"\b(\d+) [a-z]", row.split("|")[3])}
    assert listed == {int(code) for code in ExitCode}


def test_the_exit_code_table_lists_bulk_runs_codes() -> None:
    row = next(line for line in README.splitlines() if line.startswith("| `bulk run FILE` |"))
    listed = {int(code) for code in re.findall(r"\b(\d+)\b", row.split("|")[3])}
    assert listed == {0, bulk.EXIT_LEFT, bulk.EXIT_USAGE, bulk.EXIT_STOPPED, bulk.EXIT_TO_FIX}


def test_every_option_the_command_overview_names_is_a_prolong_option() -> None:
    overview = README.split("## The `prolong` command\n")[1].split("\n### ")[0]
    unknown = set(_OPTION.findall(overview)) - set().union(*COMMANDS.values())
    assert unknown == set()


def test_an_options_value_is_named_as_its_help_names_it() -> None:
    prose = "".join(README.split("```")[::2])  # code examples give values, not their names
    metavars = _metavars()
    wrong = {
        (option, shown)
        for option, shown in re.findall(r"(--[a-z][a-z-]*) ([A-Z][A-Z.]*)\b", prose)
        if option in metavars and shown not in metavars[option]
    }
    assert wrong == set()
