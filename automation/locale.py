"""The two languages of the project, one vocabulary for every layer.

The portal's language (``PORTAL_LOCALE``, the simulator's ``--locale``), the run's language
(``--lang``) and a client's language (the request's ``language`` field) are the same two codes:
defined here once, where ``automation``, ``flows`` and the simulator may all import them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LOCALES", "Locale"]


class Locale(StrEnum):
    """French or English: what the portal shows, what a run writes, what a client speaks."""

    FR = "fr"
    EN = "en"


#: Every locale, French (the seed's and the default) first.
LOCALES: tuple[Locale, ...] = tuple(Locale)
