"""How ``prolong … --help`` names option values: words a person reads, never typer's internals.

Typer (0.29) shows an option's Python type as its metavar (``<bool>``, ``<str>``, ``<path>``),
prints ``<bool>`` beside every command's own ``--help`` and writes a required argument as
``{file}`` in the usage line. ``use_plain_metavars()`` replaces these, once, for every command of
the app (those of every module): flags show nothing, values show an upper-case word (``TEXT``,
``INTEGER``, ``PATH``, ``FILE``), choices their values (``[fr|en]``). An option's own
``metavar=`` still wins.
"""

from __future__ import annotations

from typing import Final

from typer import core as typer_core
from typer._click import core as click_core

__all__ = ["plain_metavar", "use_plain_metavars"]

_WORDS: Final = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "NUMBER",
    "path": "PATH",
    "file": "FILE",
    "dir": "FOLDER",
    "datetime": "DATE",
}


def plain_metavar(typer_label: str) -> str:
    """``<int>`` → ``INTEGER``, ``<fr|en>`` → ``[fr|en]``, ``<bool>`` → "" (a flag)."""
    label = typer_label.removeprefix("<").removesuffix(">")
    if label == "bool":
        return ""
    if "|" in label:
        return f"[{label}]"
    return _WORDS.get(label, label.upper())


def use_plain_metavars() -> None:
    """Patch typer's help rendering as the module docstring says (idempotent)."""
    if getattr(typer_core, "_prolong_plain_metavars", False):
        return
    display_type = typer_core._TyperParameter.display_type

    def plain_display_type(self: typer_core._TyperParameter, ctx: click_core.Context) -> str:
        return plain_metavar(display_type(self, ctx))

    def usage_name(self: typer_core.TyperArgument) -> str:
        name = (self.metavar or self.display_name_raw).upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    get_help_option = click_core.Command.get_help_option

    def help_option(
        self: click_core.Command, ctx: click_core.Context
    ) -> typer_core.TyperOption | None:
        option = get_help_option(self, ctx)
        if option is not None:
            option.metavar = ""  # a flag: no value to name
        return option

    typer_core._TyperParameter.display_type = plain_display_type  # type: ignore[method-assign]
    typer_core.TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    click_core.Command.get_help_option = help_option  # type: ignore[method-assign]
    typer_core._prolong_plain_metavars = True  # type: ignore[attr-defined]
