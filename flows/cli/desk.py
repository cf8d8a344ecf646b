"""``prolong desk serve|user``: the operations desk (``flows.desk``) and its accounts.

Register it in the main app with ``app.add_typer(desk.app, name="desk")``.
"""

from __future__ import annotations

import getpass
import ipaddress
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from automation.locale import Locale
from flows.cli.help_style import PlainHelpCommand, PlainHelpGroup, choices
from flows.cli.lines import echo
from flows.desk.store import DeskStore, Role
from flows.language import current, say

__all__ = ["DEFAULT_DATA", "app", "is_loopback", "listening_notes", "read_password"]

DEFAULT_DATA = Path("desk-data")
#: Shorter is refused: the desk is reached over a network.
MIN_PASSWORD = 10

app = typer.Typer(
    name="desk",
    help="The operations desk: bulk entry in a web page, for operators.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals hold passwords
    cls=PlainHelpGroup,
)
users = typer.Typer(
    name="user",
    help="The desk's accounts: add, list, remove.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    cls=PlainHelpGroup,
)
app.add_typer(users, name="user")

# Said in each command's docstring (``NAME: …``), as ``bulk``'s FILE: typer's Arguments panel
# would name its type too.
_NameArg = Annotated[str, typer.Argument(metavar="NAME", hidden=True)]

_DataOpt = Annotated[
    Path,
    typer.Option(
        "--data", metavar="FOLDER", help="The desk's database and uploaded files (owner-only)."
    ),
]


def is_loopback(host: str) -> bool:
    """True when ``host`` is reached only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_password() -> str:
    """The password, typed twice at a terminal (not echoed), else one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(say(fr="Mot de passe : ", en="Password: "))
        again = getpass.getpass(say(fr="Encore : ", en="Again: "))
        if first != again:
            raise _fail(say(fr="les deux saisies diffèrent", en="the two entries differ"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _fail(message: str) -> typer.Exit:
    echo(say(fr=f"erreur : {message}", en=f"error: {message}"), err=True)
    return typer.Exit(2)


def listening_notes(host: str, *, has_users: bool) -> list[str]:
    """What ``desk serve`` says before it listens: no account yet; a TLS proxy belongs in front
    of any interface other than loopback."""
    notes = []
    if not has_users:
        notes.append(
            say(
                fr="note : aucun compte : créez-en un avec « prolong desk user add NOM »",
                en="note: no account yet: add one with « prolong desk user add NAME »",
            )
        )
    if not is_loopback(host):
        notes.append(
            say(
                fr=f"ATTENTION : le bureau écoute sur {host}, hors de cette machine : placez "
                "devant lui un proxy TLS (https), sinon mots de passe et cookies circulent en "
                "clair.",
                en=f"WARNING: the desk listens on {host}, beyond this machine: put a TLS (https) "
                "proxy in front of it, or passwords and cookies travel in clear.",
            )
        )
    return notes


@app.command("serve", cls=PlainHelpCommand)
def serve(
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Interface to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="N", help="Port.")] = 8750,
    data: _DataOpt = DEFAULT_DATA,
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Portal the runs use (default PORTAL_BASE_URL; none: the bundled simulator).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(min=1, max=16, metavar="N", help="Browser sessions of each run."),
    ] = 1,
) -> None:
    """Serve the desk: sign in, upload a file, see its plan, start and watch the run."""
    _serve(host, port, data, base_url, workers)


def _serve(host: str, port: int, data: Path, base_url: str | None, workers: int) -> None:
    import uvicorn

    from flows.desk.app import DeskConfig, create_app

    for line in listening_notes(host, has_users=bool(DeskStore(data).users())):
        echo(line, err=True)
    echo(f"prolong desk: http://{host}:{port}/")
    application = create_app(DeskConfig(data.resolve(), base_url=base_url, workers=workers))
    # Access lines name paths (run ids, file kinds), never a form's values or a cell.
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=True)


@app.command("demo", cls=PlainHelpCommand)
def demo(
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="N", help="Port.")] = 8750,
    data: Annotated[
        Path,
        typer.Option("--data", metavar="FOLDER", help="The demo desk's folder (owner-only)."),
    ] = Path("artifacts") / "desk-demo",
) -> None:
    """The desk on the bundled simulator, with an operator « demo » whose password is printed
    once (a new one at each start): what ``./run desk`` runs."""
    from flows.cli.bulk import cli_settings
    from flows.desk.auth import hash_password
    from flows.simulator import portal_url

    settings = cli_settings(base_url="")  # the simulator, whatever PORTAL_BASE_URL says
    with portal_url(settings, None, announce=lambda text: echo(text, err=True)) as url:
        password = secrets.token_urlsafe(12)
        lang = Locale.EN.value if current() is Locale.EN else Locale.FR.value
        DeskStore(data).add_user("demo", Role.OPERATOR, hash_password(password), lang)
        echo(
            say(
                fr="compte opérateur « demo », mot de passe (affiché une seule fois) :",
                en="operator account « demo », password (shown this once):",
            )
        )
        typer.echo(f"  {password}")  # alone on its line, never wrapped: it is copied
        _serve("127.0.0.1", port, data, url, 2)


@users.command("add", cls=PlainHelpCommand)
def user_add(
    name: _NameArg,
    role: Annotated[
        Role, typer.Option(metavar=choices(Role), help="operator: acts; viewer: only looks.")
    ] = Role.OPERATOR,
    data: _DataOpt = DEFAULT_DATA,
) -> None:
    """Add an account (or give an existing one a new password and role).

    NAME: the account's name, typed at sign-in.

    The password is read from the terminal (typed twice, not shown) or from standard input.
    """
    from flows.desk.auth import hash_password

    password = read_password()
    if len(password) < MIN_PASSWORD:
        raise _fail(
            say(
                fr=f"mot de passe trop court (au moins {MIN_PASSWORD} caractères)",
                en=f"password too short ({MIN_PASSWORD} characters at least)",
            )
        )
    lang = Locale.EN.value if current() is Locale.EN else Locale.FR.value
    DeskStore(data).add_user(name, role, hash_password(password), lang)
    echo(
        say(
            fr=f"compte {name} ({role.value}) enregistré", en=f"account {name} ({role.value}) saved"
        )
    )


@users.command("list", cls=PlainHelpCommand)
def user_list(data: _DataOpt = DEFAULT_DATA) -> None:
    """List the accounts: name, role, language."""
    for user in DeskStore(data).users():
        echo(f"{user.name}\t{user.role.value}\t{user.lang}")


@users.command("remove", cls=PlainHelpCommand)
def user_remove(
    name: _NameArg,
    data: _DataOpt = DEFAULT_DATA,
) -> None:
    """Remove an account and close its sessions.

    NAME: the account's name.
    """
    if not DeskStore(data).remove_user(name):
        raise _fail(say(fr=f"aucun compte {name}", en=f"no account {name}"))
    echo(say(fr=f"compte {name} supprimé", en=f"account {name} removed"))
