"""Folders prolong creates are 0700, files 0600; kept traces carry no credentials."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from automation.artifacts import private_dir, private_file, redact_trace, run_dir
from automation.privacy import SECRET_MASK
from tests.privacy.conftest import PASSWORD, find_in_files, mode, spellings


def test_every_missing_parent_is_created_owner_only(tmp_path: Path) -> None:
    private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3


def test_an_existing_folder_of_ours_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "artifacts"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    private_dir(folder)
    assert mode(folder) == 0o700


def test_a_shared_sticky_folder_like_tmp_is_left_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    report = private_file(private_dir(shared) / "results.csv")
    assert mode(shared) == 0o1777 and mode(report) == 0o600


def test_a_private_file_leaves_an_existing_parent_alone(tmp_path: Path) -> None:
    project = tmp_path / "project"  # PORTAL_STORAGE_STATE=state.json: the working directory
    project.mkdir()
    os.chmod(project, 0o755)
    state = private_file(project / "state.json")
    assert mode(project) == 0o755 and mode(state) == 0o600


def test_an_existing_readable_file_is_made_owner_only(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    journal.write_text("")
    os.chmod(journal, 0o644)
    assert mode(private_file(journal)) == 0o600


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
    network = {"type": "resource-snapshot", "snapshot": {"request": {
        "url": "https://portal/s/", "cookies": [{"name": "sid", "value": _SID}],
        "headers": [{"name": "Cookie", "value": f"sid={_SID}"},
                    {"name": "Accept", "value": "text/html"}]},
        "response": {"headers": [{"name": "Set-Cookie", "value": f"sid={_SID}; HttpOnly"}],
                     "cookies": [{"name": "sid", "value": _SID}]}}}
    action = {"type": "before", "method": "addCookies",
              "params": {"cookies": [{"name": "sid", "value": _SID, "domain": "portal"}]}}
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
