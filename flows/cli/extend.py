"""``prolong extend``: one extension, from options or a JSON file, to an issued contract."""

from __future__ import annotations

import json
from enum import IntEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from automation.browser import BrowserNotFound
from automation.errors import SignInFailed
from automation.privacy import Masker, register_secret
from automation.safety import SalesNotAllowed, ensure_sales_allowed
from automation.settings import load_settings
from flows.attempts import extend_with_retries
from flows.bulk.policy import RetryPolicy
from flows.errors import RequestInvalid
from flows.extension import ExtensionResult, open_extension_flow, stop_before_portal
from flows.interrupts import CtrlC
from flows.masking import client_masker
from flows.outcome import Outcome
from flows.request import iter_fields, parse_extension_request
from flows.routing import route
from flows.simulator import portal_url

__all__ = ["ExitCode", "extend"]

FIELDS_HELP = ", ".join(f"--{name.replace('_', '-')}" for name in iter_fields())


class ExitCode(IntEnum):
    """What ``prolong extend`` exits with."""

    ISSUED = 0
    INVALID = 2
    HANDED_OFF = 3
    FAILED = 4
    INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


_EXIT_BY_STATUS = {
    Outcome.ISSUED: ExitCode.ISSUED,
    Outcome.INVALID: ExitCode.INVALID,
    Outcome.HANDED_OFF: ExitCode.HANDED_OFF,
    Outcome.SKIPPED: ExitCode.HANDED_OFF,
    Outcome.FAILED: ExitCode.FAILED,
}


def _field_options(args: list[str]) -> dict[str, object]:
    """``--first-name Jean --coverages emc`` → {"first_name": "Jean", "coverages": "emc"}."""
    known = set(iter_fields())
    values: dict[str, object] = {}
    pending = list(args)
    while pending:
        option = pending.pop(0)
        name = option.removeprefix("--").replace("-", "_")
        if not option.startswith("--") or name not in known:
            raise typer.BadParameter(
                f"{option!r} is not a request field (accepted: {FIELDS_HELP})", param_hint="FIELDS"
            )
        if not pending or pending[0].startswith("--"):
            raise typer.BadParameter(f"{option} needs a value", param_hint=option)
        values[name] = pending.pop(0)
    return values


def _load(request_file: Path | None, args: list[str]) -> dict[str, object]:
    data: dict[str, object] = {}
    if request_file is not None:
        try:
            loaded = json.loads(request_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as bad:
            message = f"cannot read a JSON object: {bad}"
            raise typer.BadParameter(message, param_hint="--request") from None
        if not isinstance(loaded, dict):
            raise typer.BadParameter("must hold one JSON object", param_hint="--request")
        data.update(loaded)
    data.update(_field_options(args))  # options win over the file, field by field
    return data


def _report(result: ExtensionResult, masker: Masker, as_json: bool, console: Console) -> None:
    contract = result.contract
    payload = {
        "status": result.status.value,
        "route": result.decision.outcome.value if result.decision else None,
        "contract_number": contract.contract_number if contract else None,
        "opportunity_name": masker.mask(result.opportunity_name or "") or None,
        "premium": contract.premium.as_json() if contract and contract.premium else None,
        "already_sold": result.already_sold,
        "failed_step": result.failed_step,
        "message": masker.mask(result.message),
        "artifacts": [str(path) for path in result.artifacts],
    }
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    style = {"issued": "green", "failed": "red"}.get(result.status.value, "yellow")
    console.print(f"[bold {style}]{result.status.value}[/] — {payload['message']}")
    if result.decision and result.status is Outcome.HANDED_OFF:
        console.print(f"Where: {result.decision.handoff.where_en}")
        console.print(f"What:  {result.decision.handoff.what_en}")
    for path in result.artifacts:
        console.print(f"kept: {path}")


def extend(
    ctx: typer.Context,
    request_file: Annotated[
        Path | None, typer.Option("--request", help="a JSON object with the request's fields")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="portal URL (default: PORTAL_BASE_URL, else the simulator)")
    ] = None,
    headed: Annotated[bool, typer.Option(help="show the browser window")] = False,
    slow_mo: Annotated[int | None, typer.Option(help="slow each browser action (ms)")] = None,
    assist: Annotated[
        bool, typer.Option(help="headed; ask in the terminal before finalising the sale")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="fill everything, do not finalise")] = False,
    sell_again: Annotated[bool, typer.Option(
        help="sell even though the client's account shows this trip sold (asked to confirm "
        "under --assist)")] = False,
    max_attempts: Annotated[int, typer.Option(
        min=1, help="tries after a transient portal fault, as bulk run")] = 3,
    back_off: Annotated[float, typer.Option(
        min=0.0, help="first pause between tries, in seconds (doubles each time)")] = 2.0,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Extend one legacy contract: route it, then sell the Assurance complémentaire.

    Request fields are options named after the schema (--contract-number LH12345
    --first-name Jean ...) or a --request FILE.json; options win over the file.
    Before « Nouvelle opportunité » the client's account is read: a sale for the same trip
    dates is reported (exit 0, "already sold … not sold again") instead of selling twice, and
    an unfinished opportunity of that trip is continued. A transient portal fault is tried
    again (--max-attempts, --back-off) on the same opportunity.
    Exit codes: 0 issued (or already sold), 2 invalid request or a portal where sales are not
    allowed (neither the simulator nor a host of PORTAL_SANDBOX_HOSTS), 3 handed off (or not
    finalised), 4 portal failure, 130 interrupted (Ctrl-C).
    """
    console = Console(stderr=as_json)
    try:
        request = parse_extension_request(_load(request_file, list(ctx.args)))
    except RequestInvalid as invalid:
        for line in invalid.messages():
            typer.echo(f"invalid request: {line}", err=True)
        raise typer.Exit(ExitCode.INVALID) from None
    settings = load_settings(
        headless=not (headed or assist) or None, slow_mo_ms=slow_mo
    )
    # Before any browser work: whatever error text quotes the password is shown without it.
    register_secret(settings.password.get_secret_value())
    masker = client_masker(request, show=settings.show_personal_data)
    hook = None
    if assist:
        def hook(opportunity: str, premium: str) -> bool:
            # The opportunity's name holds the client's: masked like every other output.
            return typer.confirm(
                f"Finalise the sale of {masker.mask(opportunity)} (premium {premium})?"
            )

    if sell_again and assist and not typer.confirm(
        "Sell again even if the client's account shows this trip already sold?"
    ):
        sell_again = False
    early = stop_before_portal(request, route(request))
    if early is not None:
        _report(early, masker, as_json, console)
        raise typer.Exit(_EXIT_BY_STATUS[early.status])

    try:
        # Before any browser work: a dry run still creates an opportunity on the portal.
        ensure_sales_allowed(base_url or settings.base_url, settings)
    except SalesNotAllowed as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(ExitCode.INVALID) from None

    def announce(text: str) -> None:
        console.print(f"[bold]{text}")

    def retrying(attempt: int, failed: ExtensionResult, pause: float) -> None:
        console.print(f"attempt {attempt} failed ({masker.mask(failed.message)}); "
                      f"trying again in {pause:.0f} s")

    policy = RetryPolicy(max_attempts=max_attempts, base_delay_s=back_off,
                         max_delay_s=max(back_off, 30.0))
    def stopping() -> None:
        typer.echo("Ctrl-C: stopping after the current step (Ctrl-C again to leave at once)",
                   err=True)

    try:
        with CtrlC(notice=stopping) as stop, portal_url(settings, base_url,
                                                         announce=announce) as url:
            result = extend_with_retries(
                lambda: open_extension_flow(settings, url), request, policy,
                before_finalise=hook, dry_run=dry_run, sell_again=sell_again,
                on_retry=retrying, stop=stop,
            )
    except (BrowserNotFound, SignInFailed) as cannot:
        typer.echo(f"error: {masker.mask(str(cannot))}", err=True)
        raise typer.Exit(ExitCode.FAILED) from None
    except KeyboardInterrupt:
        typer.echo("interrupted (Ctrl-C twice): the request was left where it stood; running "
                   "it again checks the client's account first, so nothing is sold twice",
                   err=True)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    _report(result, masker, as_json, console)
    if stop.is_set() and result.status is not Outcome.ISSUED:
        raise typer.Exit(ExitCode.INTERRUPTED)
    raise typer.Exit(_EXIT_BY_STATUS[result.status])
