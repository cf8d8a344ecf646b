"""The plan: each row validated on its own, routed, its duplicates found; no personal data out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from flows.bulk.journal import Journal, State
from flows.bulk.keys import content_key, request_key
from flows.bulk.plan import Planned, make_plan, write_plan
from flows.bulk.reader import read_requests
from flows.bulk.report import result_lines
from flows.outcome import Outcome
from flows.request import parse_extension_request
from tests.flows.bulk.conftest import SAMPLE, make_row, write_csv
from tests.flows.in_language import english  # noqa: F401 - a fixture

# The lines quoted here are English; French is the default language (issue 13).
pytestmark = pytest.mark.usefixtures("english")

PERSONAL = ("Bonjour", "Tremblay", "1950-01-01", "467-3193", "jeanbonjour", "H3A 2Y1")


def test_the_sample_file_plans_every_kind_of_row() -> None:
    plan = make_plan(read_requests(SAMPLE))
    counts = plan.counts()
    planned = (counts[Planned.ENTER], counts[Outcome.HANDED_OFF], counts[Outcome.INVALID])
    assert planned == (9, 15, 7)
    assert set(plan.requests()) == {i.key for i in plan.items if i.planned is Planned.ENTER}
    routes = plan.by_route()
    assert routes["contact_insurer"][Outcome.HANDED_OFF] == 4
    assert routes[""][Outcome.INVALID] == 6  # not routable at all


def test_a_bad_row_reports_its_row_number_and_every_problem() -> None:
    plan = make_plan(read_requests(SAMPLE))
    row_32 = next(i for i in plan.items if i.row == 32)
    assert row_32.planned is Outcome.INVALID
    assert [p.field for p in row_32.problems] == ["departed", "request_date", "destination"]
    assert "Atlantide" in row_32.message  # codes typed by the operator are quoted back
    problems = plan.by_problem()
    assert problems["destination: '…' is not a known country"] == [32]


def test_a_quebec_client_without_consent_is_invalid_before_any_browser() -> None:
    item = next(i for i in make_plan(read_requests(SAMPLE)).items if i.row == 10)
    assert item.planned is Outcome.INVALID
    assert item.route == "complementary_espace_partenaire"
    assert item.problems[0].field == "privacy_consent"


def test_rows_that_agree_are_duplicates_entered_once(tmp_path: Path) -> None:
    rows = [
        make_row(1),
        make_row(2),
        make_row(1, phone="416 555 0100"),
        make_row(1, first_name="  ALEX1 "),
    ]
    plan = make_plan(read_requests(write_csv(tmp_path / "dups.csv", rows)))
    # The phone is the same number typed otherwise; the name the same name: they agree.
    assert [i.planned for i in plan.items] == ["enter", "enter", "duplicate", "duplicate"]
    assert [i.duplicate_of for i in plan.items] == [None, None, 2, 2]
    assert "same request as row 2" in plan.items[3].message
    assert len(plan.requests()) == 2


def test_rows_of_one_request_that_differ_are_conflicts_none_entered(tmp_path: Path) -> None:
    rows = [
        make_row(1, legacy_days="15"),
        make_row(2),
        make_row(1, legacy_days="20", email="a@b.ca"),
    ]
    plan = make_plan(read_requests(write_csv(tmp_path / "conflict.csv", rows)))
    assert [i.planned for i in plan.items] == ["conflict", "enter", "conflict"]
    assert [i.duplicate_of for i in plan.items] == [None, None, 2]
    assert set(plan.items[0].differs) == {"legacy_days", "legacy_end", "email"}
    assert "conflict with row(s) 4" in plan.items[0].message
    assert "conflict with row(s) 2" in plan.items[2].message
    assert "legacy_days" in plan.items[2].message
    assert "none is entered" in plan.items[2].message
    assert list(plan.requests()) == [plan.items[1].key]  # only row 3 is entered
    with Journal(tmp_path / "journal.sqlite") as journal:
        journal.load(plan)
        assert journal.state_counts() == Counter({Outcome.CONFLICT: 1, State.PENDING: 1})
        assert [(line.row, line.status) for line in result_lines(journal)] == [
            (2, "conflict"),
            (3, "pending"),
            (4, "conflict"),
        ]
        # The file fixed (the two rows now agree): a rerun enters the request.
        rows[2] = make_row(1, legacy_days="15")
        journal.load(make_plan(read_requests(write_csv(tmp_path / "fixed.csv", rows))))
        assert journal.state_counts() == Counter({State.PENDING: 2})
        assert [(line.row, line.status) for line in result_lines(journal)] == [
            (2, "pending"),
            (3, "pending"),
            (4, "duplicate"),
        ]


def test_identical_invalid_rows_are_duplicates_too(tmp_path: Path) -> None:
    rows = [make_row(1, claim=""), make_row(1, claim="")]
    plan = make_plan(read_requests(write_csv(tmp_path / "bad.csv", rows)))
    assert [i.planned for i in plan.items] == ["invalid", "duplicate"]
    assert plan.items[0].key.startswith("x-")


def test_the_request_key_ignores_how_names_are_typed_and_contact_details() -> None:
    base = parse_extension_request(make_row(1))
    same = parse_extension_request(
        make_row(
            1, first_name="ALEX1", last_name=" martinb ", phone="416-555-0199", legacy_days="12"
        )
    )
    other_trip = parse_extension_request(make_row(1, trip_end="2026-07-11"))
    assert request_key(base) == request_key(same)
    assert request_key(base) != request_key(other_trip)
    assert content_key({"legacy_days": 15.0}) == content_key({"legacy_days": "15"})


def test_plan_files_carry_no_client_data(tmp_path: Path) -> None:
    plan = make_plan(read_requests(SAMPLE))
    paths = write_plan(plan, tmp_path / "out")
    assert [p.name for p in paths] == ["plan.csv", "plan.json"]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not [value for value in PERSONAL if value in text], path.name
        assert path.stat().st_mode & 0o077 == 0
    document = json.loads(paths[1].read_text(encoding="utf-8"))
    assert document["counts"] == {
        "enter": 9,
        "handed_off": 15,
        "invalid": 7,
        "duplicate": 0,
        "conflict": 0,
    }
    assert document["rows"][10]["handoff"]["where_en"].startswith("Espace partenaire")
