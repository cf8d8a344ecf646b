"""Which portal a run talks to, and the flow factory that opens a session on it.

With no ``--base-url`` and no ``PORTAL_BASE_URL`` the bundled simulator is started in this
process (``flows.simulator.portal_url``) and the operator is told, loudly, that nothing goes to
a real portal. The flow is ``flows.extension.open_extension_flow``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from automation.runtime.settings import Settings
from automation.safety import is_simulator
from flows import language
from flows.bulk.browsers import SharedChromium, can_share, shared_settings
from flows.bulk.runner import FlowFactory, FlowLike
from flows.bulk.sign_in_relay import SignInRelay
from flows.simulator import portal_url

__all__ = ["extension_flow_factory", "is_simulator", "portal_target", "simulator_banner"]


def simulator_banner() -> str:
    """The line that says the portal is the bundled simulator, in the run's language."""
    return language.say(
        fr="SIMULATEUR LOCAL — rien n'est envoyé à un vrai portail",
        en="LOCAL SIMULATOR — nothing goes to a real portal",
    )


def extension_flow_factory(
    settings: Settings, base_url: str, *, relay: SignInRelay | None = None
) -> FlowFactory:
    """A factory opening one ``ExtensionFlow`` session (contexts of its own) per call, all on
    one Chromium (``flows.bulk.browsers``) unless the settings name another browser, and all
    from one sign-in (``relay``, one per factory by default: ``flows.bulk.sign_in_relay``)."""
    shared = SharedChromium(settings) if can_share(settings) else None
    relay = relay if relay is not None else SignInRelay()

    @contextmanager
    def factory() -> Iterator[FlowLike]:
        # Imported here: Playwright and the page objects load only when a run needs a browser.
        from automation.runtime.session import open_session
        from flows.extension import ExtensionFlow

        with (
            shared_settings(shared, settings) as worker_settings,
            open_session(worker_settings, base_url, relay=relay) as session,
        ):
            yield ExtensionFlow(session)

    return factory


@contextmanager
def portal_target(
    settings: Settings, base_url: str | None, say: Callable[[str], None]
) -> Iterator[str]:
    """The portal's URL: ``base_url``, else ``PORTAL_BASE_URL``, else a simulator started here."""
    url = (base_url or settings.base_url or "").strip().rstrip("/")
    if url:
        say(
            language.say(fr=f"Portail : {url}", en=f"Portal: {url}")
            + (f"  ({simulator_banner()})" if is_simulator(url) else "")
        )
        yield url
        return
    # flows.simulator is the one place in flows that starts the bundled simulator.
    with portal_url(
        settings, None, announce=lambda text: say(f"{simulator_banner()}\n{text}")
    ) as started:
        yield started
