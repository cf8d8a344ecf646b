"""How ``prolong … --help`` names option values: words a person reads, through typer's public API.

Typer names a value by its Python type (``<str>``, ``<int range>``, ``<path>``) and puts
``<bool>`` beside every flag, ``--help`` included. So every option of prolong names its value
itself with ``metavar=`` (``TEXT``, ``N``, ``FILE``, or the choices of its vocabulary:
:func:`choices`), a flag names none (:func:`flag`), and every command and group is built with
:class:`PlainHelpCommand` / :class:`PlainHelpGroup` (typer's ``cls=``), whose ``--help`` names
no value either. Nothing of typer or click is patched: another program importing prolong's app
keeps typer's own rendering for its own commands.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, get_args

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["PlainHelpCommand", "PlainHelpGroup", "choices", "flag", "run_alone"]


def flag(*names: str, help: str) -> Any:
    """An on/off option that shows no value in ``--help`` (``--x/--no-x`` when both are named)."""
    return typer.Option(*names, metavar="", help=help)


def choices(vocabulary: type[StrEnum] | object) -> str:
    """``[fr|en]``: the values of a ``StrEnum`` or a ``Literal``, from that one definition."""
    if isinstance(vocabulary, type) and issubclass(vocabulary, StrEnum):
        values = [member.value for member in vocabulary]
    else:
        values = [str(value) for value in get_args(vocabulary)]
    if not values:
        raise TypeError(f"{vocabulary!r} is neither a StrEnum nor a Literal")
    return f"[{'|'.join(values)}]"


def _plain(option: Any) -> Any:
    # ``--help`` takes no value: an empty metavar, as every other flag of prolong has.
    if option is not None:
        option.metavar = ""
    return option


class PlainHelpCommand(TyperCommand):
    """A typer command whose ``--help`` shows no ``<bool>``."""

    # ``ctx`` is typer's click Context, which typer does not export under a public name.
    def get_help_option(self, ctx: Any) -> Any:
        """Click's help option (``Command.get_help_option``), without a value name."""
        return _plain(super().get_help_option(ctx))


class PlainHelpGroup(TyperGroup):
    """A typer group whose ``--help`` shows no ``<bool>``."""

    def get_help_option(self, ctx: Any) -> Any:
        """Click's help option (``Command.get_help_option``), without a value name."""
        return _plain(super().get_help_option(ctx))


def run_alone(command: Callable[..., Any]) -> None:
    """``typer.run(command)`` with the same plain ``--help`` (``python -m flows.cli.probe``)."""
    alone = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)
    alone.command(cls=PlainHelpCommand)(command)
    alone()
