"""Fixtures that fix the run's language for a module of tests, as ``--lang`` does for a run.

A module whose assertions quote English lines uses ``english``; one quoting French, ``french``;
both go back to ``PORTAL_LOCALE`` at the end of the module, so no module leaks its language
into the next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.language import Locale, choose

__all__ = ["english", "french"]


@pytest.fixture(scope="module")
def english() -> Iterator[None]:
    """The run's language is English for the tests of a module."""
    choose(Locale.EN)
    yield
    choose(None)


@pytest.fixture(scope="module")
def french() -> Iterator[None]:
    """The run's language is French for the tests of a module."""
    choose(Locale.FR)
    yield
    choose(None)
