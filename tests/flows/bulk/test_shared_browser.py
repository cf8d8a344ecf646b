"""The bulk workers' one browser (``flows.bulk.browsers``): real Chromium, real processes.

Each worker's connection sees its own contexts only (over Chromium's DevTools endpoint every
connection adopted the other workers' pages, so each page was instrumented once per worker),
and the browser server ends with the process that started it, even a killed one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from automation.runtime.browser import open_browser
from automation.runtime.settings import Settings
from flows.bulk.browsers import SharedChromium

ROOT = Path(__file__).parents[3]


def test_each_worker_sees_only_the_pages_of_its_own_contexts() -> None:
    shared = SharedChromium(Settings(_env_file=None))
    opened, looked = threading.Event(), threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with shared.lease() as settings, sync_playwright() as playwright:
                browser = open_browser(playwright, settings)
                context = browser.new_context()
                context.new_page().set_content("<p>worker one</p>")
                opened.set()
                looked.wait(60)
        except BaseException as error:  # shown by the main thread
            errors.append(error)
            opened.set()

    def second() -> None:
        try:
            opened.wait(60)
            with shared.lease() as settings, sync_playwright() as playwright:
                browser = open_browser(playwright, settings)
                seen.append(sum(len(context.pages) for context in browser.contexts))
        except BaseException as error:
            errors.append(error)
        finally:
            looked.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert seen == [0]
    assert shared.starts == 1  # one server for both


_HOLD = """
import sys, time
from automation.runtime.settings import Settings
from flows.bulk.browsers import SharedChromium
shared = SharedChromium(Settings(_env_file=None))
with shared.lease():
    print(shared._server.pid, flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that ended but was not reaped yet (its parent was killed) is gone too.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[-1].startswith("Z"))


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def test_the_browser_server_ends_with_a_killed_run() -> None:
    run = subprocess.Popen(
        [sys.executable, "-c", _HOLD],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout is not None
        server = int(run.stdout.readline())
        browsers = _children(server)
        assert browsers, "the server started no Chromium"
        run.send_signal(signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 60
        while any(_alive(pid) for pid in (server, *browsers)) and time.monotonic() < deadline:
            time.sleep(0.2)  # polling processes that are ending
        assert not any(_alive(pid) for pid in (server, *browsers))
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
