"""The one place that tells a masker which values of a request are personal."""

from __future__ import annotations

from automation.evidence.privacy import Masker
from flows.request import ExtensionRequest

__all__ = ["client_masker", "register_client"]


def register_client(masker: Masker, request: ExtensionRequest) -> Masker:
    """Let ``masker`` hide this client's name, birth date, phone (every usual spelling) and
    e-mail in any text from now on; returns ``masker``."""
    masker.register(
        names=(request.first_name, request.last_name),
        birth_date=request.birth_date.isoformat(),
        phone=request.phone,
        email=request.email,
    )
    return masker


def client_masker(request: ExtensionRequest, *, show: bool = False) -> Masker:
    """A masker for one request's client (``show`` unmasks, for debugging on one's machine)."""
    return register_client(Masker(show=show), request)
