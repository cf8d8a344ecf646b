"""Many machines, one journal: ``bulk run --journal postgresql://…`` from two processes.

Each "machine" is a real ``prolong`` child process with an artifacts folder of its own (no file
lock shared between them) and its own copy of the file, against one simulator process and one
PostgreSQL journal. Every test counts the simulator's own record of sales, whatever the runs
printed: one contract per request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from fixtures.portal.options import DEFAULT_PASSWORD as PASSWORD
from fixtures.portal.options import DEFAULT_USERNAME as USERNAME
from flows.bulk.journal import Journal
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.outcome import Outcome
from tests.flows.bulk.test_e2e_bulk import ROOT, _env, _sample_rows, _simulator_process, _write
from tests.postgresql import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.sales, pytest.mark.postgresql]

#: Claims of a killed machine come free after this long (the default is a minute); long enough
#: that a busy machine's renewals (every quarter of it) are never late.
_LEASE_S = "12"


def _machine(
    tmp_path: Path,
    name: str,
    rows: list[dict[str, str]],
    url: str,
    journal: str,
    *,
    workers: int = 2,
) -> subprocess.Popen[str]:
    """``prolong bulk run`` as one machine: its own folder, artifacts and copy of the file."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    file = _write(folder / "requests.csv", rows)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli.bulk",
            "run",
            str(file),
            "--out",
            str(folder / "out"),
            "--base-url",
            url,
            "--workers",
            str(workers),
            "--back-off",
            "0.2",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            **_env(folder),
            "PROLONG_JOURNAL_URL": journal,
            "PROLONG_JOURNAL_LEASE_S": _LEASE_S,
            "PYTHONFAULTHANDLER": "1",
        },
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _sold(url: str) -> list[tuple[str, str, str]]:
    """Each sale as (client, trip start, trip end)."""
    return [
        (c["account_name"], c["trip_start"], c["trip_end"])
        for c in httpx.get(f"{url}/__sim__/contracts").json()
    ]


def _finish(run: subprocess.Popen[str]) -> str:
    try:
        output = run.communicate(timeout=600)[0]
    except subprocess.TimeoutExpired:
        # A run that hangs: SIGABRT makes faulthandler print every thread's stack, then stop.
        os.kill(run.pid, signal.SIGABRT)
        output = run.communicate(timeout=60)[0]
        os.killpg(run.pid, signal.SIGKILL)
        pytest.fail(f"the run did not end:\n{output[-20000:]}")
    assert run.returncode == 0, output
    return output


def _check_one_set(journal: str, url: str, before: int, to_enter: int, rows: int) -> None:
    """Every row final, one request per key, one contract per request to enter."""
    with Journal(journal) as opened:
        entries = opened.entries(listed_only=True)
        counts = Counter(entry.state for entry in entries)
        story = _story(opened)
    assert len(entries) == len({e.key for e in entries}) == rows
    assert counts[Outcome.ISSUED] == to_enter, f"{counts}\n{story}"
    assert sum(counts.values()) == counts[Outcome.ISSUED] + counts[Outcome.HANDED_OFF], counts
    sold = _sold(url)[before:]
    assert len(sold) == len(set(sold)) == to_enter, f"{sold}\n{story}"


def _story(journal: Journal) -> str:
    """Every event and every request's last message: what a failed check prints."""
    lines = [
        f"{e.at} {e.key[:8]} {e.from_state}->{e.to_state} {e.worker}: {e.detail}"
        for e in journal.events()
    ]
    lines += [f"{e.key[:8]} row {e.row} {e.state}: {e.message}" for e in journal.entries()]
    return "\n".join(lines)


@pytest.fixture
def rows(tmp_path: Path) -> list[dict[str, str]]:
    """The sample's 9 requests to enter and 3 hand-offs: 12 rows, none to fix."""
    sample = _sample_rows()
    plan = make_plan(read_requests(_write(tmp_path / "sample.csv", sample)))
    enter = {item.row for item in plan.items if item.request is not None}
    handed = [item.row for item in plan.items if item.planned is Outcome.HANDED_OFF][:3]
    chosen = [sample[row - 2] for row in sorted(enter | set(handed))]
    assert len(chosen) == 12
    return chosen


def test_two_machines_work_one_file_together(
    tmp_path: Path, rows: list[dict[str, str]], postgresql_url: str
) -> None:
    with _simulator_process(tmp_path, "--latency-ms", "50") as url:
        before = len(_sold(url))
        machines = [_machine(tmp_path, name, rows, url, postgresql_url) for name in ("a", "b")]
        outputs = [_finish(machine) for machine in machines]
        _check_one_set(postgresql_url, url, before, 9, len(rows))
        with Journal(postgresql_url) as opened:
            workers = {e.worker for e in opened.events() if e.to_state is Outcome.ISSUED}
        assert len(workers) >= 2, (workers, outputs)  # not one machine doing it all


def test_a_machine_killed_mid_run_and_started_again_sells_nothing_twice(
    tmp_path: Path, rows: list[dict[str, str]], postgresql_url: str
) -> None:
    with _simulator_process(tmp_path, "--latency-ms", "50") as url:
        before = len(_sold(url))
        killed = _machine(tmp_path, "a", rows, url, postgresql_url)
        other = _machine(tmp_path, "b", rows, url, postgresql_url)
        deadline = time.monotonic() + 600
        while len(_sold(url)) < before + 2:  # both at work, some sales done
            assert killed.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)  # polling the simulator's record of sales
        os.killpg(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=60)
        again = _machine(tmp_path, "a", rows, url, postgresql_url)
        _finish(other)
        _finish(again)
        _check_one_set(postgresql_url, url, before, 9, len(rows))


def test_postgresql_restarted_mid_run_loses_nothing(
    tmp_path: Path,
    rows: list[dict[str, str]],
    postgresql_server: PostgresServer,
    postgresql_url: str,
) -> None:
    with _simulator_process(tmp_path, "--latency-ms", "50") as url:
        before = len(_sold(url))
        machines = [_machine(tmp_path, name, rows, url, postgresql_url) for name in ("a", "b")]
        deadline = time.monotonic() + 600
        while len(_sold(url)) < before + 2:
            assert all(m.poll() is None for m in machines) and time.monotonic() < deadline
            time.sleep(0.2)  # polling the simulator's record of sales
        postgresql_server.restart()
        for machine in machines:
            _finish(machine)
        _check_one_set(postgresql_url, url, before, 9, len(rows))


# Tells the test the moment a worker's ``submitting`` commits (a notification is sent at commit).
_NOTIFY_SUBMITTING = """
CREATE FUNCTION notify_submitting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('submitting', NEW.key); RETURN NEW; END $$;
CREATE TRIGGER notify_submitting AFTER UPDATE OF state ON requests FOR EACH ROW
WHEN (NEW.state = 'submitting') EXECUTE FUNCTION notify_submitting();
"""


def _sale_of(row: dict[str, str]) -> tuple[str, str, str]:
    return (f"{row['first_name']} {row['last_name']}", row["trip_start"], row["trip_end"])


def _second_draft(url: str, opportunity_name: str) -> None:
    """Another unfinished opportunity of the same client and trip, newer than the recorded one
    (the walk continues the newest): a draft a taken-over walk, or a colleague, left behind."""
    with httpx.Client(base_url=url, timeout=30) as api:
        signed_in = api.post("/api/login", json={"username": USERNAME, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        found = api.get("/api/search", params={"q": opportunity_name}).json()["opportunities"]
        first = api.get(f"/api/opportunities/{found[0]['id']}").json()
        account = api.get(f"/api/accounts/{first['account_id']}").json()
        client = {name: account[name] for name in _CLIENT_FIELDS}
        residency = dict.fromkeys(
            ("buyer_travelling", "all_canadian_residents", "all_provincial_plan"), True
        )
        draft = api.post(
            "/api/opportunities",
            json={
                "account_id": account["id"],
                "client": client,
                "privacy_consent": True,
                "dsr_disclosure": True,
                "residency": residency,
            },
        )
        assert draft.status_code == 201, draft.text
        priced = api.post(
            f"/api/opportunities/{draft.json()['id']}/complete-stage",
            json={"trip": first["trip"]},
        )
        assert priced.status_code == 200, priced.text


_CLIENT_FIELDS = (
    "salutation",
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "street",
    "city",
    "province",
    "postal_code",
    "language",
)


def _wait_for(check: Callable[[], bool], why: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, why
        time.sleep(0.2)  # polling the journal or the simulator


def test_a_machine_frozen_between_submitting_and_its_click_sells_once(
    tmp_path: Path, postgresql_url: str
) -> None:
    """The window a lease cannot close: machine A records ``submitting`` and freezes (SIGSTOP)
    before its click; its lease runs out, machine B takes the request over, finds no contract
    and walks it again, meeting a second draft of the trip; then A wakes and clicks. One
    contract: B may finalise only the opportunity A recorded, so it hands the request off, and
    A's late sale is recorded (or, when A's click timed out after the freeze, nothing is sold
    and the request stays handed off)."""
    rows = _sample_rows("LH10001", "LH10004", "LH10005")
    with Journal(postgresql_url):
        pass  # the schema, for the trigger
    with (
        _simulator_process(tmp_path, "--latency-ms", "50") as url,
        psycopg.connect(postgresql_url, autocommit=True) as listening,
    ):
        listening.execute(_NOTIFY_SUBMITTING)
        listening.execute("LISTEN submitting")
        before = len(_sold(url))
        frozen = _machine(tmp_path, "a", rows, url, postgresql_url, workers=1)
        machines = [frozen]
        try:
            key, row = _freeze_before_a_click(listening, frozen, rows, url, postgresql_url)
            with Journal(postgresql_url) as opened:
                recorded = opened.entry(key)
            assert recorded is not None and recorded.opportunity_name
            _second_draft(url, recorded.opportunity_name)
            machines.append(_machine(tmp_path, "b", rows, url, postgresql_url))

            def taken_over_and_settled() -> bool:
                with Journal(postgresql_url) as opened:
                    entry = opened.entry(key)
                return entry is not None and entry.state in (Outcome.HANDED_OFF, Outcome.ISSUED)

            _wait_for(taken_over_and_settled, "machine B never settled the frozen request")
            os.killpg(frozen.pid, signal.SIGCONT)  # A wakes up and clicks « Finaliser la vente »
            outputs = "\n".join(_finish(machine) for machine in machines)
        finally:
            for machine in machines:
                if machine.poll() is None:
                    os.killpg(machine.pid, signal.SIGCONT)
                    os.killpg(machine.pid, signal.SIGKILL)
        sold = _sold(url)[before:]
        frozen_sales = [
            c["number"]
            for c in httpx.get(f"{url}/__sim__/contracts").json()[before:]
            if (c["account_name"], c["trip_start"], c["trip_end"]) == _sale_of(row)
        ]
        with Journal(postgresql_url) as opened:
            story = f"{_story(opened)}\n{outputs}"
            entries = opened.entries(listed_only=True)
            events = opened.events(key)
    # Never two contracts, however late A clicked; one for each of the other requests.
    assert len(sold) == len(set(sold)) == len(rows) - 1 + len(frozen_sales), story
    assert len(frozen_sales) <= 1, story
    # B met the second draft and was refused: the fence, not luck, kept the sale single.
    assert any("another opportunity" in event.detail for event in events), story
    for entry in entries:
        if entry.key != key:
            assert entry.state is Outcome.ISSUED, story
        elif frozen_sales:  # A's click landed: its late sale is recorded
            assert entry.state is Outcome.ISSUED, story
            assert entry.new_contract_number == frozen_sales[0], story
        else:  # A's click timed out after its freeze: nothing sold, a person checks
            assert entry.state is Outcome.HANDED_OFF, story


def _quiet(url: str) -> None:
    """Until no request has reached the portal for half a second: a click the stopped machine
    sent before its stop has then been answered (the portal's latency is 50 ms)."""
    seen = -1
    while (now := httpx.get(f"{url}/__sim__/stats").json()["api_requests"]) != seen:
        seen = now
        time.sleep(0.5)  # polling the simulator's count of requests


def _freeze_before_a_click(
    listening: psycopg.Connection[tuple[object, ...]],
    machine: subprocess.Popen[str],
    rows: list[dict[str, str]],
    url: str,
    journal: str,
) -> tuple[str, dict[str, str]]:
    """Stop ``machine`` the moment one of its ``submitting`` commits: its request's key and row.

    The stop lands before the click's request reaches the portal nearly always (the click is
    a browser round trip away); when it came too late (the contract exists already) the
    machine goes on, and the next request is tried."""
    for notice in listening.notifies(timeout=600):
        os.killpg(machine.pid, signal.SIGSTOP)
        with Journal(journal) as opened:
            entry = opened.entry(notice.payload)
        assert entry is not None
        row = rows[entry.row - 2]
        _quiet(url)
        if _sale_of(row) not in _sold(url):
            return notice.payload, row
        os.killpg(machine.pid, signal.SIGCONT)
    pytest.fail(f"no request of machine A could be stopped before its click:\n{machine.pid}")


@pytest.mark.team
@pytest.mark.parametrize("again", range(3))
def test_two_machines_again_and_again(
    tmp_path: Path, rows: list[dict[str, str]], postgresql_url: str, again: int
) -> None:
    """The two-machine run three more times (``-m team``): an ending that depends on timing
    shows here first."""
    test_two_machines_work_one_file_together(tmp_path, rows, postgresql_url)
