"""``prolong extend``: one extension, from options or a JSON file, to an issued contract."""

from __future__ import annotations

import json
import logging
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.console import Console

from automation.errors import SignInFailed
from automation.evidence.privacy import Masker, register_secret
from automation.locale import Locale
from automation.runtime.browser import BrowserNotFound
from automation.runtime.logging_setup import configure_logging
from automation.runtime.settings import load_settings
from automation.safety import SalesNotAllowed, ensure_sales_allowed
from automation.text import first_line
from flows.attempts import Attempts, Failure, RetryPolicy, extend_with_retries
from flows.cli.help_style import flag
from flows.cli.lines import echo
from flows.errors import Problem, RequestInvalid
from flows.extension import (
    ExtensionResult,
    IssuedContract,
    PendingSale,
    open_extension_flow,
    stop_before_portal,
)
from flows.internal_errors import internal_error, log_internal_error
from flows.interrupts import CtrlC
from flows.language import current, say
from flows.masking import client_masker
from flows.outcome import Outcome
from flows.request import (
    ExtensionRequest,
    RoutingFacts,
    accepted_in,
    iter_fields,
    parse_extension_request,
    parse_routing_facts,
)
from flows.routing import route
from flows.simulator import portal_url

__all__ = ["EXTEND_CONTEXT", "REQUEST_PANELS", "ExitCode", "extend"]

logger = logging.getLogger(__name__)

FIELDS_HELP = ", ".join(f"--{name.replace('_', '-')}" for name in iter_fields())

#: The request's options in ``extend --help``, grouped as a person gathers them: (panel, field,
#: metavar, what it is). Every field of the schema is in one panel (checked below).
REQUEST_PANELS: Final[tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]] = (
    (
        "Contract (routing)",
        (
            ("contract_number", "NUMBER", "The legacy contract to extend."),
            ("product", "PRODUCT", "Its product."),
            (
                "annual_extension",
                "KIND",
                "For annual_multi_trip only: a first extension or one more.",
            ),
            ("coverages", "COVERAGES", "Its coverages."),
            ("departed", "YES/NO", "Has the client left (visitors to Canada: arrived)?"),
            ("claim", "CLAIM", "Was a claim filed, or is one expected?"),
            ("request_date", "DATE", "Day of the request (default: today)."),
            ("legacy_days", "DAYS", "Days the legacy contract covers (or --legacy-end)."),
            ("legacy_end", "DATE", "Last day the legacy contract covers (or --legacy-days)."),
        ),
    ),
    (
        "Client",
        (
            ("first_name", "TEXT", "Client's first name."),
            ("last_name", "TEXT", "Client's last name."),
            ("birth_date", "DATE", "Client's birth date."),
            ("phone", "PHONE", "Client's phone."),
            ("email", "EMAIL", "Client's e-mail (optional)."),
            ("postal_code", "CODE", "Client's postal code."),
            ("province", "PROVINCE", "Client's province."),
            ("language", "LANG", "Client's language."),
            ("client_number", "TEXT", "Client number in Espace partenaire (optional)."),
        ),
    ),
    (
        "Trip",
        (
            ("destination", "COUNTRY", "Where the client travels."),
            ("trip_reason", "REASON", "Why the client travels."),
            ("trip_start", "DATE", "First day of the whole stay."),
            ("trip_end", "DATE", "Last day of the whole stay."),
        ),
    ),
    (
        "Answers",
        (
            ("buyer_travelling", "YES/NO", "Is the buyer travelling?"),
            ("all_canadian_residents", "YES/NO", "Are all travellers Canadian residents?"),
            ("all_provincial_plan", "YES/NO", "Are all covered by a provincial health plan?"),
            ("privacy_consent", "YES/NO", "Québec: has the client consented (never assumed)?"),
            ("dsr_disclosure", "YES/NO", "Québec: was the DSR disclosed (optional)?"),
        ),
    ),
)
_PANEL_FIELDS = [field for _, fields in REQUEST_PANELS for field, _, _ in fields]
if sorted(_PANEL_FIELDS) != sorted(iter_fields()):  # a new field would be hidden from --help
    raise RuntimeError("REQUEST_PANELS must list every field of the request, once")


#: The option of each request field, in its panel of ``extend --help``.
_OPTIONS: Final[dict[str, Any]] = {
    field: typer.Option(
        metavar=metavar,
        rich_help_panel=panel,
        help=f"{what} Accepted: {accepted_in(field, Locale.EN)}",
    )
    for panel, fields in REQUEST_PANELS
    for field, metavar, what in fields
}

#: ``extend``'s context settings: an option it does not know is left in ``ctx.args`` instead of
#: click's English usage box, so the refusal is said in the run's language and lists the fields.
EXTEND_CONTEXT: Final[dict[str, Any]] = {"allow_extra_args": True, "ignore_unknown_options": True}


class ExitCode(IntEnum):
    """What ``prolong extend`` exits with."""

    ISSUED = 0
    INVALID = 2
    HANDED_OFF = 3
    FAILED = 4  # a portal failure after the retries, or an internal error (a bug: tried once)
    INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


_EXIT_BY_STATUS = {
    Outcome.ISSUED: ExitCode.ISSUED,
    Outcome.INVALID: ExitCode.INVALID,
    Outcome.HANDED_OFF: ExitCode.HANDED_OFF,
    Outcome.SKIPPED: ExitCode.HANDED_OFF,
    Outcome.FAILED: ExitCode.FAILED,
}


def _usage_error(message: str) -> typer.Exit:
    """Say what is wrong with the command line, in the run's language only (click's own usage
    errors are English), and exit 2 as a bad usage does."""
    echo(say(fr=f"erreur : {message}", en=f"error: {message}"), err=True)
    return typer.Exit(ExitCode.INVALID)


def _refuse_left_over(args: list[str]) -> None:
    """What typer left over is no option of ``extend``: refused, naming the request's fields."""
    if args:
        raise _usage_error(
            say(
                fr=f"{args[0]!r} n’est pas un champ de la demande (accepté : {FIELDS_HELP})",
                en=f"{args[0]!r} is not a request field (accepted: {FIELDS_HELP})",
            )
        )


def _load(request_file: Path | None, fields: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {}
    if request_file is not None:
        try:
            loaded = json.loads(request_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as bad:
            raise _usage_error(
                say(
                    fr=f"--request : impossible d’y lire un objet JSON : {bad}",
                    en=f"--request: cannot read a JSON object: {bad}",
                )
            ) from None
        if not isinstance(loaded, dict):
            raise _usage_error(
                say(
                    fr="--request : doit contenir un seul objet JSON",
                    en="--request: must hold one JSON object",
                )
            )
        data.update(loaded)
    # Options win over the file, field by field.
    data.update({name: value for name, value in fields.items() if value is not None})
    return data


def _refuse(problems: tuple[Problem, ...], *, heading: str) -> typer.Exit:
    """Print every problem of the request under one heading; exit 2."""
    echo(heading, err=True)
    for problem in problems:
        echo(f"  {problem}", err=True)
    return typer.Exit(ExitCode.INVALID)


# What routing reads; the other fields only matter when the request is entered on the portal.
_ROUTING_FIELDS: Final = frozenset(RoutingFacts.model_fields)
_PORTAL_FIELDS: Final = frozenset(iter_fields()) - _ROUTING_FIELDS


def _parse_routing_first(data: dict[str, object]) -> ExtensionRequest | ExtensionResult:
    """Routing first: the routing fields decide; the portal's fields are asked for only when the
    route is automated (all the missing ones together). A hand-off is returned as its result."""
    try:
        facts = parse_routing_facts(data)
    except RequestInvalid as invalid:
        if any(
            problem.field in _ROUTING_FIELDS or problem.field not in _PORTAL_FIELDS
            for problem in invalid.problems
        ):  # a routing field, or no field at all
            raise _refuse(
                invalid.problems, heading=say(fr="demande invalide :", en="invalid request:")
            ) from None
        # Only the portal's fields are wrong: route on the others; the problems are reported
        # below, with the missing fields, if the route needs the portal at all.
        facts = parse_routing_facts(
            {
                key: value
                for key, value in data.items()
                if str(key).strip().lower() in _ROUTING_FIELDS
            }
        )
    decision = route(facts)
    early = stop_before_portal(facts, decision)
    if early is not None:
        return early
    try:
        return parse_extension_request(data)
    except RequestInvalid as invalid:
        raise _refuse(
            invalid.problems,
            heading=say(
                fr="demande incomplète : elle va à l’Assurance complémentaire (saisie automatisée "
                f"dans Espace partenaire, règle {decision.rule}), qui demande aussi ces champs :",
                en="incomplete request: it goes to Assurance complémentaire (entered automatically "
                f"in Espace partenaire, rule {decision.rule}), which also needs these fields:",
            ),
        ) from None


def _premium_text(contract: IssuedContract | None) -> str | None:
    if contract is None or contract.premium is None:
        return None
    return contract.premium.text(current())


def _report(result: ExtensionResult, masker: Masker, as_json: bool, console: Console) -> None:
    contract = result.contract
    message = masker.mask(result.message)
    if as_json:
        payload = {
            "status": result.status.value,
            "route": result.decision.outcome.value if result.decision else None,
            "contract_number": contract.contract_number if contract else None,
            "opportunity_name": masker.mask(result.opportunity_name or "") or None,
            "premium": contract.premium.as_json() if contract and contract.premium else None,
            "already_sold": result.already_sold,
            "failed_step": result.failed_step,
            "message": message,
            "artifacts": [str(path) for path in result.artifacts],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    style = {"issued": "green", "failed": "red"}.get(result.status.value, "yellow")
    console.print(f"[bold {style}]{_status_word(result.status)}[/] — {message}", markup=True)
    if (premium := _premium_text(contract)) is not None:
        console.print(say(fr=f"Prime : {premium}", en=f"Premium: {premium}"))
    if result.decision and result.status is Outcome.HANDED_OFF:
        console.print(
            say(
                fr=f"Où aller : {result.decision.handoff.where}",
                en=f"Where: {result.decision.handoff.where}",
            )
        )
        console.print(
            say(
                fr=f"Quoi saisir : {result.decision.handoff.what}",
                en=f"What:  {result.decision.handoff.what}",
            )
        )
    for path in result.artifacts:
        console.print(say(fr=f"gardé : {path}", en=f"kept: {path}"))


_STATUS_FR: Final = {
    Outcome.ISSUED: "émis",
    Outcome.HANDED_OFF: "transmis",
    Outcome.INVALID: "invalide",
    Outcome.FAILED: "échec",
    Outcome.SKIPPED: "non finalisé",
}


def _status_word(status: Outcome) -> str:
    """The status for a person: its code in English, a word in French (--json keeps codes)."""
    return say(fr=_STATUS_FR.get(status, status.value), en=status.value)


def extend(
    ctx: typer.Context,
    request_file: Annotated[
        Path | None,
        typer.Option(
            "--request", metavar="FILE.json", help="A JSON object with the request's fields."
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="Portal URL (default: PORTAL_BASE_URL, else the simulator)."
        ),
    ] = None,
    headed: Annotated[bool, flag("--headed", help="Show the browser window.")] = False,
    slow_mo: Annotated[
        int | None, typer.Option(metavar="MS", help="Slow each browser action (ms).")
    ] = None,
    assist: Annotated[
        bool, flag("--assist", help="Headed; ask in the terminal before finalising the sale.")
    ] = False,
    dry_run: Annotated[bool, flag("--dry-run", help="Fill everything, do not finalise.")] = False,
    sell_again: Annotated[
        bool,
        flag(
            "--sell-again",
            help="Sell even though the client's account shows this trip sold (asked to "
            "confirm under --assist).",
        ),
    ] = False,
    max_attempts: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Tries of a step the portal keeps failing, in all."),
    ] = 3,
    back_off: Annotated[
        float,
        typer.Option(
            min=0.0,
            metavar="SECONDS",
            help="First pause between tries, in seconds (doubles each time).",
        ),
    ] = 2.0,
    as_json: Annotated[bool, flag("--json", help="Print the result as JSON.")] = False,
    verbose: Annotated[
        bool, flag("--verbose", "-v", help="Log each step with its duration, as prolong -v does.")
    ] = False,
    # The request's fields, panel by panel (REQUEST_PANELS); the body reads them from ctx.params.
    contract_number: Annotated[str | None, _OPTIONS["contract_number"]] = None,
    product: Annotated[str | None, _OPTIONS["product"]] = None,
    annual_extension: Annotated[str | None, _OPTIONS["annual_extension"]] = None,
    coverages: Annotated[str | None, _OPTIONS["coverages"]] = None,
    departed: Annotated[str | None, _OPTIONS["departed"]] = None,
    claim: Annotated[str | None, _OPTIONS["claim"]] = None,
    request_date: Annotated[str | None, _OPTIONS["request_date"]] = None,
    legacy_days: Annotated[str | None, _OPTIONS["legacy_days"]] = None,
    legacy_end: Annotated[str | None, _OPTIONS["legacy_end"]] = None,
    first_name: Annotated[str | None, _OPTIONS["first_name"]] = None,
    last_name: Annotated[str | None, _OPTIONS["last_name"]] = None,
    birth_date: Annotated[str | None, _OPTIONS["birth_date"]] = None,
    phone: Annotated[str | None, _OPTIONS["phone"]] = None,
    email: Annotated[str | None, _OPTIONS["email"]] = None,
    postal_code: Annotated[str | None, _OPTIONS["postal_code"]] = None,
    province: Annotated[str | None, _OPTIONS["province"]] = None,
    language: Annotated[str | None, _OPTIONS["language"]] = None,
    client_number: Annotated[str | None, _OPTIONS["client_number"]] = None,
    destination: Annotated[str | None, _OPTIONS["destination"]] = None,
    trip_reason: Annotated[str | None, _OPTIONS["trip_reason"]] = None,
    trip_start: Annotated[str | None, _OPTIONS["trip_start"]] = None,
    trip_end: Annotated[str | None, _OPTIONS["trip_end"]] = None,
    buyer_travelling: Annotated[str | None, _OPTIONS["buyer_travelling"]] = None,
    all_canadian_residents: Annotated[str | None, _OPTIONS["all_canadian_residents"]] = None,
    all_provincial_plan: Annotated[str | None, _OPTIONS["all_provincial_plan"]] = None,
    privacy_consent: Annotated[str | None, _OPTIONS["privacy_consent"]] = None,
    dsr_disclosure: Annotated[str | None, _OPTIONS["dsr_disclosure"]] = None,
) -> None:
    """Extend one legacy contract: route it, then sell the Assurance complémentaire.

    Request fields are the options below (--contract-number LH12345 --first-name Jean ...)
    or a --request FILE.json; options win over the file. Routing first: the contract's
    fields alone decide; a request handed off needs nothing else (exit 3, saying where to
    go). Only a request for Assurance complémentaire needs the client, trip and answers.

    Before « Nouvelle opportunité » the client's account is read: a sale for the same trip
    dates is reported (exit 0, "already sold … not sold again") instead of selling twice, and
    an unfinished opportunity of that trip is continued. A transient portal fault is tried
    again on the same opportunity: a step (the sign-in is one) is tried --max-attempts
    times in all, with --back-off between tries.

    Exit codes: 0 issued (or already sold), 2 invalid request or a portal where sales are not
    allowed (neither the simulator nor a host of PORTAL_SANDBOX_HOSTS), 3 handed off (or not
    finalised), 4 failed (a portal failure, or an internal error: a bug, tried once), 130
    interrupted (Ctrl-C).
    """
    console = Console(stderr=as_json)
    _refuse_left_over(list(ctx.args))
    fields = {name: ctx.params[name] for name in iter_fields()}
    parsed = _parse_routing_first(_load(request_file, fields))
    if isinstance(parsed, ExtensionResult):
        # No client data was needed: the result names where to go and why, nothing personal.
        _report(parsed, Masker(), as_json, console)
        raise typer.Exit(_EXIT_BY_STATUS[parsed.status])
    request = parsed
    settings = load_settings(headless=not (headed or assist) or None, slow_mo_ms=slow_mo)
    if verbose:  # ``prolong extend … -v`` as well as ``prolong -v extend …``
        configure_logging(settings, verbose=True)
    # Before any browser work: whatever error text quotes the password is shown without it.
    register_secret(settings.password.get_secret_value())
    masker = client_masker(request, show=settings.show_personal_data)
    hook = None
    if assist:

        def hook(sale: PendingSale) -> bool:
            # The opportunity's name holds the client's: masked like every other output.
            name, premium = masker.mask(sale.opportunity_name), sale.premium
            return typer.confirm(
                say(
                    fr=f"Finaliser la vente de {name} (prime {premium}) ?",
                    en=f"Finalise the sale of {name} (premium {premium})?",
                )
            )

    if (
        sell_again
        and assist
        and not typer.confirm(
            say(
                fr="Vendre à nouveau même si le compte du client montre ce voyage déjà vendu ?",
                en="Sell again even if the client's account shows this trip already sold?",
            )
        )
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
        echo(say(fr=f"erreur : {refused}", en=f"error: {refused}"), err=True)
        raise typer.Exit(ExitCode.INVALID) from None

    def announce(text: str) -> None:
        console.print(f"[bold]{text}")

    def retrying(attempt: int, failed: Failure, pause: float) -> None:
        why = masker.mask(first_line(failed.message))
        console.print(
            say(
                fr=f"essai {attempt} échoué à l’étape « {failed.step} » ({why}) ; "
                f"nouvel essai dans {pause:.0f} s",
                en=f"attempt {attempt} failed at step « {failed.step} » ({why}); "
                f"trying again in {pause:.0f} s",
            )
        )

    policy = RetryPolicy(
        max_attempts=max_attempts, base_delay_s=back_off, max_delay_s=max(back_off, 30.0)
    )

    def stopping() -> None:
        echo(
            say(
                fr="Ctrl-C : arrêt après l’étape en cours (Ctrl-C encore pour quitter "
                "tout de suite)",
                en="Ctrl-C: stopping after the current step (Ctrl-C again to leave at once)",
            ),
            err=True,
        )

    try:
        with (
            CtrlC(notice=stopping) as stop,
            portal_url(settings, base_url, announce=announce) as url,
        ):
            result = extend_with_retries(
                lambda: open_extension_flow(settings, url),
                request,
                Attempts(policy, stop=stop, on_retry=retrying),
                before_finalise=hook,
                dry_run=dry_run,
                sell_again=sell_again,
            )
    except (BrowserNotFound, SignInFailed) as cannot:
        reason = masker.mask(str(cannot))
        echo(say(fr=f"erreur : {reason}", en=f"error: {reason}"), err=True)
        raise typer.Exit(ExitCode.FAILED) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as bug:
        # A bug of prolong's, not the portal's: tried once, reported as the bulk runner reports
        # a row's (flows.internal_errors), its masked traceback in the log.
        log_internal_error(logger, request.contract_number, bug, masker)
        failed = ExtensionResult(Outcome.FAILED, route(request), internal_error(bug, masker))
        _report(failed, masker, as_json, console)
        raise typer.Exit(ExitCode.FAILED) from None
    except KeyboardInterrupt:
        echo(
            say(
                fr="interrompu (Ctrl-C deux fois) : la demande est restée où elle en "
                "était ; la relancer vérifie d’abord le compte du client, rien n’est "
                "vendu deux fois",
                en="interrupted (Ctrl-C twice): the request was left where it stood; "
                "running it again checks the client's account first, so nothing is "
                "sold twice",
            ),
            err=True,
        )
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    _report(result, masker, as_json, console)
    if stop.is_set() and result.status is not Outcome.ISSUED:
        raise typer.Exit(ExitCode.INTERRUPTED)
    raise typer.Exit(_EXIT_BY_STATUS[result.status])
