"""Accounts and sessions of the desk: Argon2 hashes, session cookies, CSRF tokens, throttling.

- A password is hashed with Argon2id (``argon2-cffi``'s defaults) and never kept or logged.
- A session is a random token in a cookie that is HttpOnly, SameSite=Strict, Secure when the
  desk is reached over https, and expires (``SESSION_SECONDS``); the store keeps its SHA-256.
- Every state-changing request carries the session's CSRF token (a form field ``csrf`` or the
  ``X-CSRF-Token`` header); the sign-in form carries the one of a pre-session cookie.
- After ``MAX_FAILURES`` refused sign-ins for one name, or ``MAX_ADDRESS_FAILURES`` from one
  address (several people may share one, behind a proxy), within ``FAILURE_WINDOW_S``,
  sign-in is refused for that name or address until the window passes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from flows.desk.store import DeskStore, User

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "FAILURE_WINDOW_S",
    "MAX_ADDRESS_FAILURES",
    "MAX_FAILURES",
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "SIGNIN_COOKIE",
    "Accounts",
    "SignIn",
    "hash_password",
    "token_hash",
]

SESSION_COOKIE: Final = "desk_session"
SIGNIN_COOKIE: Final = "desk_signin"
CSRF_FIELD: Final = "csrf"
CSRF_HEADER: Final = "x-csrf-token"
SESSION_SECONDS: Final = 8 * 3600
MAX_FAILURES: Final = 5
MAX_ADDRESS_FAILURES: Final = 20
FAILURE_WINDOW_S: Final = 15 * 60

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password``."""
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    """What the store keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(str(given), expected)


@dataclass(frozen=True)
class SignIn:
    """The result of a sign-in: a session token, or why none (``throttled``: too many tries)."""

    user: User | None
    token: str = ""
    throttled: bool = False


class Accounts:
    """Sign-in, sessions and throttling over the desk's store."""

    def __init__(self, store: DeskStore) -> None:
        self._store = store

    def sign_in(self, name: str, password: str, address: str) -> SignIn:
        """Check ``name``/``password``; open a session when they match and no throttle holds."""
        now = time.time()
        since = now - FAILURE_WINDOW_S
        keys = (f"user:{name}", f"addr:{address}")
        limits = zip(keys, (MAX_FAILURES, MAX_ADDRESS_FAILURES), strict=True)
        if any(self._store.failures_since(key, since) >= limit for key, limit in limits):
            return SignIn(None, throttled=True)
        found = self._store.user(name)
        try:
            _hasher.verify(found[1] if found else _DUMMY_HASH, password)
            ok = found is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or found is None:
            for key in keys:
                self._store.record_failure(key, now)
            return SignIn(None)
        user, stored = found
        if _hasher.check_needs_rehash(stored):
            self._store.set_hash(name, hash_password(password))
        self._store.clear_failures(keys[0])
        token = secrets.token_urlsafe(32)
        self._store.open_session(
            token_hash(token), user.name, secrets.token_urlsafe(32), now + SESSION_SECONDS
        )
        return SignIn(user, token)

    def session(self, token: str | None) -> tuple[User, str] | None:
        """The user and CSRF token of the session ``token``, or None (absent, expired)."""
        if not token:
            return None
        return self._store.session(token_hash(token), time.time())

    def sign_out(self, token: str | None) -> None:
        """Close the session ``token``."""
        if token:
            self._store.close_session(token_hash(token))
