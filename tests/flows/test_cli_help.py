"""``--help`` of every command at 80 columns, in words a person reads, with typer left unpatched.

Runs the real ``prolong`` app in process through typer's ``CliRunner`` (the commands are found
by walking the app, so a new command is checked without being listed here), and one fresh
interpreter to show that importing prolong changes nothing of typer for another program.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flows.cli.app import app

runner = CliRunner()
ROOT = Path(__file__).parents[2]

# What typer prints when an option or argument does not name its value: its Python type
# (``<str>``, ``<int range>``, ``<file>``, ``<list[str]>``), its choices (``<fr|en>``) or, in
# the usage line, the parameter's own name (``{file}``).
TYPER_LABEL = re.compile(
    r"<(bool|str|int|float|path|file|dir|datetime|uuid)( range)?>"
    r"|<list\[|<\w[\w-]*(\|[\w-]+)+>|\{[a-z_]+\}"
)


def _paths(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """``()`` for ``prolong`` itself, then every group and command under it."""
    found = [path]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _paths(sub, (*path, name))
    return found


COMMANDS = _paths(typer.main.get_command(app))


def test_every_command_is_walked() -> None:
    # The walk reaches the leaves (a broken walk would check only ``prolong --help``).
    assert {("extend",), ("portal", "serve"), ("bulk", "run"), ("artifacts", "purge")} <= set(
        COMMANDS
    )
    assert len(COMMANDS) >= 14


@pytest.mark.parametrize("path", COMMANDS, ids=lambda words: " ".join(words) or "prolong")
def test_help_fits_80_columns_in_plain_words(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, result.stdout
    assert not TYPER_LABEL.search(result.stdout), result.stdout
    # A flag takes no value: no type beside it, no "[default: False]".
    help_line = next(line for line in lines if "--help" in line)
    assert re.search(r"--help\s+Show this message", help_line), help_line
    assert "[default: False]" not in result.stdout and "[default: True]" not in result.stdout


def test_an_option_names_its_value_in_a_word() -> None:
    result = runner.invoke(app, ["bulk", "run", "--help"], env={"COLUMNS": "120"})
    option = {
        line.split()[1]: line.split()[2]
        for line in result.stdout.splitlines()
        if re.match(r"│ +--(workers|journal|base-url|back-off) ", line)
    }
    assert option == {
        "--workers": "N",
        "--journal": "JOURNAL",  # a file or a postgresql:// URL
        "--base-url": "URL",
        "--back-off": "SECONDS",
    }


_PLAIN_APP = """
import typer
from typer.testing import CliRunner

plain = typer.Typer()


@plain.command()
def hello(name: str = "x", loud: bool = False) -> None:
    pass


{imports}
print(CliRunner().invoke(plain, ["--help"], env={{"COLUMNS": "80"}}).stdout)
"""


def _plain_help(imports: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PLAIN_APP.format(imports=imports)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_importing_prolong_leaves_typer_as_it_was_for_other_programs() -> None:
    # help_style once patched typer's and click's classes for the whole process.
    before = _plain_help("")
    after = _plain_help("import flows.cli.app")
    assert "--name" in before
    assert after == before
