"""The one language of a run's words for people: console lines, reports and hand-offs.

``PORTAL_LOCALE`` decides it (French by default, as the seed), ``--lang fr|en`` overrides it
for one run. A line is written once per language with ``say(fr=…, en=…)`` and shown in the
run's language only: never both. Machine outputs (JSON, CSV codes, journal) keep their codes.
"""

from __future__ import annotations

from functools import cache

from pydantic import ValidationError

from automation.runtime.settings import Locale, load_settings

__all__ = ["Locale", "choose", "current", "say"]

_chosen: Locale | None = None


def choose(lang: Locale | None) -> None:
    """Fix the run's language (``--lang``); ``None`` goes back to ``PORTAL_LOCALE``."""
    global _chosen
    _chosen = lang
    _from_settings.cache_clear()


def current() -> Locale:
    """The run's language: ``--lang`` if given, else ``PORTAL_LOCALE``, else French."""
    return _chosen if _chosen is not None else _from_settings()


@cache
def _from_settings() -> Locale:
    try:
        return load_settings().locale
    except ValidationError:  # a broken .env is reported by the command that needs it, not here
        return Locale.FR


def say(*, fr: str, en: str, lang: Locale | None = None) -> str:
    """The text in ``lang`` (default: the run's language)."""
    return en if (lang or current()) is Locale.EN else fr
