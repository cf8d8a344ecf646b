"""The desk served for real (uvicorn in a thread) over a test folder, with two accounts, its runs
going to a simulator started here (the bulk processes the desk starts reach it by its URL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from fixtures.portal.options import SimOptions
from fixtures.portal.run import RunningSimulator, start_in_thread
from flows.bulk.journal import Journal
from flows.desk.app import DeskConfig, create_app
from flows.desk.auth import hash_password
from flows.desk.runs import RunFolder
from flows.desk.store import DeskStore, Role
from flows.desk.uploads import UploadLimits

OPERATOR = ("olga", "olga-password-123")
VIEWER = ("victor", "victor-password-123")
#: Small bounds, so the tests send small files to cross them.
LIMITS = UploadLimits(max_bytes=256 * 1024, max_rows=200, max_expanded=2 * 1024 * 1024)


@dataclass
class RunningDesk:
    """A desk serving at ``url`` over ``data``."""

    url: str
    data: Path
    log: list[str]

    def client(self) -> httpx.Client:
        """An HTTP client that keeps this desk's cookies."""
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)


@pytest.fixture(scope="module")
def desk_simulator() -> Iterator[RunningSimulator]:
    """The portal the desk's runs enter requests into."""
    with start_in_thread(SimOptions()) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def desk(
    tmp_path_factory: pytest.TempPathFactory, desk_simulator: RunningSimulator
) -> Iterator[RunningDesk]:
    """The desk on a free port, its data in a fresh folder, with an operator and a viewer."""
    root = tmp_path_factory.mktemp("desk")
    data = root / "data"
    store = DeskStore(data)
    store.add_user(OPERATOR[0], Role.OPERATOR, hash_password(OPERATOR[1]), "fr")
    store.add_user(VIEWER[0], Role.VIEWER, hash_password(VIEWER[1]), "en")
    config = DeskConfig(
        data,
        base_url=desk_simulator.url,
        limits=LIMITS,
        sse_interval_s=0.3,
        workers=2,
        run_env={
            "PORTAL_STORAGE_STATE": str(root / "auth" / "state.json"),
            "PORTAL_BASE_URL": "",
        },
    )
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # uvicorn's own flag: the socket is bound and serving
        assert thread.is_alive()
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield RunningDesk(f"http://127.0.0.1:{port}", data, [])
    app.state.supervisor.stop_all()
    server.should_exit = True
    thread.join(timeout=30)


def fail_trips_to(simulator: RunningSimulator, destination: str) -> None:
    """Every Voyage step of a trip to ``destination`` answers 500 until called with ``""``."""
    answer = httpx.post(f"{simulator.url}/__sim__/faults", json={"fail_trip_to": destination})
    assert answer.status_code == 200, answer.text


def contracts(simulator: RunningSimulator) -> list[str]:
    """The numbers of the contracts the simulator has issued."""
    answer = httpx.get(f"{simulator.url}/__sim__/contracts")
    assert answer.status_code == 200, answer.text
    return [str(contract["number"]) for contract in answer.json()]


def journal_actions(data: Path, run: str) -> list[tuple[str, str, str]]:
    """(who, action, detail) of the actions in a desk run's journal, oldest first."""
    with Journal(RunFolder(data / "runs" / run).journal) as journal:
        return [(action.actor, action.action, action.detail) for action in journal.actions()]


def sign_in(client: httpx.Client, name: str, password: str) -> str:
    """Sign ``client`` in; the session's CSRF token (read from the start page)."""
    form = client.get("/signin")
    token = _token(form.text)
    answer = client.post("/signin", data={"csrf": token, "name": name, "password": password})
    assert answer.status_code == 303, answer.text
    return _token(client.get("/").text)


def _token(page: str) -> str:
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]
