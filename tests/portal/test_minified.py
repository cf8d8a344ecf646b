"""The minified UI build: served only when asked for, the readable one by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.portal.options import OptionsError, SimOptions
from tests.portal.test_api_shell import client


@pytest.fixture
def builds(tmp_path: Path) -> Path:
    """A fake UI build with both outputs of each shadow mode, told apart by their text."""
    for folder in ("synthetic", "native", "min/synthetic", "min/native"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "app.js").write_text(f"// {folder}\n")
    return tmp_path


@pytest.mark.parametrize(
    ("options", "served"),
    [
        ({}, "// synthetic\n"),
        ({"minified": True}, "// min/synthetic\n"),
        ({"minified": True, "shadow": "native"}, "// min/native\n"),
        ({"minified": False, "shadow": "native"}, "// native\n"),
    ],
)
def test_the_build_served_is_the_one_asked_for(
    builds: Path, options: dict[str, object], served: str
) -> None:
    answer = client(builds, **options).get("/assets/app.js")
    assert answer.status_code == 200
    assert answer.text == served


def test_a_missing_minified_build_says_which_file(tmp_path: Path) -> None:
    (tmp_path / "synthetic").mkdir()
    (tmp_path / "synthetic" / "app.js").write_text("// synthetic\n")
    page = client(tmp_path, minified=True).get("/s/login")
    assert page.status_code == 503
    assert "ui/dist/min/synthetic/app.js" in page.text


@pytest.mark.parametrize(
    ("raw", "minified"), [("1", True), ("yes", True), ("0", False), ("false", False)]
)
def test_sim_minified_from_the_environment(raw: str, minified: bool) -> None:
    assert SimOptions.from_env({"SIM_MINIFIED": raw}).minified is minified


def test_a_bad_sim_minified_names_the_variable_and_what_is_accepted() -> None:
    with pytest.raises(OptionsError, match=r"SIM_MINIFIED='maybe'.*expected 1 or 0"):
        SimOptions.from_env({"SIM_MINIFIED": "maybe"})
