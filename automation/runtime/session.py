"""A signed-in browser session on one portal, with recovery from an expired session.

The password is typed only in a throwaway, untraced browser context; the working context gets
the resulting cookies. So no trace, video or screenshot of the working context can hold the
password, and a bounce to the sign-in page mid-step is mended by signing in again the same way
and returning to where the portal was.

A real org may ask for MFA, which no script can answer: ``prolong login`` lets a person sign in
in a headed browser and saves the session (``PORTAL_STORAGE_STATE``, owner-only, written
atomically since several workers may sign in at once). A session for the same portal loads that
state instead of typing the password; when it has expired on a real org, it says so
(``SavedSessionExpired``) rather than typing a password the org would answer with MFA. On the
simulator it simply signs in again.

Sessions that run side by side (bulk workers) may share one sign-in through a ``Relay``: the
first to start signs in (or loads the saved state) and hands the session's state, in memory,
to the others, which start from it. A relayed session is never assumed to work: its first page
load must show the app, not the sign-in form; one the portal refuses or that has expired is
dropped and that session signs in itself, once, without it counting as a failed try.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from automation.errors import SessionExpired, SignedInAgain, SignInFailed
from automation.evidence.artifacts import private_dir
from automation.evidence.privacy import register_secret
from automation.labels import Labels, labels_for
from automation.lightning import set_wait_limit
from automation.pages import HomePage, SignInPage
from automation.runtime.boundary import portal_errors
from automation.runtime.browser import open_browser
from automation.runtime.settings import Settings
from automation.safety import is_simulator

__all__ = [
    "EXPIRED_MESSAGE",
    "PortalSession",
    "Relay",
    "RelayedState",
    "SavedSessionExpired",
    "interactive_login",
    "load_state",
    "open_session",
    "save_state",
]

T = TypeVar("T")

EXPIRED_MESSAGE = "the saved session has expired: run prolong login"

# The state file is Playwright's storage state plus the portal it belongs to, so a state saved
# for a sandbox is never offered to another portal.
_BASE_URL_KEY = "prolong_base_url"


class SavedSessionExpired(SignInFailed):
    """The session saved by ``prolong login`` no longer works on a real org (not retried)."""


def save_state(path: Path, state: dict[str, Any], base_url: str) -> Path:
    """Write ``state`` for ``base_url`` to ``path``: owner-only, atomically (temp + replace).

    Readers see the old file or the new one, never half of one, even when several workers
    sign in at the same moment.
    """
    if not path.parent.exists():
        # Only a folder we create is made private: the parent may be the working directory.
        private_dir(path.parent)
    payload = json.dumps({**state, _BASE_URL_KEY: base_url.rstrip("/")})
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:  # mkstemp creates it 0600
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)  # owner-only, whatever the umask
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load_state(path: Path, base_url: str) -> dict[str, Any] | None:
    """The saved state for ``base_url``, or None (no file, unreadable, another portal's)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.pop(_BASE_URL_KEY, None) != base_url.rstrip("/"):
        return None
    return saved if isinstance(saved.get("cookies"), list) else None


@dataclass(frozen=True)
class RelayedState:
    """A signed-in session's storage state handed from one session to another, in memory.

    ``saved_login``: it came from ``prolong login``'s saved state (a person's sign-in, perhaps
    with MFA), so on a real org an expired one must not be answered by typing the password.
    """

    state: dict[str, Any] = field(repr=False)  # session cookies: never shown
    saved_login: bool = False


class Relay(Protocol):
    """Shares one sign-in between sessions started side by side (``flows.bulk.sign_in_relay``)."""

    def current(self) -> RelayedState | None:
        """The state of the session signed in last, if any (no wait)."""

    def take(self) -> RelayedState | None:
        """A state to start from, waiting while another session signs in; None: sign in
        here, then ``publish`` it (or ``failed``)."""

    def publish(self, state: RelayedState) -> None:
        """A session signed in (or loaded the saved state): others may start from it."""

    def failed(self, error: BaseException) -> None:
        """The session that was to sign in could not."""

    def stale(self, state: RelayedState) -> None:
        """``state`` was refused or has expired: no other session should start from it."""


class PortalSession:
    """One browser context signed in to ``base_url``.

    Its page objects are reached from ``home`` (or ``sign_in_page``): each action returns the
    next screen, loaded.
    """

    def __init__(
        self,
        browser: Browser,
        settings: Settings,
        base_url: str,
        *,
        context: BrowserContext | None = None,
        relay: Relay | None = None,
    ) -> None:
        """Open a working context (or adopt ``context``: pytest-playwright's records video
        and traces) on ``base_url``; ``start()`` signs in (from ``relay``'s session when it
        has one)."""
        self.browser = browser
        self.relay = relay
        self.settings = settings
        # Whatever error or log line quotes the password from here on, masking hides it.
        register_secret(settings.password.get_secret_value())
        self.base_url = base_url.rstrip("/")
        self.labels: Labels = labels_for(settings.locale)
        self.context: BrowserContext = context or browser.new_context(
            base_url=self.base_url, locale=f"{settings.locale.value}-CA"
        )
        # PORTAL_TIMEOUT_MS for every wait of this context, the page objects' checks included.
        set_wait_limit(self.context, settings.timeout_ms)
        self.page: Page = self.context.new_page()
        self.sign_ins = 0
        self.restored = False  # True when the session came from the saved state
        self._simulator: bool | None = None

    @property
    def on_simulator(self) -> bool:
        """Whether the portal is the bundled simulator (asked once)."""
        if self._simulator is None:
            self._simulator = is_simulator(self.base_url)
        return self._simulator

    # page objects ---------------------------------------------------------------------------
    @property
    def sign_in_page(self) -> SignInPage:
        """The sign-in page."""
        return SignInPage(self.page, self.labels)

    @property
    def home(self) -> HomePage:
        """Home, header and global search."""
        return HomePage(self.page, self.labels)

    # signing in -----------------------------------------------------------------------------
    def sign_in(self) -> None:
        """Sign in (in an untraced context) and give the cookies to the working context."""
        state = self._fresh_state()
        self.context.add_cookies(state["cookies"])
        self.sign_ins += 1
        save_state(self.settings.storage_state, state, self.base_url)
        if self.relay is not None:
            self.relay.publish(RelayedState(state))

    def _fresh_state(self) -> dict[str, Any]:
        scratch = self.browser.new_context(base_url=self.base_url)
        try:
            with portal_errors("sign-in"):
                set_wait_limit(scratch, self.settings.timeout_ms)
                page = scratch.new_page()
                # Joined to the base URL, not resolved against it: "/s/" would drop the site
                # prefix of https://host/partenaires.
                answer = page.goto(self.base_url + HomePage.path)
                home = HomePage(page, self.labels)
                SignInPage(page, self.labels).sign_in(
                    self.settings.username,
                    self.settings.password.get_secret_value(),
                    then=home.marker,
                    status=answer.status if answer is not None else None,
                )
                return scratch.storage_state()  # type: ignore[return-value]
        finally:
            scratch.close()

    def start(self) -> None:
        """Open the home page signed in: from the relay's session when another session has
        one, else with the saved session when there is one for this portal, else (or when the
        one tried was refused or has expired) by signing in with the credentials, once per
        relay: a session that another is signing in for starts from its state.

        The home page can show before the portal has checked the session, so an expired saved
        session may only show at the first step; ``step`` then handles it as ``recover`` says.
        """
        relay = self.relay
        tried = relay.current() if relay is not None else None
        if relay is not None and tried is not None:
            if self._resume_relayed(relay, tried):
                return
        else:
            saved = load_state(self.settings.storage_state, self.base_url)
            if saved is not None:
                if self._resume(saved):
                    self.restored = True
                    if relay is not None:
                        relay.publish(RelayedState(saved, saved_login=True))
                    return
                self._saved_state_expired()
        if relay is None:
            self.sign_in()
        elif self._sign_in_once(relay, tried):
            return
        self.home.open(self.base_url)

    def _resume_relayed(self, relay: Relay, relayed: RelayedState) -> bool:
        """Start from another session's state: True when the app shows; False (the relay
        told) when it was refused or has expired, which a saved login may not be here."""
        if self._resume(relayed.state):
            self.restored = relayed.saved_login
            return True
        relay.stale(relayed)
        if relayed.saved_login:
            self._saved_state_expired()
        return False

    def _sign_in_once(self, relay: Relay, tried: RelayedState | None) -> bool:
        """Sign in here (False), unless another session signs in meanwhile: then start from
        its state (True: the home page shows)."""
        fresh = relay.take()
        if fresh is None:
            try:
                self.sign_in()
            except BaseException as error:
                relay.failed(error)
                raise
            return False
        if fresh is not tried and self._resume_relayed(relay, fresh):
            return True
        self.sign_in()
        return False

    def _resume(self, state: dict[str, Any]) -> bool:
        """Load ``state``'s cookies and open the home page: True when the app shows, False
        (cookies cleared) when the portal asks to sign in instead."""
        self.context.add_cookies(state["cookies"])
        try:
            self.home.open(self.base_url)
        except SessionExpired:
            self.context.clear_cookies()
            return False
        return True

    def _saved_state_expired(self) -> None:
        # A real org may want MFA: typing the password would fail there, or lock the account.
        if not self.on_simulator:
            raise SavedSessionExpired(
                f"{EXPIRED_MESSAGE} (saved in {self.settings.storage_state})", step="sign-in"
            )

    def recover(self) -> None:
        """After a bounce to the sign-in page: sign in again and return where the portal was."""
        if self.restored:
            self._saved_state_expired()
        query = parse_qs(urlsplit(self.page.url).query)
        # The sign-in page says where to return (startURL, prefix included); a session notice
        # shown over the page leaves the page's own URL as the place to return to.
        back_to = query.get("startURL", [self.page.url])[0]
        self.sign_in()
        self.restored = False
        self.page.goto(back_to)

    def step(self, action: Callable[[], T], *, rerun: bool = True) -> T:
        """Run one flow step; on an expired session, sign in again once and re-run it (with
        ``rerun``), or raise ``SignedInAgain`` for a step that cannot run again on the page
        the portal shows afresh."""
        try:
            return action()
        except SessionExpired:
            pass
        except PlaywrightError:
            # The portal may bounce to sign-in while an action is under way (its session check
            # answers after the page showed): the action then times out on a vanished element.
            if not self.sign_in_page.is_displayed():
                raise
        self.recover()
        if not rerun:
            raise SignedInAgain("signed in again: the screen lost what the step had entered")
        return action()

    def close(self) -> None:
        """Close the browser context."""
        self.context.close()


def interactive_login(
    browser: Browser,
    settings: Settings,
    base_url: str,
    *,
    person: Callable[[Page], None] | None = None,
    timeout_ms: float = 600_000,
) -> Path:
    """Let a person sign in (MFA included) and save the session for ``base_url``.

    Opens the portal in an untraced context and waits for the home page, for at most
    ``timeout_ms``. ``person`` acts for the human in tests. Returns the state file.
    """
    base_url = base_url.rstrip("/")
    context = browser.new_context(base_url=base_url, locale=f"{settings.locale.value}-CA")
    try:
        set_wait_limit(context, settings.timeout_ms)
        page = context.new_page()
        page.goto(base_url + HomePage.path)
        if person is not None:
            person(page)
        home = HomePage(page, labels_for(settings.locale))
        home.new_opportunity_button.wait_for(state="visible", timeout=timeout_ms)
        state: dict[str, Any] = context.storage_state()  # type: ignore[assignment]
    finally:
        context.close()
    return save_state(settings.storage_state, state, base_url)


@contextmanager
def open_session(
    settings: Settings, base_url: str, *, relay: Relay | None = None
) -> Iterator[PortalSession]:
    """Start Playwright and a browser, sign in to ``base_url`` (from ``relay``'s session when
    it has one) and yield the session."""
    with sync_playwright() as playwright:
        with portal_errors("browser"):
            browser = open_browser(playwright, settings)
        try:
            with portal_errors("sign-in"):
                session = PortalSession(browser, settings, base_url, relay=relay)
                session.start()
            yield session
        finally:
            browser.close()
