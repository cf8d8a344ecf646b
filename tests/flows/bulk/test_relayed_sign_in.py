"""Workers that start from another worker's sign-in (``flows.bulk.sign_in_relay``).

In Chromium against the simulator: a relayed session is checked at its first page load, and
one that expired there, or that the portal refuses, is dropped and the worker signs in itself,
once, without a failed try; the simulator's own record of sales shows each request sold once.
The relay's hand-over between threads is checked without a browser.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from automation.errors import PortalFault, SignInFailed
from automation.runtime.session import RelayedState
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from flows.bulk.journal import Journal, State
from flows.bulk.plan import make_plan
from flows.bulk.reader import read_requests
from flows.bulk.runner import BulkRunner, RunOptions
from flows.bulk.sign_in_relay import SignInRelay
from flows.bulk.target import extension_flow_factory
from flows.outcome import Outcome
from tests.flows.bulk.test_e2e_bulk import (
    _assert_one_contract_per_automatable_row,
    _sample_rows,
    _seeded,
    _settings,
    _write,
)


def _run(
    tmp_path: Path, name: str, numbers: tuple[str, ...], url: str, relay: SignInRelay, workers: int
) -> Journal:
    """Enter ``numbers`` of the sample with ``workers`` workers sharing ``relay``."""
    plan = make_plan(read_requests(_write(tmp_path / f"{name}.csv", _sample_rows(*numbers))))
    journal = Journal(tmp_path / f"{name}.sqlite")
    journal.load(plan)
    # A generous limit: a wait that times out on a busy machine would be a failed try too.
    settings = _settings(tmp_path).model_copy(update={"timeout_ms": 60_000})
    factory = extension_flow_factory(settings, url, relay=relay)
    report = BulkRunner(journal, plan.requests(), factory, RunOptions(workers=workers)).run()
    assert report.stopped is None
    return journal


def _each_entered_once_without_a_failed_try(journal: Journal) -> None:
    entries, events = journal.entries(), journal.events()
    retried = [e.detail for e in events if e.detail.startswith("retry after")]
    assert {e.state for e in entries} == {Outcome.ISSUED}, retried
    assert [e.attempts for e in entries] == [1] * len(entries), retried
    assert retried == []
    submitting = [e.key for e in events if e.to_state is State.SUBMITTING]
    assert sorted(submitting) == sorted(e.key for e in entries)


@pytest.mark.e2e
@pytest.mark.sales
def test_workers_started_from_a_session_that_expired_sign_in_again_and_finish(
    tmp_path: Path,
) -> None:
    relay = SignInRelay()
    with start_in_thread(SimOptions()) as simulator:
        seeded = _seeded(simulator.url)
        with _run(tmp_path, "first", ("LH10001",), simulator.url, relay, 1) as first:
            _each_entered_once_without_a_failed_try(first)
        assert relay.counts == {"published": 1}  # the first run's one sign-in
        httpx.post(f"{simulator.url}/__sim__/expire-sessions", timeout=30).raise_for_status()

        numbers = ("LH10003", "LH10004", "LH10008")
        with _run(tmp_path, "second", numbers, simulator.url, relay, 2) as second:
            _each_entered_once_without_a_failed_try(second)
        # The expired session was told at the first page load, not assumed and met mid-walk.
        assert relay.counts["stale"] >= 1
        assert relay.counts["published"] >= 2
        both = _sample_rows("LH10001", *numbers)
        plan = make_plan(read_requests(_write(tmp_path / "all.csv", both)))
        _assert_one_contract_per_automatable_row(simulator.url, plan, seeded)


@pytest.mark.e2e
@pytest.mark.sales
def test_a_refused_relayed_session_is_no_failed_try_and_the_worker_signs_in(
    tmp_path: Path,
) -> None:
    relay = SignInRelay()
    with start_in_thread(SimOptions()) as simulator:
        seeded = _seeded(simulator.url)
        # A session cookie the portal never gave (one bound to another machine, say).
        forged = {
            "name": "sid",
            "value": "not-a-session-of-this-portal",
            "domain": urlsplit(simulator.url).hostname,
            "path": "/",
            "httpOnly": True,
            "secure": False,
            "sameSite": "Lax",
            "expires": -1,
        }
        relay.publish(RelayedState({"cookies": [forged], "origins": []}))
        numbers = ("LH10001", "LH10003")
        with _run(tmp_path, "refused", numbers, simulator.url, relay, 2) as journal:
            _each_entered_once_without_a_failed_try(journal)
        assert relay.counts["stale"] >= 1
        plan = make_plan(read_requests(_write(tmp_path / "all.csv", _sample_rows(*numbers))))
        _assert_one_contract_per_automatable_row(simulator.url, plan, seeded)


# --- the hand-over between threads, no browser ----------------------------------------------


def _take_in_thread(relay: SignInRelay) -> tuple[threading.Thread, list[object]]:
    got: list[object] = []

    def take() -> None:
        try:
            got.append(relay.take())
        except SignInFailed as refused:
            got.append(refused)

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    return thread, got


def test_the_first_worker_signs_in_and_the_others_wait_for_its_session() -> None:
    relay = SignInRelay()
    assert relay.take() is None  # the first: it signs in
    thread, got = _take_in_thread(relay)
    thread.join(0.3)
    assert thread.is_alive() and got == []  # waits while the first signs in
    state = RelayedState({"cookies": [], "origins": []})
    relay.publish(state)
    thread.join(10)
    assert got == [state]


def test_a_sign_in_that_failed_lets_the_next_worker_try() -> None:
    relay = SignInRelay()
    assert relay.take() is None
    thread, got = _take_in_thread(relay)
    relay.failed(PortalFault("the portal did not answer", step="sign-in"))
    thread.join(10)
    assert got == [None]  # this one signs in now


def test_refused_credentials_are_not_typed_again_by_each_worker() -> None:
    relay = SignInRelay()
    assert relay.take() is None
    thread, got = _take_in_thread(relay)
    relay.failed(SignInFailed("the portal refused the user name or password", step="sign-in"))
    thread.join(10)
    assert len(got) == 1 and isinstance(got[0], SignInFailed)
    assert "refused the user name or password" in str(got[0])


def test_a_stale_session_is_not_handed_to_the_next_worker() -> None:
    relay = SignInRelay()
    state = RelayedState({"cookies": [], "origins": []})
    relay.publish(state)
    assert relay.take() is state
    relay.stale(state)
    assert relay.take() is None  # the next one signs in
    assert "cookies" not in repr(state)  # session cookies are never shown
