"""The live display counts requests (no client data) and the --assist prompt's answers."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from rich.console import Console

from automation.runtime.settings import Locale
from flows.bulk.journal import Standing, State
from flows.bulk.progress import RunProgress, done_count, terminal_confirm
from flows.bulk.runner import Answer
from flows.language import choose
from flows.outcome import Outcome


def test_done_counts_every_request_no_longer_pending_or_in_flight() -> None:
    counts: Counter[Standing] = Counter(
        {
            State.PENDING: 3,
            State.IN_PROGRESS: 1,
            State.SUBMITTING: 1,
            Outcome.ISSUED: 2,
            Outcome.INVALID: 4,
            Outcome.FAILED: 1,
        }
    )
    assert done_count(counts) == 7


def test_the_display_shows_counts_only() -> None:
    output = io.StringIO()
    console = Console(file=output, width=200, force_terminal=False)
    with RunProgress(console) as display:
        display.update(Counter({State.PENDING: 2, Outcome.HANDED_OFF: 1}))
        display.update(Counter({State.PENDING: 1, Outcome.ISSUED: 1, Outcome.HANDED_OFF: 1}))
    text = output.getvalue()
    assert "2/3" in text and "émises 1" in text and "ailleurs 1" in text
    assert "issued" not in text  # one language


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("o", Answer.FINALISE),
        ("Oui", Answer.FINALISE),
        ("yes", Answer.FINALISE),
        ("", Answer.SKIP),
        ("n", Answer.SKIP),
        ("maybe", Answer.SKIP),
        ("a", Answer.STOP),
        ("stop", Answer.STOP),
    ],
)
def test_the_operator_finalises_only_by_saying_yes(
    monkeypatch: pytest.MonkeyPatch, typed: str, answer: Answer
) -> None:
    asked: list[str] = []

    def answer_with(prompt: str = "") -> str:
        asked.append(prompt)
        return typed

    monkeypatch.setattr("builtins.input", answer_with)
    console = Console(file=io.StringIO(), force_terminal=False)
    confirm = terminal_confirm(console, RunProgress(console))
    assert confirm(7, "LH12345", "52,50 $") is answer
    assert asked == [""]  # rich prints the question itself, then reads the line


def test_the_question_is_in_the_run_language_with_the_premium_as_people_read_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    output = io.StringIO()
    console = Console(file=output, force_terminal=False, width=200)
    choose(Locale.EN)
    assert terminal_confirm(console)(7, "LH12345", "1 607,20 $") is Answer.FINALISE
    question = output.getvalue()
    assert "Row 7 — LH12345" in question and "premium $1,607.20" in question
    assert "[y]es · [n]o = skip (default) · [s]top" in question
    assert "Ligne" not in question and "finaliser" not in question
