"""The desk's runs: the folder of each, its bulk run in a process of its own, what it stands at.

Each run has a folder ``<data>/runs/<id>/`` (owner-only) holding the uploaded file (``input/``),
and ``out/`` where ``prolong bulk run`` writes its journal and reports, the same files a
terminal run writes. « Start » starts ``python -m flows.cli.bulk run FILE --journal J --out O``
in a new session (it survives the desk: a desk started again finds it running, or starts it
again when it died, and the journal resumes it); « Stop » sends it SIGINT, as Ctrl-C does.
« Retry » on a failed row is the same command with ``--row N``: a new run on the same journal that
tries that row alone (a row whose sale may exist is looked up in the portal first, the journal's
``check_first``), the other rows left as they stand. The run's screenshots and traces go to
``artifacts/`` in its folder, owner-only like the rest. What the page shows is read from the
journal (``flows.bulk.journal``) and the reports (``flows.bulk.report``), never from the
process's output, which goes to ``out/run.log``.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from flows.bulk.journal import Journal, State, StepTime
from flows.bulk.plan import Plan, make_plan
from flows.bulk.reader import read_requests
from flows.bulk.report import REPORT_FILES, ResultLine, result_lines, workbook_path
from flows.desk.actions import record_in_journal
from flows.desk.store import DeskStore, RunRecord, now_iso, private_folder
from flows.outcome import Outcome

__all__ = ["DOWNLOADS", "RunFolder", "RunSupervisor", "Snapshot", "new_run_id"]

#: The files a signed-in user may download, by the name the page links to.
DOWNLOADS: Final = ("results.csv", "handoffs.html", "handoffs.csv", "summary.html", "workbook")

_ROOT: Final = Path(__file__).resolve().parents[2]


def new_run_id() -> str:
    """A run's id: random, URL-safe, and the only part of a run's path a request names."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class RunFolder:
    """Where one run's files are."""

    root: Path

    @property
    def input_dir(self) -> Path:
        """The uploaded file's folder."""
        return self.root / "input"

    @property
    def out(self) -> Path:
        """The run's journal and reports."""
        return self.root / "out"

    @property
    def questions(self) -> Path:
        """Where an assisted run asks before each sale (``flows.desk.assisted``)."""
        return self.root / "questions"

    @property
    def artifacts(self) -> Path:
        """The run's failure screenshots and traces (``PORTAL_ARTIFACTS_DIR`` of its process)."""
        return self.root / "artifacts"

    def screenshot(self, row: int) -> Path | None:
        """The screenshot of the row's failure, when the row failed and left one here."""
        found = snapshot(self)
        line = next((line for line in found.lines if line.row == row), None) if found else None
        if line is None or line.entry is None or line.status is not Outcome.FAILED:
            return None
        root = self.artifacts.resolve()
        for name in line.entry.artifacts:
            path = Path(name).resolve()
            # A path read from the journal, never from the request, and only inside this run.
            if path.name == "screenshot.png" and path.is_relative_to(root) and path.is_file():
                return path
        return None

    @property
    def journal(self) -> Path:
        """The run's journal."""
        return self.out / "journal.sqlite"

    def input_file(self) -> Path:
        """The uploaded file (the one file in ``input/``)."""
        return next(iter(sorted(self.input_dir.iterdir())))

    def plan(self) -> Plan:
        """The file's plan, as ``prolong bulk plan`` makes it."""
        return make_plan(read_requests(self.input_file()))

    def download(self, name: str) -> Path | None:
        """The file a download names (one of ``DOWNLOADS``), when it exists."""
        if name not in DOWNLOADS or not self.journal.exists():
            return None
        if name == "workbook":
            with Journal(self.journal) as journal:
                path = workbook_path(journal, self.out)
        else:
            assert name in REPORT_FILES, name
            path = self.out / name
        return path if path.is_file() else None


@dataclass(frozen=True)
class Snapshot:
    """What a run's journal holds now."""

    lines: tuple[ResultLine, ...]
    pending: int  # requests not ended yet (pending, in progress, submitting)
    in_flight: tuple[int, ...]  # rows being entered now
    stopped: str
    finalising: tuple[int, ...] = ()  # rows of ``in_flight`` whose sale is being finalised
    steps: tuple[StepTime, ...] = ()  # every step timed so far (per-step durations)

    @property
    def statuses(self) -> Counter[str]:
        """Result lines by status code."""
        return Counter(line.status.value for line in self.lines)

    @property
    def to_enter(self) -> int:
        """Rows the runner enters (not handed off, invalid, duplicate or conflicting)."""
        skip = {"handed_off", "invalid", "duplicate", "conflict"}
        return sum(1 for line in self.lines if line.status.value not in skip)

    @property
    def entered(self) -> int:
        """Rows of ``to_enter`` that are no longer waiting."""
        return self.to_enter - self.pending

    def signature(self) -> tuple[object, ...]:
        """Changes whenever something shown changes (the live page sends only then)."""
        return (
            tuple((line.row, line.status, line.message) for line in self.lines),
            self.in_flight,
            self.finalising,
            self.stopped,
        )


def snapshot(folder: RunFolder) -> Snapshot | None:
    """The journal's state, or None before the run has loaded its file into it."""
    if not folder.journal.exists():
        return None
    with Journal(folder.journal) as journal:
        if not journal.meta().get("loaded_at"):
            return None  # the journal holds the upload's action, no run yet
        lines = tuple(result_lines(journal))
        counts = journal.state_counts()
        entries = journal.entries(listed_only=True)
        in_flight = tuple(
            e.row for e in entries if e.state in (State.IN_PROGRESS, State.SUBMITTING)
        )
        finalising = tuple(e.row for e in entries if e.state is State.SUBMITTING)
        stopped = journal.meta().get("stopped", "")
        steps = tuple(journal.step_times())
    pending = sum(counts[state] for state in State)
    return Snapshot(lines, pending, in_flight, stopped, finalising, steps)


class RunSupervisor:
    """Starts, stops and watches the runs' processes (one thread waits on each child)."""

    def __init__(
        self,
        store: DeskStore,
        base_url: str | None,
        *,
        workers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self._store = store
        self._base_url = base_url
        self._workers = workers
        self._env = env or {}
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()

    def folder(self, run_id: str) -> RunFolder:
        """The folder of the run ``run_id`` (an id the store gave, never a path)."""
        return RunFolder(self._store.folder / "runs" / run_id)

    def create(self, file_name: str, data: bytes, by: str, lang: str, keys: list[str]) -> str:
        """Store an upload as a new planned run; its id."""
        run_id = new_run_id()
        folder = self.folder(run_id)
        private_folder(folder.root)
        private_folder(folder.input_dir)
        path = folder.input_dir / file_name
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        record = RunRecord(
            run_id, file_name, by, now_iso(), None, None, None, "planned", None, lang
        )
        self._store.add_run(record, keys)
        return run_id

    def record(self, run_id: str, user: str, words: str) -> None:
        """``user`` did ``words`` (``upload``, ``retry 9``…): among the run's journal events
        (``flows.desk.actions``) and in the desk's list the run page shows."""
        record_in_journal(self.folder(run_id).journal, user, words)
        self._store.record_action(run_id, user, words)

    def is_running(self, run: RunRecord) -> bool:
        """True while the run's process lives (started by this desk or by an earlier one)."""
        child = self._children.get(run.id)
        if child is not None:
            return child.poll() is None
        return run.status == "running" and run.pid is not None and _alive(run.pid)

    def start(
        self, run_id: str, by: str, *, rows: tuple[int, ...] = (), action: str = "start"
    ) -> bool:
        """Start (or resume) the run's bulk process, unless it is running; False when it was.

        ``rows``: only these rows are entered (``bulk run --row``); ``action`` is what the
        desk's actions list records (``start``, ``retry``, ``retry N``).
        """
        with self._lock:
            run = self._store.run(run_id)
            if run is None or self.is_running(run):
                return False
            folder = self.folder(run_id)
            private_folder(folder.out)
            entry = ["flows.desk.assisted"] if run.assist else ["flows.cli.bulk", "run"]
            command = [
                sys.executable,
                "-m",
                *entry,
                str(folder.input_file()),
                "--journal",
                str(folder.journal),
                "--out",
                str(folder.out),
                "--workers",
                str(self._workers),
            ]
            if self._base_url:
                command += ["--base-url", self._base_url]
            for row in rows:
                command += ["--row", str(row)]
            if run.assist:
                command += ["--questions", str(private_folder(folder.questions))]
            env = {
                **os.environ,
                **self._env,
                "PORTAL_LOCALE": run.lang,
                "COLUMNS": "120",
                "PORTAL_ARTIFACTS_DIR": str(private_folder(folder.artifacts)),
            }
            log = os.open(folder.out / "run.log", os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
            try:
                child = subprocess.Popen(
                    command,
                    cwd=_ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # the desk's Ctrl-C is not the run's
                )
            finally:
                os.close(log)
            self._children[run_id] = child
            self._store.started(run_id, by, child.pid)
            self.record(run_id, by, action)
        threading.Thread(target=self._wait, args=(run_id, child), daemon=True).start()
        return True

    def _wait(self, run_id: str, child: subprocess.Popen[bytes]) -> None:
        code = child.wait()
        self._store.ended(run_id, code)

    def stop(self, run_id: str, by: str) -> None:
        """Send the run SIGINT, as Ctrl-C: it finishes the step it is in and stops."""
        run = self._store.run(run_id)
        if run is None or not self.is_running(run) or run.pid is None:
            return
        self.record(run_id, by, "stop")
        os.kill(run.pid, signal.SIGINT)

    def resume_all(self) -> list[str]:
        """At the desk's start: runs whose process died while running, started again."""
        resumed = []
        for run in self._store.runs():
            if run.status == "running" and not self.is_running(run):
                # Nobody clicked: the desk resumed it, for the user who had started it.
                self.start(run.id, run.started_by or "desk", action="resume")
                resumed.append(run.id)
        return resumed

    def stop_all(self) -> None:
        """SIGINT to the children this desk started (used by tests and ``./run desk``'s end)."""
        for child in self._children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in self._children.values():
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()


def _alive(pid: int) -> bool:
    # A pid is reused after its process died: the desk's children run one of its two entries.
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return b"flows.cli.bulk" in command or b"flows.desk.assisted" in command
