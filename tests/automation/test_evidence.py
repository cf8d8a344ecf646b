"""What a failed request keeps, per ``PORTAL_TRACE``: the trace records what the mode says
(``retries``, the default: only what a request does once a step is tried again).

A trace is a zip whose ``trace.trace`` holds one JSON event per line: ``before``/``after`` for
each action, ``frame-snapshot`` for each DOM snapshot and ``screencast-frame`` for each screenshot.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from automation.evidence.recorder import EvidenceRecorder
from automation.pages import HomePage
from automation.runtime.session import PortalSession
from automation.runtime.settings import Locale, Settings, TraceMode
from fixtures.portal.run import RunningSimulator

pytestmark = pytest.mark.e2e


@pytest.fixture
def session(
    browser: Browser,
    simulator: RunningSimulator,
    portal_variant: Any,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PortalSession]:
    """A signed-in session in the variant's locale whose artifacts go to this test's folder."""
    state = tmp_path_factory.getbasetemp() / "auth" / f"evidence-{portal_variant}.json"
    settings = Settings(
        _env_file=None,
        locale=Locale(portal_variant.locale),
        storage_state=state,
        artifacts_dir=tmp_path,
    )
    signed_in = PortalSession(browser, settings, simulator.url)
    signed_in.start()
    yield signed_in
    signed_in.close()


def _fail_a_request(
    session: PortalSession, mode: TraceMode, *, retried: bool = False
) -> dict[str, Path]:
    """Trace a search in ``mode`` (after a retry begins when ``retried``), then keep the
    evidence as a failed request would."""
    session.settings.trace = mode
    evidence = EvidenceRecorder(session, session.settings.artifacts_dir)
    evidence.start()
    if retried:
        evidence.retrying()
    HomePage(session.page, session.labels).search("Bonjour")
    return {path.name: path for path in evidence.keep("search")}


def _events(trace: Path) -> Counter[str]:
    with zipfile.ZipFile(trace) as archive:
        lines = archive.read("trace.trace").decode().splitlines()
    return Counter(json.loads(line)["type"] for line in lines if line.strip())


def test_actions_mode_keeps_the_actions_without_dom_snapshots(session: PortalSession) -> None:
    kept = _fail_a_request(session, TraceMode.ACTIONS)
    assert set(kept) == {"screenshot.png", "trace.zip"}
    events = _events(kept["trace.zip"])
    assert events["before"] >= 3  # the search's fill, press and checks
    assert events["frame-snapshot"] == 0 and events["screencast-frame"] == 0


def test_full_mode_also_keeps_dom_snapshots_and_screenshots(session: PortalSession) -> None:
    kept = _fail_a_request(session, TraceMode.FULL)
    events = _events(kept["trace.zip"])
    assert events["before"] >= 3
    assert events["frame-snapshot"] > 0 and events["screencast-frame"] > 0


def test_off_mode_keeps_the_screenshot_only(session: PortalSession) -> None:
    kept = _fail_a_request(session, TraceMode.OFF)
    assert set(kept) == {"screenshot.png"}


def test_retries_mode_traces_nothing_until_a_step_is_tried_again(session: PortalSession) -> None:
    # The default: a request that fails at its first try keeps its screenshot only...
    assert Settings(_env_file=None).trace is TraceMode.RETRIES
    assert set(_fail_a_request(session, TraceMode.RETRIES)) == {"screenshot.png"}


def test_retries_mode_keeps_the_actions_of_the_tries_again(session: PortalSession) -> None:
    # ...and one that failed and tried again keeps the trace of what it did from the retry.
    kept = _fail_a_request(session, TraceMode.RETRIES, retried=True)
    assert set(kept) == {"screenshot.png", "trace.zip"}
    events = _events(kept["trace.zip"])
    assert events["before"] >= 3
    assert events["frame-snapshot"] == 0 and events["screencast-frame"] == 0


def test_a_retry_in_actions_mode_does_not_restart_the_trace(session: PortalSession) -> None:
    # Traced from the start: the retry keeps the one trace going (a second start would fail).
    kept = _fail_a_request(session, TraceMode.ACTIONS, retried=True)
    assert set(kept) == {"screenshot.png", "trace.zip"}
