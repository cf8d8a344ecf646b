"""Runs started from the desk are ``bulk run`` processes of their own: « Stop » is Ctrl-C (the run
stops, its rows left pending), « Start » again resumes from the journal, « Retry all failed
rows » enters the failed ones again, and a desk killed with its run resumes that run when it
starts again."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from fixtures.portal.run import RunningSimulator
from flows.bulk.journal import Journal
from flows.cli.bulk import EXIT_LEFT, EXIT_STOPPED, EXIT_TO_FIX
from flows.desk.auth import hash_password
from flows.desk.runs import RunFolder
from flows.desk.store import DeskStore, Role, RunRecord, now_iso
from tests.flows.bulk.conftest import SAMPLE
from tests.flows.desk.conftest import (
    OPERATOR,
    RunningDesk,
    fail_trips_to,
    journal_actions,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.sales, pytest.mark.slow]

ROOT = Path(__file__).parents[3]
#: A generous bound for a run of the sample on a busy machine (not what is measured).
RUN_TIMEOUT_S = 480.0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = RUN_TIMEOUT_S) -> None:
    """Poll ``condition`` until it holds (the run is another process: nothing to await)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def statuses(data: Path, run: str) -> Counter[str]:
    """The requests of a run's journal, by state."""
    journal = RunFolder(data / "runs" / run).journal
    if not journal.exists():
        return Counter()
    with Journal(journal) as opened:
        return Counter(str(state) for state in opened.state_counts().elements())


def upload(client: httpx.Client, csrf: str, data: bytes = SAMPLE.read_bytes()) -> str:
    answer = client.post("/upload", data={"csrf": csrf}, files={"file": ("sample.csv", data)})
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).rsplit("/", 1)[1]


def sample_rows(*contracts: str) -> bytes:
    """The sample's header and its rows of these contracts, in this order (rows 2, 3…)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    by_contract = {line.split(",", 1)[0]: line for line in lines[1:]}
    return "\n".join([lines[0], *(by_contract[number] for number in contracts)]).encode() + b"\n"


#: Three sales, the trip to Japan (row 5, failed while ``fail_trip_to`` names it), a row to fix.
SMALL = sample_rows("LH10001", "LH10002", "LH10003", "LH10008", "LH10009")
SMALL_FAILING_ROW, SMALL_FAILING_TRIP = 5, "JP"


def test_stop_is_ctrl_c_start_again_resumes_and_retry_enters_the_failed_rows(
    desk: RunningDesk, desk_simulator: RunningSimulator
) -> None:
    store = DeskStore(desk.data)
    fail_trips_to(desk_simulator, SMALL_FAILING_TRIP)  # row 5 fails until the portal is back
    with desk.client() as client:
        csrf = sign_in(client, *OPERATOR)
        run = upload(client, csrf, SMALL)
        client.post(f"/runs/{run}/start", data={"csrf": csrf})
        wait_for(lambda: statuses(desk.data, run)["issued"] >= 1, "a first sale")
        client.post(f"/runs/{run}/stop", data={"csrf": csrf})
        wait_for(lambda: store.run(run).status == "ended", "the run to stop")  # type: ignore[union-attr]
        stopped = store.run(run)
        assert stopped is not None and stopped.exit_code == EXIT_STOPPED
        left = statuses(desk.data, run)
        assert left["pending"] >= 1 and left["issued"] < 4
        assert [a[:2] for a in store.actions(run)] == [
            ("olga", "upload"),
            ("olga", "start"),
            ("olga", "stop"),
        ]
        client.post(f"/runs/{run}/start", data={"csrf": csrf})
        wait_for(lambda: store.run(run).status == "ended", "the resumed run")  # type: ignore[union-attr]
        assert store.run(run).exit_code == EXIT_LEFT  # type: ignore[union-attr]
        assert statuses(desk.data, run) == {"issued": 3, "failed": 1, "invalid": 1}
        screenshot = client.get(f"/runs/{run}/rows/{SMALL_FAILING_ROW}/screenshot")
        assert (screenshot.status_code, screenshot.headers["content-type"]) == (200, "image/png")
        assert screenshot.content.startswith(b"\x89PNG")
        assert client.get(f"/runs/{run}/rows/2/screenshot").status_code == 404  # issued
        page = client.get(f"/runs/{run}").text
        assert "Reprendre toutes les lignes en échec" in page
        for row in ("2", "6", "x", "-1", "99"):  # issued, invalid, not a row
            refused = client.post(f"/runs/{run}/retry", data={"csrf": csrf, "row": row})
            assert refused.status_code == 400, row
            assert "pas à reprendre" in refused.text
        assert store.run(run).status == "ended"  # type: ignore[union-attr]

        fail_trips_to(desk_simulator, "")
        client.post(f"/runs/{run}/retry", data={"csrf": csrf})
        wait_for(lambda: store.run(run).status == "ended", "the retried run")  # type: ignore[union-attr]
        assert store.run(run).exit_code == EXIT_TO_FIX  # type: ignore[union-attr]
        assert statuses(desk.data, run) == {"issued": 4, "invalid": 1}
        assert [a[:2] for a in store.actions(run)][3:] == [("olga", "start"), ("olga", "retry")]
        # Every action is in the run's journal too, with its user (the upload created it).
        assert journal_actions(desk.data, run) == [
            ("olga", action, "") for action in ("upload", "start", "stop", "start", "retry")
        ]
        assert client.get(f"/runs/{run}/rows/{SMALL_FAILING_ROW}/screenshot").status_code == 404


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(data: Path, port: int, url: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as stream:
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from flows.cli.app import main; main()",
                "desk",
                "serve",
                "--data",
                str(data),
                "--port",
                str(port),
                "--base-url",
                url,
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "PORTAL_ARTIFACTS_DIR": str(data.parent / "artifacts"),
                "PORTAL_STORAGE_STATE": str(data.parent / "auth" / "state.json"),
                "PORTAL_LOCALE": "fr",
            },
            stdout=stream,
            stderr=subprocess.STDOUT,
        )


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/signin", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_a_desk_killed_with_its_run_resumes_it_when_started_again(
    tmp_path: Path, desk_simulator: RunningSimulator
) -> None:
    data = tmp_path / "data"
    store = DeskStore(data)
    store.add_user(OPERATOR[0], Role.OPERATOR, hash_password(OPERATOR[1]), "fr")
    port = _free_port()
    desk = _serve(data, port, desk_simulator.url, tmp_path / "desk.log")
    try:
        wait_for(lambda: _answers(port), "the desk", 60)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            csrf = sign_in(client, *OPERATOR)
            # Five sales: enough to be killed half-way, not a whole file.
            five = sample_rows("LH10001", "LH10002", "LH10003", "LH10004", "LH10005")
            run = upload(client, csrf, five)
            client.post(f"/runs/{run}/start", data={"csrf": csrf})
        wait_for(lambda: statuses(data, run)["issued"] >= 1, "a first sale")
        child = store.run(run).pid  # type: ignore[union-attr]
        assert child is not None
        # The machine goes down: the desk and the run are killed, nothing cleans up.
        os.killpg(child, signal.SIGKILL)
        desk.kill()
        desk.wait()
        assert store.run(run).status == "running"  # type: ignore[union-attr]
        desk = _serve(data, port, desk_simulator.url, tmp_path / "desk.log")
        wait_for(lambda: _answers(port), "the desk again", 60)
        wait_for(lambda: store.run(run).pid not in (None, child), "the run resumed")  # type: ignore[union-attr]
        wait_for(lambda: store.run(run).status == "ended", "the resumed run")  # type: ignore[union-attr]
        assert statuses(data, run) == {"issued": 5}
        assert "resumed from their journal" in (tmp_path / "desk.log").read_text()
        # Resumed by the desk for the user who had started it, and recorded so.
        assert [a[:2] for a in journal_actions(data, run)] == [
            ("olga", "upload"),
            ("olga", "start"),
            ("olga", "resume"),
        ]
    finally:
        desk.send_signal(signal.SIGINT)
        desk.wait(timeout=60)


def _sse_events(answer: httpx.Response) -> Iterator[tuple[str, str]]:
    """(event, data) of a server-sent event stream, as they come."""
    event, data = "", ""
    for line in answer.iter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data += line.removeprefix("data: ")
        elif not line and event:
            yield event, data
            event, data = "", ""


def test_a_run_whose_exit_code_comes_after_its_end_is_shown_with_it(desk: RunningDesk) -> None:
    # Seen in CI: the run's process was gone a moment before its exit code was recorded; the
    # status sent then read « Terminée » alone, and no later one said how it ended.
    store = DeskStore(desk.data)
    run_id = secrets.token_hex(8)
    store.add_run(
        RunRecord(
            run_id, "requests.csv", OPERATOR[0], now_iso(), None, None, None, "planned", None, "fr"
        ),
        [],
    )
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    store.started(run_id, OPERATOR[0], int(gone.stdout))  # a process that has ended
    with desk.client() as client:
        sign_in(client, *OPERATOR)
        with client.stream("GET", f"/runs/{run_id}/events", timeout=30) as answer:
            events = _sse_events(answer)
            event, first = next(events)
            assert event == "status" and "Terminée" in first and "reprendre" not in first
            store.ended(run_id, 1)  # 1: some rows are to run again
            rest = list(events)
    assert rest[-1][0] == "done"
    assert any("Terminée : des lignes sont à reprendre" in data for event, data in rest), rest
