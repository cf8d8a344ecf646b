"""A throwaway PostgreSQL cluster for the tests that need one (marked ``postgresql``).

``postgresql_server`` (session scope) runs Debian's ``initdb`` and ``pg_ctl`` on a data folder
in a temporary folder, on a free port, and stops the server and removes the folder at the end
of the session: no server is left running. ``initdb`` and ``pg_ctl`` refuse to run as root, so
as root they run as the ``postgres`` user (``runuser``) on a folder that user owns.
``postgresql_url`` gives each test a database of its own in that cluster.

When the binaries are absent the tests are skipped, except in CI (``CI=true``), where absence
is a failure: the set-up (``./run``, ``.ci/run``) installs them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

__all__ = ["PostgresServer", "find_bin_dir", "postgresql_server", "postgresql_url"]


def find_bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian's newest, else the PATH's), or None."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in ``folder``, served on 127.0.0.1:``port``."""

    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        line = [str(self.bin_dir / command[0]), *command[1:]]
        if self._as_postgres:
            line = ["runuser", "-u", "postgres", "--", *line]
        subprocess.run(line, check=True, capture_output=True, timeout=120)

    def initdb(self) -> None:
        """Create the cluster: trust on the loopback only, no fsync (a throwaway one)."""
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop the server (fast: open connections are closed)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        """Stop and start again on the same port (every connection is cut)."""
        self.stop()
        self.start()

    def database(self) -> str:
        """A new, empty database of this cluster; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, url: str) -> None:
        """Drop the database at ``url`` (its connections closed first)."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster for the whole session, stopped and removed at its end."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "PostgreSQL binaries (initdb, pg_ctl) are missing: the set-up installs them"
            )
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed on this machine")
    folder = Path(tempfile.mkdtemp(prefix="prolong-pg-"))
    folder.chmod(0o755)
    server = PostgresServer(bin_dir, folder)
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgresql_url(postgresql_server: PostgresServer) -> Iterator[str]:
    """The URL of an empty database of its own for one test, dropped after it."""
    url = postgresql_server.database()
    yield url
    postgresql_server.drop(url)
