"""Issue 12's "done when": ``prolong extend`` issues a contract on the real org's look-alikes.

Both portals are served by ``prolong portal serve`` in a child process and extended by the
installed ``prolong extend`` in another, exactly as a person would run them:

- ``--profile lwr --site-prefix /partenaires --boot-ms 3000`` (an LWR site under a prefix that
  takes 3 s to boot each full page load), with ``PORTAL_BASE_URL`` under the prefix;
- ``--profile seed`` (what the seed's screens show).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from flows.cli.extend import ExitCode
from tests.flows.test_cli_extend import REQUEST

# About 25-50 s each on a busy 2-core machine: with ``-m variants`` only.
pytestmark = [pytest.mark.e2e, pytest.mark.variants]

PROLONG = Path(sys.executable).with_name("prolong")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _served(*options: str) -> Iterator[str]:
    """``prolong portal serve OPTIONS`` in a child process; yield its root URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIM_", "PORTAL_"))}
    server = subprocess.Popen(
        [str(PROLONG), "portal", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # /__sim__ stays at the root, whatever the site prefix.
                if httpx.get(f"{url}/__sim__/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "prolong portal serve stopped"
            assert time.monotonic() < deadline, "prolong portal serve did not answer in 60 s"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _extend(tmp_path: Path, base_url: str) -> tuple[int, dict[str, object], str]:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_BASE_URL": base_url,
        "PORTAL_STORAGE_STATE": str(tmp_path / "state.json"),
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_LOCALE": "fr",
    }
    done = subprocess.run(
        [str(PROLONG), "extend", "--request", str(request), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=tmp_path,
    )
    output = done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, json.loads(lines[-1]) if lines else {}, output


@pytest.mark.parametrize(
    ("options", "prefix"),
    [
        pytest.param(
            ("--profile", "lwr", "--site-prefix", "/partenaires", "--boot-ms", "3000"),
            "/partenaires",
            id="lwr-prefix-boot",
        ),
        pytest.param(("--profile", "seed"), "", id="seed"),
    ],
)
def test_extend_issues_a_contract(tmp_path: Path, options: tuple[str, ...], prefix: str) -> None:
    with _served(*options) as root:
        code, answer, output = _extend(tmp_path, root + prefix)
        contracts = [c["number"] for c in httpx.get(f"{root}/__sim__/contracts").json()]
    assert code == ExitCode.ISSUED, output
    assert answer["status"] == "issued", output
    assert answer["contract_number"] in contracts
