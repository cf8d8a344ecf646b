"""An assisted run started from the desk: ``bulk run`` whose question before each sale is asked
in the desk's page instead of the terminal.

``python -m flows.desk.assisted FILE --journal J --out O --questions DIR [--base-url URL]
[--workers N]`` is ``prolong bulk run`` whose question before each sale (``desk_asking``)
pictures the page (``DIR/<row>.png``: the Voyage step filled in, with the premium), then writes
``DIR/<row>.ask.json`` (request key, row, contract, premium) and waits for the desk to write
``DIR/<row>.answer.json`` (``finalise`` or ``skip``, who, when). Every worker's question waits
on its own: several sales wait side by side. The files are owner-only; the JSON holds no
client data (the page shows the row's values from the uploaded file), the picture does: it is
served only to signed-in users and removed once the question is answered. Ctrl-C (the desk's
« Stop ») ends a wait at once: the request goes back to pending, neither sold nor skipped.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from pathlib import Path
from typing import Final

import typer

from automation.evidence.artifacts import private_umask
from flows.bulk.runner import Answer, Asking, Question
from flows.cli.bulk import cli_settings, run_command

__all__ = [
    "ANSWER",
    "ASK",
    "SCREENSHOT",
    "answer",
    "desk_asking",
    "main",
    "screenshot",
    "waiting",
    "waiting_about",
]

_log = logging.getLogger(__name__)

ASK: Final = ".ask.json"
ANSWER: Final = ".answer.json"
SCREENSHOT: Final = ".png"
#: How often the run looks for the desk's answer (the run is another process), between waits
#: on the run's stop event: a stop ends the wait at once.
POLL_S: Final = 0.3


def _write(path: Path, document: dict[str, object]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump(document, stream)
    os.replace(temporary, path)  # the reader sees the whole file or none


def desk_asking(questions: Path) -> Asking:
    """An ``Asking`` that asks through files in ``questions``, every worker's question at once."""
    questions.mkdir(parents=True, exist_ok=True)

    def ask(question: Question) -> Answer:
        row = question.row
        asked, reply = questions / f"{row}{ASK}", questions / f"{row}{ANSWER}"
        picture = questions / f"{row}{SCREENSHOT}"
        reply.unlink(missing_ok=True)
        try:
            # Before the question: the page shows the question with its picture.
            try:
                pictured = question.screenshot(picture)
            except Exception as error:  # the question matters more than its picture
                # The error's type only: a Playwright message may quote the page.
                _log.warning("row %d: no screenshot of the sale (%s)", row, type(error).__name__)
                pictured = False
            _write(
                asked,
                {
                    "key": question.key,
                    "row": row,
                    "contract_number": question.contract_number,
                    "premium": question.premium,
                    "screenshot": pictured,
                },
            )
            # The answer comes from the desk's web server, another process, as a file: looking
            # for it between waits on the stop event is the one wait both sides share without
            # a socket between them.
            while not reply.exists():
                if question.stop.wait(POLL_S) and not reply.exists():
                    return Answer.UNANSWERED
            given = json.loads(reply.read_text(encoding="utf-8"))
        finally:
            asked.unlink(missing_ok=True)
            picture.unlink(missing_ok=True)
            reply.unlink(missing_ok=True)
        return Answer.FINALISE if given.get("answer") == Answer.FINALISE.value else Answer.SKIP

    return Asking(ask, concurrent=True)


def waiting(questions: Path) -> list[dict[str, object]]:
    """The sales waiting for an answer, by row."""
    if not questions.is_dir():
        return []
    found = []
    for path in sorted(questions.glob(f"*{ASK}")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # answered meanwhile
    return sorted(found, key=lambda ask: int(str(ask["row"])))


def waiting_about(questions: Path, row: int) -> dict[str, object] | None:
    """The question waiting about ``row``, or None."""
    try:
        found: dict[str, object] = json.loads(
            (questions / f"{row}{ASK}").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None  # none, or answered meanwhile
    return found


def screenshot(questions: Path, row: int) -> Path | None:
    """The picture of the sale waiting about ``row``, while its question waits."""
    picture = questions / f"{row}{SCREENSHOT}"
    if not (questions / f"{row}{ASK}").exists() or not picture.is_file():
        return None
    return picture


def answer(questions: Path, row: int, given: Answer, by: str, at: str) -> bool:
    """Answer the question about ``row``; False when no such question waits."""
    if not (questions / f"{row}{ASK}").exists():
        return False
    _write(questions / f"{row}{ANSWER}", {"answer": given.value, "by": by, "at": at})
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the file with the desk's questions; ``bulk run``'s exit code."""
    parser = argparse.ArgumentParser(prog="python -m flows.desk.assisted")
    parser.add_argument("file", type=Path)
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--base-url")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--row", type=int, action="append")  # « Retry » on one row
    args = parser.parse_args(argv)
    try:
        return run_command(
            args.file,
            workers=args.workers,
            journal=args.journal,
            out=args.out,
            base_url=args.base_url,
            assist=False,
            limit=None,
            max_attempts=3,
            breaker=5,
            settings=cli_settings(),
            confirm=desk_asking(args.questions),
            rows=args.row,
        )
    except typer.Exit as refused:  # a usage error, already printed
        return int(refused.exit_code)


if __name__ == "__main__":
    with private_umask():
        raise SystemExit(main())
