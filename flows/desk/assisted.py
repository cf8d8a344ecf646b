"""An assisted run started from the desk: ``bulk run`` whose question before each sale is asked
in the desk's page instead of the terminal.

``python -m flows.desk.assisted FILE --journal J --out O --questions DIR [--base-url URL]
[--workers N]`` is ``prolong bulk run`` with a ``confirm`` that writes ``DIR/<row>.ask.json``
(row, contract, premium) and waits for the desk to write ``DIR/<row>.answer.json``
(``finalise`` or ``skip``, who, when). The files are owner-only and hold no client data: the
page shows the row's values from the uploaded file. Ctrl-C (the desk's « Stop ») ends the wait
as it ends any step.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Final

import typer

from automation.evidence.artifacts import private_umask
from flows.bulk.runner import Answer, Confirm
from flows.cli.bulk import cli_settings, run_command

__all__ = ["ANSWER", "ASK", "answer", "desk_confirm", "main", "waiting"]

ASK: Final = ".ask.json"
ANSWER: Final = ".answer.json"
#: How often the run looks for the desk's answer (the run is another process).
POLL_S: Final = 0.3


def _write(path: Path, document: dict[str, object]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump(document, stream)
    os.replace(temporary, path)  # the reader sees the whole file or none


def desk_confirm(questions: Path) -> Confirm:
    """A ``Confirm`` that asks through files in ``questions`` and waits for the answer."""
    questions.mkdir(parents=True, exist_ok=True)

    def confirm(row: int, contract_number: str, premium: str) -> Answer:
        ask, reply = questions / f"{row}{ASK}", questions / f"{row}{ANSWER}"
        reply.unlink(missing_ok=True)
        _write(ask, {"row": row, "contract_number": contract_number, "premium": premium})
        try:
            # The answer comes from the desk's web server, another process, as a file: polling
            # it is the one wait both sides share without a socket between them.
            while not reply.exists():
                time.sleep(POLL_S)
            given = json.loads(reply.read_text(encoding="utf-8"))
        finally:
            ask.unlink(missing_ok=True)
        return Answer.FINALISE if given.get("answer") == Answer.FINALISE.value else Answer.SKIP

    return confirm


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
            confirm=desk_confirm(args.questions),
            rows=args.row,
        )
    except typer.Exit as refused:  # a usage error, already printed
        return int(refused.exit_code)


if __name__ == "__main__":
    with private_umask():
        raise SystemExit(main())
