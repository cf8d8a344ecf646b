"""A bulk run leaves its input untouched and writes only private files holding no more than it.

The portal is a stand-in whose messages name the client (as a real portal's errors may): the
console, ``results.csv``, ``summary.html`` and the journal must still not show the clients'
birth dates, phones, e-mails or postal codes, nor their names except the opportunity name the
journal keeps. The operator's own files hold what the operator needs, no more: the hand-offs
the name and birth date of the handed-off clients only (to enter them elsewhere), the results
workbook the input's own rows.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from automation.runtime.settings import Locale, Settings
from automation.runtime.walk import Retry
from flows.bulk.plan import make_plan, write_plan
from flows.bulk.reader import InputFileError, read_requests
from flows.bulk.runner import FlowFactory, FlowLike
from flows.bulk.seam import SaleHook
from flows.cli.bulk import app
from flows.extension import PendingSale
from flows.language import choose
from flows.request import ExtensionRequest
from tests.flows.bulk.conftest import Contract, Result, invalid_row, make_row, write_csv
from tests.privacy.conftest import files_under, find_in_text, loose_modes

runner = CliRunner()

ROWS = [
    make_row(1, email="alex1@exemple.ca"),  # issued
    make_row(2, phone="(514) 555-0142"),  # fails: the portal's message names the client
    make_row(3, birth_date="1961-03-04"),  # handed off by the portal, message names the client
    make_row(4, coverages="emc;baggage"),  # handed off by routing
    {**invalid_row(5), "birth_date": "1955-02-30", "phone": "438-77", "email": "x@"},
    make_row(1, email="alex1@exemple.ca"),  # duplicate of the first row
]


def _personal(rows: list[dict[str, str]]) -> list[bytes]:
    fields = ("birth_date", "phone", "email", "postal_code")
    values = {row[name] for row in rows for name in fields if row.get(name)}
    digits = {"".join(c for c in row["phone"] if c.isdigit()) for row in rows}
    return sorted(v.encode() for v in values | digits if len(v) > 3)


def _names(rows: list[dict[str, str]]) -> list[bytes]:
    return sorted({row[f].encode() for row in rows for f in ("first_name", "last_name")})


class _TalkativePortal:
    """Answers like a portal whose messages quote the client's name, birth date and phone."""

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: SaleHook | None = None,
        dry_run: bool = False,
        retry: Retry | None = None,
    ) -> Result:
        who = (
            f"{request.first_name} {request.last_name} born {request.birth_date} "
            f"tel. ({request.phone[:3]}) {request.phone[3:6]}-{request.phone[6:]}"
        )
        opportunity = f"QUO - {request.first_name} {request.last_name} - 2026-06-05"
        if request.contract_number == "LH20002":
            return Result("failed", f"no account for {who}", failed_step="search")
        if request.contract_number == "LH20003":
            return Result("handed_off", f"two accounts match {who}")
        if before_finalise is not None:
            before_finalise(PendingSale(opportunity, "42,00 $"))
        return Result(
            "issued",
            f"contract AA10000001 issued ({opportunity})",
            Contract("AA10000001", opportunity),
        )

    def find_issued(self, request: ExtensionRequest) -> Contract | None:
        return None


@pytest.fixture(autouse=True)
def _french() -> Iterator[None]:
    """The run's language: French, the default, whatever the environment says."""
    choose(Locale.FR)
    yield
    choose(None)


@pytest.fixture
def talkative(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env; default artifacts folder in here

    @contextmanager
    def flow() -> Iterator[FlowLike]:
        yield _TalkativePortal()

    @contextmanager
    def target(settings: Settings, base_url: str | None, console: object) -> Iterator[FlowFactory]:
        yield flow

    monkeypatch.setattr("flows.cli.bulk._target", target)


def _run(file: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["run", str(file), "--max-attempts", "1", *args], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output


def test_a_run_writes_private_files_without_more_personal_data_than_its_input(
    tmp_path: Path, talkative: None
) -> None:
    file = write_csv(tmp_path / "requests.csv", ROWS)
    os.chmod(file, 0o644)
    before, stamp = hashlib.sha256(file.read_bytes()).hexdigest(), file.stat().st_mtime_ns
    code, output = _run(file)
    assert code == 1, output  # the failed row is left to run again
    assert hashlib.sha256(file.read_bytes()).hexdigest() == before
    assert file.stat().st_mtime_ns == stamp and oct(file.stat().st_mode & 0o777) == "0o644"

    artifacts = tmp_path / "artifacts"
    out = artifacts / "bulk-requests"
    assert {p.name for p in files_under(out)} >= {
        "journal.sqlite",
        "journal.sqlite.lock",
        "results.csv",
        "handoffs.html",
        "handoffs.csv",
        "summary.html",
        "requests-results.xlsx",
    }
    assert loose_modes(artifacts) == []

    for name in ("results.csv", "summary.html"):
        data = (out / name).read_bytes()
        assert [v for v in (*_personal(ROWS), *_names(ROWS)) if v in data] == [], name
    # Hand-offs: rows 3 (the portal's) and 4 (routing's) need their name and birth date there;
    # nobody else's, and never a phone, an e-mail or a postal code.
    handed_off = [ROWS[2], ROWS[3]]
    others = [row for row in ROWS if row not in handed_off]
    contact = _personal(ROWS)
    for name in ("handoffs.html", "handoffs.csv"):
        data = (out / name).read_bytes()
        assert [v for v in _names(handed_off) if v not in data] == [], name
        assert [
            row["birth_date"] for row in handed_off if row["birth_date"].encode() not in data
        ] == [], name
        assert [v for v in _names(others) if v in data] == [], name
        births = {row["birth_date"].encode() for row in handed_off}
        assert [v for v in contact if v in data and v not in births] == [], name
    assert find_in_text([*_personal(ROWS), *_names(ROWS)], output) == []
    # The journal keeps the opportunity name (the client's name, which the input had), no more.
    journal_data = (out / "journal.sqlite").read_bytes()
    assert [v for v in _personal(ROWS) if v in journal_data] == []


def test_a_run_refuses_to_write_a_report_over_its_input(tmp_path: Path, talkative: None) -> None:
    file = write_csv(tmp_path / "results.csv", ROWS[:1])
    before = file.read_bytes()
    code, output = _run(file, "--out", str(tmp_path))
    assert code == 2 and "est le fichier de demandes lui-même" in output
    assert file.read_bytes() == before


def test_a_run_refuses_a_journal_that_is_its_input(tmp_path: Path, talkative: None) -> None:
    file = write_csv(tmp_path / "journal.csv", ROWS[:1])
    before = file.read_bytes()
    code, output = _run(file, "--journal", str(file))
    assert code == 2 and "est le fichier de demandes lui-même" in output
    assert file.read_bytes() == before


def test_a_plan_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "plan.csv", ROWS[:1])
    before = file.read_bytes()
    with pytest.raises(InputFileError, match="est le fichier de demandes lui-même"):
        write_plan(make_plan(read_requests(file)), tmp_path)
    assert file.read_bytes() == before
