"""The embedded default: with no portal URL configured, start the bundled simulator.

``flows`` imports ``fixtures`` only to start or serve the simulator and to match a drift
recording to its profiles (docs/architecture.md, « Folders and what they may import »); here the
import waits until a simulator is needed, so a run against a real portal never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from automation.runtime.settings import Settings
from flows.language import say

__all__ = ["SIMULATOR_BANNER", "portal_url"]

SIMULATOR_BANNER = (
    "No portal URL configured (PORTAL_BASE_URL or --base-url): using the bundled Espace "
    "partenaire SIMULATOR at {url}. Nothing is sent to a real portal."
)


@contextmanager
def portal_url(
    settings: Settings,
    base_url: str | None = None,
    *,
    announce: Callable[[str], None] = print,
    simulator_options: Mapping[str, object] | None = None,
) -> Iterator[str]:
    """Yield the portal to use: ``base_url``, else the settings' one, else a started simulator.

    ``simulator_options`` are more ``SimOptions`` for that simulator, e.g.
    ``{"profile": "lwr", "switches": {"site_prefix": "/partenaires"}}``; the URL yielded is
    then the site's, prefix included.
    """
    url = (base_url or settings.base_url).rstrip("/")
    if url:
        yield url
        return
    from fixtures.portal.options import SimOptions
    from fixtures.portal.run import start_in_thread

    options = SimOptions(locale=settings.locale.value, **simulator_options or {})  # type: ignore[arg-type]  # checked there
    with start_in_thread(options) as simulator:
        site = simulator.url + options.variant.site_prefix
        announce(
            say(
                fr="Aucune adresse de portail configurée (PORTAL_BASE_URL ou --base-url) : "
                f"le SIMULATEUR d’Espace partenaire fourni sert, à {site}. Rien n’est "
                "envoyé à un vrai portail.",
                en=SIMULATOR_BANNER.format(url=site),
            )
        )
        yield site
