"""One sale at a time per request on this machine: a lock per request identity.

Two processes (two bulk journals, ``extend`` beside ``bulk run``) may hold the same request.
Each takes this lock before it looks at the client's account and keeps it until the outcome is
known, so the second one reads the account only after the first one's sale shows there — and
the portal check (``automation.runtime.walk``) then finds it instead of selling again.

The identity is the client (name, birth date) and the trip dates; the contract number is left
out on purpose, so a request corrected after a sale is still the same sale. The lock files are
named by a digest of that identity in the private artifacts folder (no client data in a name),
and ``flock`` releases them when the process ends, SIGKILL included.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from automation.evidence.artifacts import private_dir
from automation.text import fold
from flows.request import ExtensionRequest

__all__ = ["request_identity", "request_lock"]


def request_identity(request: ExtensionRequest) -> str:
    """The sale a request is about: client name, birth date and trip dates."""
    parts = (
        fold(f"{request.first_name} {request.last_name}"),
        request.birth_date.isoformat(),
        request.trip_start.isoformat(),
        request.trip_end.isoformat(),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


@contextmanager
def request_lock(root: Path, request: ExtensionRequest) -> Iterator[None]:
    """Hold the machine-wide lock of ``request``'s identity (waits while another holds it)."""
    path = private_dir(root / "locks") / f"{request_identity(request)}.lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
