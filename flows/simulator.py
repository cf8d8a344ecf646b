"""The embedded default: with no portal URL configured, start the bundled simulator.

This is the only place in ``flows`` that imports ``fixtures`` (DESIGN.md, direction of imports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from automation.settings import Settings

__all__ = ["SIMULATOR_BANNER", "portal_url"]

SIMULATOR_BANNER = (
    "No portal URL configured (PORTAL_BASE_URL or --base-url): using the bundled Espace "
    "partenaire SIMULATOR at {url}. Nothing is sent to a real portal."
)


@contextmanager
def portal_url(
    settings: Settings, base_url: str | None = None, *, announce: Callable[[str], None] = print
) -> Iterator[str]:
    """Yield the portal to use: ``base_url``, else the settings' one, else a started simulator."""
    url = (base_url or settings.base_url).rstrip("/")
    if url:
        yield url
        return
    from fixtures.portal.options import SimOptions
    from fixtures.portal.run import start_in_thread

    with start_in_thread(SimOptions(locale=settings.locale.value)) as simulator:
        announce(SIMULATOR_BANNER.format(url=simulator.url))
        yield simulator.url
