"""The desk's web application (Starlette): sign-in, upload and plan, run and watch, downloads.

Every page and download needs a session (else: the sign-in page); every POST needs the
session's CSRF token (else 403) and, except the language switch and sign-out, an operator
(a viewer gets 403). Pages are Jinja2 templates with autoescape: a cell is always text. The
run page updates by server-sent events (htmx's ``sse`` extension swaps the fragment the
server sends when the journal changes): no polling loop in the page.

The words of a page are in the user's language: ``flows.language`` holds one language for the
process, so a page is chosen and rendered in one synchronous stretch (no ``await`` between
``choose`` and the last ``say``), and the server's event loop serves one page at a time.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from flows.bulk.handoffs import destination_title, handoff_items
from flows.bulk.journal import Journal
from flows.bulk.plan import PLAN_OUTCOMES, Plan, Planned, make_plan
from flows.bulk.reader import InputFileError, read_requests
from flows.bulk.report import status_label
from flows.bulk.runner import Answer
from flows.bulk.timings import step_stats
from flows.desk.assisted import answer, screenshot, waiting, waiting_about
from flows.desk.auth import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    SESSION_SECONDS,
    SIGNIN_COOKIE,
    Accounts,
    same_token,
)
from flows.desk.runs import DOWNLOADS, RunSupervisor, Snapshot, snapshot
from flows.desk.store import DeskStore, RunRecord, User, now_iso
from flows.desk.uploads import UploadLimits, UploadRefused, check_rows, check_upload, stored_name
from flows.language import Locale, choose, current, say
from flows.outcome import Outcome

__all__ = ["DeskConfig", "create_app"]

_HERE: Final = Path(__file__).parent
_log = logging.getLogger("prolong.desk")

_templates = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class DeskConfig:
    """What a desk serves: its data folder, the portal its runs use, the upload bounds."""

    def __init__(
        self,
        data: Path,
        *,
        base_url: str | None = None,
        limits: UploadLimits | None = None,
        sse_interval_s: float = 0.5,
        workers: int = 1,
        run_env: dict[str, str] | None = None,
    ) -> None:
        self.data = data
        self.base_url = base_url
        self.limits = limits or UploadLimits()
        self.sse_interval_s = sse_interval_s
        self.workers = workers
        self.run_env = run_env or {}


def _t(fr: str, en: str) -> str:
    return say(fr=fr, en=en)


def _render(name: str, lang: str, **context: Any) -> str:
    """Template ``name`` rendered in ``lang`` (see the module's note on the one language)."""
    choose(Locale(lang))
    try:
        return _templates.get_template(name).render(t=_t, lang=lang, **context)
    finally:
        choose(None)


def _page(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = HTMLResponse(_render(name, lang, **context), status_code=status)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused(lang: str, message: str, status: int = 403) -> HTMLResponse:
    return _page("refused.html", lang, status, message=message, user=None, csrf="")


def _to_signin() -> RedirectResponse:
    return RedirectResponse("/signin", status_code=303)


Handler = Callable[[Request, User, str], Awaitable[Response]]
Action = Callable[[Request, User, FormData], Awaitable[Response]]


def create_app(config: DeskConfig) -> Starlette:
    """The desk's application over ``config.data`` (its database and runs)."""
    store = DeskStore(config.data)
    accounts = Accounts(store)
    supervisor = RunSupervisor(store, config.base_url, workers=config.workers, env=config.run_env)

    def signed_in(request: Request) -> tuple[User, str] | None:
        return accounts.session(request.cookies.get(SESSION_COOKIE))

    def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            found = signed_in(request)
            if found is None:
                return _to_signin()
            return await handler(request, *found)

        return guarded

    def action(
        handler: Action, *, operator: bool = True, upload: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            found = signed_in(request)
            if found is None:
                return _to_signin()
            user, csrf = found
            if upload and int(request.headers.get("content-length") or 0) > (
                config.limits.max_bytes + 64 * 1024
            ):
                # Refused before the body is read; refusing changes nothing, so no token needed.
                return _index(request, user, csrf, error=_too_big(user.lang), status=413)
            form = await request.form(
                max_files=1 if upload else 0,
                max_fields=10,
                max_part_size=config.limits.max_bytes + 1 if upload else 64 * 1024,
            )
            given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
            if not isinstance(given, str) or not same_token(given, csrf):
                return _refused(user.lang, _csrf_message(user.lang))
            if operator and not user.may_act:
                return _refused(
                    user.lang,
                    say(
                        fr="Réservé aux opérateurs : votre compte peut seulement consulter.",
                        en="Operators only: your account may only look.",
                        lang=Locale(user.lang),
                    ),
                )
            return await handler(request, user, form)

        return guarded

    # --- sign-in -----------------------------------------------------------------------------

    async def signin_page(request: Request) -> Response:
        return _signin(request, "")

    def _signin(request: Request, error: str, status: int = 200) -> Response:
        token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)
        response = _page(
            "signin.html", _lang_of(request), status, error=error, csrf=token, user=None
        )
        _cookie(response, request, SIGNIN_COOKIE, token, 3600)
        return response

    async def signin(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
        lang = _lang_of(request)
        given = form.get(CSRF_FIELD)
        if not isinstance(given, str) or not same_token(
            given, request.cookies.get(SIGNIN_COOKIE) or ""
        ):
            return _refused(lang, _csrf_message(lang))
        name, password = str(form.get("name") or ""), str(form.get("password") or "")
        address = request.client.host if request.client else "?"
        result = accounts.sign_in(name.strip(), password, address)
        if result.throttled:
            _log.warning("desk: sign-in throttled")
            return _signin(
                request,
                say(
                    fr="Trop d'essais : réessayez dans 15 minutes.",
                    en="Too many attempts: try again in 15 minutes.",
                    lang=Locale(lang),
                ),
                429,
            )
        if result.user is None:
            _log.info("desk: sign-in refused")  # no name: it may be a mistyped password
            return _signin(
                request,
                say(
                    fr="Nom ou mot de passe incorrect.",
                    en="Wrong name or password.",
                    lang=Locale(lang),
                ),
                401,
            )
        response = RedirectResponse("/", status_code=303)
        _cookie(response, request, SESSION_COOKIE, result.token, SESSION_SECONDS)
        response.delete_cookie(SIGNIN_COOKIE, path="/")
        return response

    async def signout(request: Request, user: User, form: FormData) -> Response:
        accounts.sign_out(request.cookies.get(SESSION_COOKIE))
        response = _to_signin()
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def set_lang(request: Request, user: User, form: FormData) -> Response:
        lang = str(form.get("lang") or "")
        if lang in (Locale.FR.value, Locale.EN.value):
            store.set_lang(user.name, lang)
        back = str(form.get("back") or "/")
        # Only a path of this desk: never an address another site could be.
        return RedirectResponse(back if back.startswith("/") and "//" not in back else "/", 303)

    # --- runs --------------------------------------------------------------------------------

    def _index(
        request: Request, user: User, csrf: str, *, error: str = "", status: int = 200
    ) -> Response:
        runs = store.runs()
        return _page(
            "index.html",
            user.lang,
            status,
            user=user,
            csrf=csrf,
            runs=runs,
            running={run.id for run in runs if supervisor.is_running(run)},
            error=error,
            limits=config.limits,
        )

    async def index(request: Request, user: User, csrf: str) -> Response:
        return _index(request, user, csrf)

    async def upload(request: Request, user: User, form: FormData) -> Response:
        found = signed_in(request)
        csrf = found[1] if found else ""
        file = form.get("file")
        if not isinstance(file, UploadFile):
            error = _t_lang(user, "Choisissez un fichier.", "Choose a file.")
            return _index(request, user, csrf, error=error, status=400)
        data = await file.read(config.limits.max_bytes + 1)
        choose(Locale(user.lang))
        try:
            check_upload(data, config.limits)
            name = stored_name(file.filename or "", data)
            keys = _keys_of(data, name, config.limits)
        except UploadRefused as refused:
            return _index(request, user, csrf, error=str(refused), status=413)
        finally:
            choose(None)
        held = store.run_holding(keys)
        if held is not None:
            return RedirectResponse(f"/runs/{held}?already=1", status_code=303)
        run_id = supervisor.create(name, data, user.name, user.lang, keys)
        supervisor.record(run_id, user.name, "upload")
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    def _run_or_none(request: Request) -> RunRecord | None:
        return store.run(str(request.path_params["run_id"]))

    async def run_page(request: Request, user: User, csrf: str) -> Response:
        run = _run_or_none(request)
        if run is None:
            return _refused(user.lang, _t_lang(user, "Exécution inconnue.", "Unknown run."), 404)
        folder = supervisor.folder(run.id)
        choose(Locale(user.lang))
        try:
            plan = folder.plan()
            counts = _plan_counts(plan)
        finally:
            choose(None)
        return _page(
            "run.html",
            user.lang,
            user=user,
            csrf=csrf,
            run=run,
            plan=plan,
            counts=counts,
            dest=destination_title,
            already=request.query_params.get("already") == "1",
            actions=store.actions(run.id),
            status_html=_status_html(run, user, csrf),
        )

    def _status_html(run: RunRecord, user: User, csrf: str) -> str:
        folder = supervisor.folder(run.id)
        now = snapshot(folder)
        running = supervisor.is_running(run)
        handoffs: list[tuple[str, list[Any]]] = []
        timings: list[Any] = []
        shots: set[int] = set()
        if now is not None and not running:
            handoffs = _handoff_groups(now, folder.plan, user)
            failed = (line.row for line in now.lines if line.status is Outcome.FAILED)
            shots = {row for row in failed if folder.screenshot(row) is not None}
        if now is not None and now.steps:
            timings = step_stats(now.steps)
        asks = waiting(folder.questions) if running else []
        sales = []
        if asks:
            items = {item.row: item for item in folder.plan().items}
            sales = [(ask, items.get(int(str(ask["row"])))) for ask in asks]
        return _render(
            "_status.html",
            user.lang,
            user=user,
            csrf=csrf,
            run=run,
            now=now,
            running=running,
            handoffs=handoffs,
            done=store.handoffs_done(run.id),
            downloads=[name for name in DOWNLOADS if folder.download(name)] if now else [],
            timings=timings,
            sales=sales,
            label=status_label,
            shots=shots,
            ending=_ending,
        )

    def _handoff_groups(
        now: Snapshot, plan: Callable[[], Plan], user: User
    ) -> list[tuple[str, list[Any]]]:
        handed = [
            (line.row, line.entry)
            for line in now.lines
            if line.status is Outcome.HANDED_OFF and line.entry is not None
        ]
        if not handed:
            return []
        choose(Locale(user.lang))
        try:
            items = handoff_items(handed, plan())
            groups: dict[str, list[Any]] = {}
            for item in items:
                groups.setdefault(destination_title(item.route), []).append(item)
        finally:
            choose(None)
        return list(groups.items())

    async def start(request: Request, user: User, form: FormData) -> Response:
        run = _run_or_none(request)
        if run is None:
            return _refused(user.lang, _t_lang(user, "Exécution inconnue.", "Unknown run."), 404)
        if run.status == "planned":
            store.set_assist(run.id, form.get("assist") == "1")
        supervisor.start(run.id, user.name)
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    async def stop(request: Request, user: User, form: FormData) -> Response:
        run = _run_or_none(request)
        if run is not None:
            supervisor.stop(run.id, user.name)
        return RedirectResponse(f"/runs/{request.path_params['run_id']}", status_code=303)

    async def retry(request: Request, user: User, form: FormData) -> Response:
        """« Retry » on one failed row (``row`` given), or on every failed and skipped one."""
        run = _run_or_none(request)
        if run is None:
            return _refused(user.lang, _t_lang(user, "Exécution inconnue.", "Unknown run."), 404)
        given = str(form.get("row") or "")
        if not given:
            supervisor.start(run.id, user.name, action="retry")
            return RedirectResponse(f"/runs/{run.id}", status_code=303)
        now = snapshot(supervisor.folder(run.id))
        again = {Outcome.FAILED, Outcome.SKIPPED}
        rows = {line.row for line in now.lines if line.status in again} if now else set()
        if not given.isdigit() or int(given) not in rows:
            message = _t_lang(
                user,
                f"La ligne {given[:12]} n'est pas à reprendre (seules les lignes en échec ou "
                "passées le sont).",
                f"Row {given[:12]} is not one to retry (only failed or skipped rows are).",
            )
            return _refused(user.lang, message, 400)
        row = int(given)
        supervisor.start(run.id, user.name, rows=(row,), action=f"retry {row}")
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    async def failure_screenshot(request: Request, user: User, csrf: str) -> Response:
        run = _run_or_none(request)
        path = (
            supervisor.folder(run.id).screenshot(int(request.path_params["row"])) if run else None
        )
        if path is None:
            return _refused(user.lang, _t_lang(user, "Fichier introuvable.", "No such file."), 404)
        response = FileResponse(path, media_type="image/png")
        response.headers["Cache-Control"] = "no-store"  # a client's page: not kept by the browser
        return response

    async def tick(request: Request, user: User, form: FormData) -> Response:
        run = _run_or_none(request)
        if run is None:
            return _refused(user.lang, _t_lang(user, "Exécution inconnue.", "Unknown run."), 404)
        row = int(request.path_params["row"])
        done = form.get("done") == "1"
        store.tick_handoff(run.id, row, user.name, done)
        supervisor.record(run.id, user.name, f"handoff {row} {'done' if done else 'undone'}")
        return RedirectResponse(f"/runs/{run.id}#handoff-{row}", status_code=303)

    async def decide(request: Request, user: User, form: FormData) -> Response:
        run = _run_or_none(request)
        if run is None:
            return _refused(user.lang, _t_lang(user, "Exécution inconnue.", "Unknown run."), 404)
        row = int(request.path_params["row"])
        given = Answer.FINALISE if form.get("answer") == Answer.FINALISE.value else Answer.SKIP
        folder = supervisor.folder(run.id)
        asked = waiting_about(folder.questions, row)
        if asked is not None:
            word = "approve" if given is Answer.FINALISE else "skip"
            # In the journal first: an answer given is always an action recorded with its user.
            with Journal(folder.journal) as journal:
                journal.record_action(str(asked["key"]), word, user.name, f"row {row}")
            if answer(folder.questions, row, given, user.name, now_iso()):
                store.record_action(run.id, user.name, f"{word} {row}")
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    async def sale_screenshot(request: Request, user: User, csrf: str) -> Response:
        # The run's id and a row number: the path is the desk's own, never the request's.
        run = _run_or_none(request)
        found = (
            screenshot(supervisor.folder(run.id).questions, int(request.path_params["row"]))
            if run
            else None
        )
        if found is None:
            return _refused(user.lang, _t_lang(user, "Fichier introuvable.", "No such file."), 404)
        # Personal data: kept by no cache, shown only to a signed-in user.
        return FileResponse(
            found,
            media_type="image/png",
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    async def events(request: Request, user: User, csrf: str) -> Response:
        run = _run_or_none(request)
        if run is None:
            return _refused(user.lang, _t_lang(user, "Exécution inconnue.", "Unknown run."), 404)
        run_id = run.id

        async def stream() -> AsyncIterator[dict[str, str]]:
            last: tuple[object, ...] | None = None
            while True:
                current = store.run(run_id)
                if current is None or signed_in(request) is None:
                    return
                now = snapshot(supervisor.folder(run_id))
                running = supervisor.is_running(current)
                asked = tuple(ask["row"] for ask in waiting(supervisor.folder(run_id).questions))
                # The run's record too: its process can be seen gone a moment before its exit
                # code is recorded, and the status sent then says « Terminée » without how.
                seen = (
                    now.signature() if now else None,
                    running,
                    asked,
                    current.status,
                    current.exit_code,
                )
                if seen != last:
                    last = seen
                    yield {"event": "status", "data": _status_html(current, user, csrf)}
                if not running and current.status != "running":
                    # Not empty: a browser dispatches no event whose data is empty, and would
                    # reconnect for ever instead of closing (``sse-close="done"``).
                    yield {"event": "done", "data": "end"}
                    return
                await asyncio.sleep(config.sse_interval_s)

        return EventSourceResponse(stream(), ping=15)

    async def download(request: Request, user: User, csrf: str) -> Response:
        run = _run_or_none(request)
        name = str(request.path_params["name"])
        path = supervisor.folder(run.id).download(name) if run else None
        if run is None or path is None:
            return _refused(user.lang, _t_lang(user, "Fichier introuvable.", "No such file."), 404)
        return FileResponse(path, filename=path.name)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        resumed = supervisor.resume_all()
        if resumed:
            _log.warning("desk: %d run(s) resumed from their journal", len(resumed))
        yield

    routes = [
        Route("/signin", signin_page, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", action(signout, operator=False), methods=["POST"]),
        Route("/lang", action(set_lang, operator=False), methods=["POST"]),
        Route("/", page(index), methods=["GET"]),
        Route("/upload", action(upload, upload=True), methods=["POST"]),
        Route("/runs/{run_id:str}", page(run_page), methods=["GET"]),
        Route("/runs/{run_id:str}/start", action(start), methods=["POST"]),
        Route("/runs/{run_id:str}/stop", action(stop), methods=["POST"]),
        Route("/runs/{run_id:str}/retry", action(retry), methods=["POST"]),
        Route(
            "/runs/{run_id:str}/rows/{row:int}/screenshot",
            page(failure_screenshot),
            methods=["GET"],
        ),
        Route("/runs/{run_id:str}/handoffs/{row:int}", action(tick), methods=["POST"]),
        Route("/runs/{run_id:str}/sales/{row:int}", action(decide), methods=["POST"]),
        Route(
            "/runs/{run_id:str}/sales/{row:int}/screenshot",
            page(sale_screenshot),
            methods=["GET"],
        ),
        Route("/runs/{run_id:str}/events", page(events), methods=["GET"]),
        Route("/runs/{run_id:str}/files/{name:str}", page(download), methods=["GET"]),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.supervisor = supervisor
    app.state.store = store
    return app


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https",
    )


def _lang_of(request: Request) -> str:
    """The language of a page before anyone is signed in: the desk's (``PORTAL_LOCALE``)."""
    return Locale.EN.value if current() is Locale.EN else Locale.FR.value


def _t_lang(user: User, fr: str, en: str) -> str:
    return say(fr=fr, en=en, lang=Locale(user.lang))


def _csrf_message(lang: str) -> str:
    return say(
        fr="Requête refusée : jeton de sécurité absent ou périmé. Rechargez la page.",
        en="Request refused: security token missing or stale. Reload the page.",
        lang=Locale(lang),
    )


def _too_big(lang: str) -> str:
    return say(
        fr="Fichier trop gros : refusé avant lecture.",
        en="File too large: refused before reading.",
        lang=Locale(lang),
    )


def _keys_of(data: bytes, name: str, limits: UploadLimits) -> list[str]:
    """The request keys of an upload, read by the bulk reader from a private temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            source = read_requests(path)
        except InputFileError as error:
            raise UploadRefused(str(error).replace(str(path), name)) from None
        check_rows(len(source.rows), limits)
        # A request that names its sale (to enter or to hand off); an invalid row's key is its
        # content, which another file may share without holding the same request.
        named = (Planned.ENTER, Outcome.HANDED_OFF)
        return sorted({item.key for item in make_plan(source).items if item.planned in named})


def _ending(code: int) -> str:
    """A bulk run's exit code (``flows.cli.bulk``) in words."""
    words = {
        0: say(fr="toutes les lignes ont leur issue", en="every row is final"),
        1: say(fr="des lignes sont à reprendre", en="some rows are to run again"),
        2: say(
            fr="fichier ou journal refusé (voir run.log)",
            en="file or journal refused (see run.log)",
        ),
        3: say(fr="arrêtée avant la fin", en="stopped before the end"),
        5: say(
            fr="des lignes sont à corriger dans le fichier", en="some rows need fixing in the file"
        ),
    }
    return words.get(code, say(fr=f"code {code}", en=f"code {code}"))


def _plan_counts(plan: Plan) -> list[tuple[str, int]]:
    counts = plan.counts()
    words = {
        Planned.ENTER: say(fr="à saisir", en="to enter"),
        Outcome.HANDED_OFF: say(fr="à traiter ailleurs", en="to hand off"),
        Outcome.INVALID: say(fr="à corriger", en="to fix"),
        Outcome.DUPLICATE: say(fr="doublons", en="duplicates"),
        Outcome.CONFLICT: say(fr="en conflit", en="conflicting"),
    }
    return [(words[planned], counts[planned]) for planned in PLAN_OUTCOMES]
