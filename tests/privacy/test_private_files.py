"""Folders prolong creates are 0700 and files 0600 from their first byte, whatever the umask;
what prolong did not create keeps its mode; kept traces carry no credentials."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from automation.evidence.artifacts import (
    claim_file,
    private_dir,
    private_file,
    private_umask,
    redact_trace,
    run_dir,
    write_private,
)
from automation.evidence.privacy import SECRET_MASK
from tests.privacy.conftest import PASSWORD, find_in_files, mode, spellings


def test_every_missing_parent_is_created_owner_only(tmp_path: Path) -> None:
    private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3


@pytest.mark.parametrize("existing", [0o755, 0o1777, 0o750])
def test_an_existing_folder_keeps_its_mode_and_what_is_made_in_it_is_private(
    tmp_path: Path, existing: int
) -> None:
    folder = tmp_path / "out"  # a user's --out folder, /tmp, the working directory
    folder.mkdir()
    os.chmod(folder, existing)
    report = private_file(private_dir(folder) / "results.csv")
    run = run_dir(folder, "failure")
    assert mode(folder) == existing
    assert (mode(report), mode(run)) == (0o600, 0o700)


def test_a_private_file_leaves_an_existing_parent_alone(tmp_path: Path) -> None:
    project = tmp_path / "project"  # PORTAL_STORAGE_STATE=state.json: the working directory
    project.mkdir()
    os.chmod(project, 0o755)
    state = private_file(project / "state.json")
    assert mode(project) == 0o755 and mode(state) == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    journal = tmp_path / "some.csv"  # say, given as --journal by mistake: not prolong's file
    journal.write_text("row,contract_number\n")
    os.chmod(journal, 0o644)
    assert mode(private_file(journal)) == 0o644
    assert journal.read_text() == "row,contract_number\n"


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o002])
def test_modes_are_given_at_creation_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        private_dir(tmp_path / "a" / "b")
        run_dir(tmp_path / "art", "failure")
        private_file(tmp_path / "c" / "state.json")
        write_private(tmp_path / "d" / "results.csv", "row\n")
    finally:
        os.umask(previous)
    made = sorted(tmp_path.rglob("*"))
    assert len(made) == 8  # a, a/b, art, its run, c, state.json, d, results.csv
    assert [f"{p}: {oct(mode(p))}" for p in made if mode(p) & 0o077] == []


def test_the_private_umask_holds_inside_the_block_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        with private_umask():
            (tmp_path / "inside.txt").write_text("x")
            (tmp_path / "inside").mkdir()
        (tmp_path / "after.txt").write_text("x")
    finally:
        os.umask(previous)
    assert (mode(tmp_path / "inside.txt"), mode(tmp_path / "inside")) == (0o600, 0o700)
    assert mode(tmp_path / "after.txt") == 0o644


def test_a_whole_write_replaces_the_file_with_a_new_private_one(tmp_path: Path) -> None:
    report = tmp_path / "summary.html"
    report.write_text("old")
    os.chmod(report, 0o644)  # an old report: replaced, not changed in place
    write_private(report, "new")
    assert report.read_text() == "new" and mode(report) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["summary.html"]


def test_a_file_the_driver_wrote_is_claimed_private(tmp_path: Path) -> None:
    folder = run_dir(tmp_path, "failure")
    shot = folder / "screenshot.png"
    shot.write_bytes(b"png")  # as another process would: its mode follows its umask
    os.chmod(shot, 0o644)
    assert mode(claim_file(shot)) == 0o600


def test_a_link_is_never_claimed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's")
    os.chmod(elsewhere, 0o644)
    (tmp_path / "trace.zip").symlink_to(elsewhere)
    with pytest.raises(OSError):
        claim_file(tmp_path / "trace.zip")
    assert mode(elsewhere) == 0o644


def test_a_private_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's")
    (tmp_path / "state.json").symlink_to(elsewhere)
    with pytest.raises(OSError):
        private_file(tmp_path / "state.json")


def test_run_folders_are_owner_only_down_from_the_root(tmp_path: Path) -> None:
    folder = run_dir(tmp_path / "artifacts", "failure")
    assert mode(tmp_path / "artifacts") == mode(folder) == 0o700


# --- traces ----------------------------------------------------------------------------------

_SID = "s3ss10n-c00k1e-value-0123456789"
_JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256))


def _fake_trace(path: Path) -> Path:
    """A zip shaped like a Playwright trace, with credentials where Playwright puts them."""
    network = {
        "type": "resource-snapshot",
        "snapshot": {
            "request": {
                "url": "https://portal/s/",
                "cookies": [{"name": "sid", "value": _SID}],
                "headers": [
                    {"name": "Cookie", "value": f"sid={_SID}"},
                    {"name": "Accept", "value": "text/html"},
                ],
            },
            "response": {
                "headers": [{"name": "Set-Cookie", "value": f"sid={_SID}; HttpOnly"}],
                "cookies": [{"name": "sid", "value": _SID}],
            },
        },
    }
    action = {
        "type": "before",
        "method": "addCookies",
        "params": {"cookies": [{"name": "sid", "value": _SID, "domain": "portal"}]},
    }
    body = json.dumps({"username": "agent", "password": PASSWORD})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("trace.network", json.dumps(network) + "\n")
        archive.writestr("trace.trace", json.dumps(action) + "\n" + "not json " + PASSWORD)
        archive.writestr("resources/abc.json", body)
        archive.writestr("resources/page.html", f"<input value='{PASSWORD}'>")
        archive.writestr("resources/abc.dat", f"?p={PASSWORD}")
        archive.writestr("screencast/page-1.jpeg", _JPEG)
    return path


def test_a_redacted_trace_keeps_no_cookie_header_or_password(tmp_path: Path) -> None:
    trace = redact_trace(_fake_trace(tmp_path / "trace.zip"), [PASSWORD, _SID])
    assert find_in_files([*spellings(PASSWORD), _SID.encode()], tmp_path) == []
    with zipfile.ZipFile(trace) as archive:
        network = json.loads(archive.read("trace.network"))
        headers = {h["name"]: h["value"] for h in network["snapshot"]["request"]["headers"]}
        assert headers == {"Cookie": SECRET_MASK, "Accept": "text/html"}
        assert archive.read("screencast/page-1.jpeg") == _JPEG
    assert mode(trace) == 0o600


def test_cookies_are_redacted_even_when_their_values_are_not_given(tmp_path: Path) -> None:
    trace = redact_trace(_fake_trace(tmp_path / "trace.zip"))  # structure alone
    with zipfile.ZipFile(trace) as archive:
        events = archive.read("trace.network") + archive.read("trace.trace").split(b"\n")[0]
    assert _SID.encode() not in events
