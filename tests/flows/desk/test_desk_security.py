"""The desk's security, over HTTP against the real server: sessions, CSRF, roles, bounds."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from typer.testing import CliRunner

from flows.cli.app import app as prolong_app
from flows.cli.desk import is_loopback, listening_notes
from flows.desk.auth import MAX_FAILURES
from flows.desk.store import DeskStore
from tests.flows.bulk.conftest import SAMPLE
from tests.flows.desk.conftest import LIMITS, OPERATOR, VIEWER, RunningDesk, sign_in


def _upload(client: httpx.Client, csrf: str, name: str, data: bytes) -> httpx.Response:
    return client.post("/upload", data={"csrf": csrf}, files={"file": (name, data)})


@pytest.fixture(scope="module")
def operator(desk: RunningDesk) -> Iterator[tuple[httpx.Client, str]]:
    """One operator's session for the module's tests that only need one (an Argon2 check per
    sign-in is the slow part of these tests): the client and its CSRF token."""
    with desk.client() as client:
        yield client, sign_in(client, *OPERATOR)


@pytest.fixture(scope="module")
def planned(operator: tuple[httpx.Client, str]) -> str:
    """A run of the sample file, uploaded and not started: its id."""
    client, csrf = operator
    answer = _upload(client, csrf, "sample.csv", SAMPLE.read_bytes())
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).split("/runs/")[1].split("?")[0]


def test_every_page_and_download_without_a_session_goes_to_sign_in(
    desk: RunningDesk, planned: str
) -> None:
    run = planned
    with desk.client() as anonymous:
        for path in (
            "/",
            f"/runs/{run}",
            f"/runs/{run}/events",
            f"/runs/{run}/rows/9/screenshot",
            *(f"/runs/{run}/files/{name}" for name in ("workbook", "results.csv", "handoffs.csv")),
        ):
            answer = anonymous.get(path)
            assert (answer.status_code, answer.headers.get("location")) == (303, "/signin"), path
        for path in (
            "/upload",
            f"/runs/{run}/start",
            f"/runs/{run}/stop",
            f"/runs/{run}/retry",
            "/lang",
        ):
            answer = anonymous.post(path, data={"csrf": "x"})
            assert (answer.status_code, answer.headers.get("location")) == (303, "/signin"), path


def test_a_state_changing_request_without_its_csrf_token_is_refused(
    desk: RunningDesk, operator: tuple[httpx.Client, str], planned: str
) -> None:
    run = planned
    client, csrf = operator
    # The shared session: a refusal changes nothing, so it stays usable for the others.
    for path in (
        f"/runs/{run}/start",
        f"/runs/{run}/stop",
        f"/runs/{run}/retry",
        "/lang",
        "/signout",
    ):
        assert client.post(path).status_code == 403, path
        assert client.post(path, data={"csrf": csrf[:-2] + "xx"}).status_code == 403, path
    assert _upload(client, "", "sample.csv", SAMPLE.read_bytes()).status_code == 403
    assert DeskStore(desk.data).run(run).status == "planned"  # type: ignore[union-attr]
    with desk.client() as stranger:  # the sign-in form too: its token is its cookie's
        stranger.get("/signin")
        refused = stranger.post("/signin", data={"name": OPERATOR[0], "password": OPERATOR[1]})
        assert refused.status_code == 403


def test_a_viewers_posts_are_refused(desk: RunningDesk, planned: str) -> None:
    run = planned
    with desk.client() as viewer:
        csrf = sign_in(viewer, *VIEWER)
        assert viewer.get(f"/runs/{run}").status_code == 200  # a viewer looks
        for path in (
            f"/runs/{run}/start",
            f"/runs/{run}/stop",
            f"/runs/{run}/retry",
            f"/runs/{run}/handoffs/4",
        ):
            answer = viewer.post(path, data={"csrf": csrf, "row": "9"})
            assert answer.status_code == 403, path
            assert "Operators only" in answer.text
        assert _upload(viewer, csrf, "sample.csv", SAMPLE.read_bytes()).status_code == 403
        assert DeskStore(desk.data).run(run).status == "planned"  # type: ignore[union-attr]
        assert DeskStore(desk.data).handoffs_done(run) == {}
        # What is the viewer's own: the language, signing out.
        assert viewer.post("/lang", data={"csrf": csrf, "lang": "fr"}).status_code == 303


def test_the_session_cookie_is_http_only_strict_and_expires(desk: RunningDesk) -> None:
    with desk.client() as client:
        token = client.get("/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', token.text)
        assert csrf
        answer = client.post(
            "/signin", data={"csrf": csrf[1], "name": OPERATOR[0], "password": OPERATOR[1]}
        )
        cookie = next(
            v for k, v in answer.headers.multi_items() if k == "set-cookie" and "desk_session" in v
        )
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
        assert "Secure" not in cookie  # plain http on loopback; over https it is
    with desk.client() as client:
        again = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
        assert again
        secure = client.post(
            "/signin",
            data={"csrf": again[1], "name": OPERATOR[0], "password": OPERATOR[1]},
            headers={"x-forwarded-proto": "https"},
        )
        assert "Secure" in secure.headers["set-cookie"]


def test_sign_in_is_throttled_after_repeated_failures(desk: RunningDesk) -> None:
    with desk.client() as client:
        page = client.get("/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        wrong = {"csrf": csrf[1], "name": "throttled-user", "password": "not-the-password"}
        for _ in range(MAX_FAILURES):
            assert client.post("/signin", data=wrong).status_code == 401
        assert client.post("/signin", data=wrong).status_code == 429


def test_a_password_is_never_stored_or_logged_in_clear(
    desk: RunningDesk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with desk.client() as client:
        sign_in(client, *OPERATOR)
        page = client.get("/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        client.post(
            "/signin", data={"csrf": csrf[1], "name": OPERATOR[0], "password": "wrong-guess-77"}
        )
    stored = b"".join(path.read_bytes() for path in desk.data.glob("desk.sqlite*"))
    for secret in (OPERATOR[1], VIEWER[1], "wrong-guess-77"):
        assert secret.encode() not in stored
        assert secret not in caplog.text
    assert b"$argon2id$" in stored
    assert oct(desk.data.stat().st_mode & 0o777) == "0o700"
    assert oct((desk.data / "desk.sqlite").stat().st_mode & 0o777) == "0o600"


def test_an_upload_leaves_no_personal_data_in_the_servers_log(
    operator: tuple[httpx.Client, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, csrf = operator
    assert _upload(client, csrf, "sample.csv", SAMPLE.read_bytes()).status_code == 303
    assert caplog.text  # the server logged the requests
    for personal in ("Bonjour", "1950-01-01", "jeanbonjour", "sample.csv"):
        assert personal not in caplog.text


def test_an_oversized_upload_is_refused_with_a_message(
    desk: RunningDesk, operator: tuple[httpx.Client, str]
) -> None:
    big = SAMPLE.read_bytes() + b"x" * (LIMITS.max_bytes + 1)
    client, csrf = operator
    before = len(DeskStore(desk.data).runs())
    answer = _upload(client, csrf, "big.csv", big)
    assert answer.status_code == 413
    assert "Fichier trop gros" in answer.text
    assert len(DeskStore(desk.data).runs()) == before


def zip_bomb() -> bytes:
    """A workbook whose sheet unzips to far more than the desk accepts (tens of kB zipped)."""
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["contract_number"])
    workbook.save(buffer)
    real = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in real.infolist():
            data = real.read(member)
            if member.filename.endswith("sheet1.xml"):
                data = data.replace(b"</sheetData>", b" " * (20 * 1024 * 1024) + b"</sheetData>")
            bomb.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_with_a_message(
    desk: RunningDesk, operator: tuple[httpx.Client, str]
) -> None:
    bomb = zip_bomb()
    assert len(bomb) < LIMITS.max_bytes  # small enough to pass the size bound
    client, csrf = operator
    answer = _upload(client, csrf, "bomb.xlsx", bomb)
    assert answer.status_code == 413
    assert "Classeur refusé" in answer.text


def test_too_many_rows_are_refused_with_a_message(
    desk: RunningDesk, operator: tuple[httpx.Client, str]
) -> None:
    header, row = SAMPLE.read_text(encoding="utf-8").splitlines()[:2]
    rows = [row.replace("LH10001", f"LH{20000 + n}") for n in range(LIMITS.max_rows + 1)]
    client, csrf = operator
    answer = _upload(client, csrf, "many.csv", "\n".join([header, *rows]).encode())
    assert answer.status_code == 413
    assert "Trop de lignes" in answer.text


def test_no_file_path_is_taken_from_the_request(
    desk: RunningDesk, operator: tuple[httpx.Client, str], planned: str
) -> None:
    client, csrf = operator
    for name in ("..%2F..%2Fdesk.sqlite", "../input", "journal.sqlite", "run.log"):
        assert client.get(f"/runs/{planned}/files/{name}").status_code == 404, name
    answer = _upload(client, csrf, "../../evil name.csv", SAMPLE.read_bytes())
    assert answer.status_code == 303
    stored = [path.name for path in desk.data.glob("runs/*/input/*")]
    assert "evil-name.csv" in stored or any(name == "sample.csv" for name in stored)
    assert not (desk.data.parent / "evil name.csv").exists()


def test_user_commands_read_the_password_from_standard_input(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(tmp_path / "desk")
    added = runner.invoke(
        prolong_app,
        ["desk", "user", "add", "ines", "--role", "viewer", "--data", data],
        input="a-long-password\n",
    )
    assert added.exit_code == 0, added.output
    assert "a-long-password" not in added.output
    listed = runner.invoke(prolong_app, ["desk", "user", "list", "--data", data])
    assert listed.stdout.split() == ["ines", "viewer", "fr"]
    short = runner.invoke(
        prolong_app, ["desk", "user", "add", "x", "--data", data], input="short\n"
    )
    assert short.exit_code == 2
    removed = runner.invoke(prolong_app, ["desk", "user", "remove", "ines", "--data", data])
    assert removed.exit_code == 0
    assert runner.invoke(prolong_app, ["desk", "user", "list", "--data", data]).stdout == ""


def test_serving_beyond_loopback_says_a_tls_proxy_belongs_in_front() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not any("TLS" in line for line in listening_notes("127.0.0.1", has_users=True))
    assert any("TLS" in line for line in listening_notes("0.0.0.0", has_users=True))
