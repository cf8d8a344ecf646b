"""Date fields: lenient where the form is unambiguous, precise where it is not (issue 13, item 8).

Every date field is checked through the request parsers, as a CSV cell or a JSON value would be;
the birth date, personal, is never quoted back.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.errors import Problem, RequestInvalid
from flows.request import parse_extension_request, parse_routing_facts
from flows.request.dates import ACCEPTED_DATE, parse_date
from flows.request.fields import FieldInvalid
from tests.flows.in_language import english  # noqa: F401 - a fixture

# The assertions quote the English lines; French ones are in test_request_french.py.
pytestmark = pytest.mark.usefixtures("english")

# Dates that are not personal: a refusal quotes them, so the operator sees the cell at fault.
PLAIN_DATE_FIELDS = ["request_date", "trip_start", "trip_end", "legacy_end"]


def _routing(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "contract_number": "LH12345",
        "product": "single_trip",
        "coverages": "emc",
        "departed": "non",
        "claim": "none",
        "request_date": "2026-06-02",
    }
    row.update(changes)
    return row


def _full(**changes: object) -> dict[str, object]:
    row = _routing(
        first_name="Jean",
        last_name="Bonjour",
        birth_date="1950-01-01",
        phone="5144673193",
        postal_code="H3A 2Y1",
        province="QC",
        language="fr",
        destination="DE",
        trip_reason="study",
        trip_start="2026-05-01",
        trip_end="2026-06-30",
        legacy_days="15",
        buyer_travelling="oui",
        all_canadian_residents="oui",
        all_provincial_plan="oui",
        privacy_consent="oui",
        request_date="2026-05-02",
    )
    row.update(changes)
    return row


def _only_problem(data: dict[str, object], *, full: bool = False) -> Problem:
    parse = parse_extension_request if full else parse_routing_facts
    with pytest.raises(RequestInvalid) as caught:
        parse(data)
    (problem,) = caught.value.problems
    return problem


# --- accepted -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2027-06-01",
        "2027/06/01",
        "2027-06-01T00:00",
        "2027-06-01T00:00:00",
        "2027-06-01 00:00:00",
        "2027/06/01T00:00",
        "2027-06-01T00:00:00.000",
        " 2027-06-01 ",
    ],
)
@pytest.mark.parametrize("field", PLAIN_DATE_FIELDS)
def test_year_first_dates_are_accepted_with_or_without_a_midnight_time(
    field: str, typed: str
) -> None:
    facts = parse_routing_facts(_routing(**{field: typed}))
    assert getattr(facts, field) == date(2027, 6, 1)


@pytest.mark.parametrize("typed", ["2027/06/01", "2027-06-01T00:00", "2027-06-01T00:00:00"])
def test_a_birth_date_is_accepted_in_the_same_forms(typed: str) -> None:
    request = parse_extension_request(_full(birth_date=typed.replace("2027", "1950")))
    assert request.birth_date == date(1950, 6, 1)


def test_spreadsheet_dates_and_midnight_datetimes_are_dates() -> None:
    assert parse_date(date(2027, 6, 1)) == date(2027, 6, 1)
    assert parse_date(datetime(2027, 6, 1)) == date(2027, 6, 1)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["-", "/"]),
    st.sampled_from(["", "T00:00", "T00:00:00", " 00:00:00"]),
)
def test_every_calendar_day_reads_back_in_every_accepted_form(
    day: date, separator: str, midnight: str
) -> None:
    typed = day.isoformat().replace("-", separator) + midnight
    assert parse_date(typed) == day


# --- refused, quoting the value -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("01/06/2027", "is ambiguous: it looks like DD/MM/YYYY or MM/DD/YYYY"),
        ("25/06/2027", "is ambiguous: it looks like DD/MM/YYYY or MM/DD/YYYY"),
        ("01-06-2027", "is ambiguous: it looks like DD-MM-YYYY or MM-DD-YYYY"),
        ("1.6.27", "is ambiguous: it looks like DD.MM.YY or MM.DD.YY"),
        ("2027-06-01T13:05", "has a time of day: a date is expected"),
        ("2027-06-01 08:30:00", "has a time of day: a date is expected"),
        ("2027-06-01T00:00Z", "has a time zone: a date is expected"),
        ("2027-06-01T00:00:00+00:00", "has a time zone: a date is expected"),
        ("2027-06-01T00:00-04:00", "has a time zone: a date is expected"),
        ("2027-6-1", "looks like YYYY-M-D: month and day take two digits"),
        ("2027/06/1", "looks like YYYY/MM/D: month and day take two digits"),
        ("2027.06.01", "looks like YYYY.MM.DD: separate year, month and day with - or /"),
        ("2027-02-30", "looks like YYYY-MM-DD but is not a calendar date"),
        ("2027/13/01", "looks like YYYY/MM/DD but is not a calendar date"),
        ("2027-06-01Tmidi", "is not a date"),
        ("demain", "is not a date"),
        ("20270601", "is not a date"),
    ],
)
@pytest.mark.parametrize("field", PLAIN_DATE_FIELDS)
def test_every_date_refusal_quotes_the_value_and_the_accepted_forms(
    field: str, typed: str, says: str
) -> None:
    problem = _only_problem(_routing(**{field: typed}))
    assert problem.field == field
    assert problem.message == f"'{typed}' {says}"
    assert "YYYY-MM-DD" in str(problem) and "YYYY/MM/DD" in str(problem)
    assert problem.accepted == ACCEPTED_DATE.en


def test_a_spreadsheet_datetime_with_a_time_of_day_is_refused_with_its_value() -> None:
    problem = _only_problem(_routing(request_date=datetime(2026, 6, 2, 13, 5)))
    assert problem.message == "'2026-06-02 13:05:00' has a time of day: a date is expected"


@pytest.mark.parametrize("typed", [20270601, 2027.0, True, ["2027-06-01"]])
def test_values_that_are_no_text_nor_date_are_refused(typed: object) -> None:
    with pytest.raises(FieldInvalid, match="is not a date"):
        parse_date(typed)


# --- the birth date: described, never quoted ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("01/06/1950", "is ambiguous: it looks like DD/MM/YYYY or MM/DD/YYYY"),
        ("13.01.50", "is ambiguous: it looks like DD.MM.YY or MM.DD.YY"),
        ("1950-13-01", "looks like YYYY-MM-DD but is not a calendar date"),
        ("1950-1-1", "looks like YYYY-M-D: month and day take two digits"),
        ("1950-01-01T09:15", "has a time of day: a date is expected"),
        ("1950-01-01T00:00Z", "has a time zone: a date is expected"),
        ("le premier janvier 1950", "is not a date"),
    ],
)
def test_a_birth_date_refusal_describes_the_form_without_the_value(typed: str, says: str) -> None:
    problem = _only_problem(_full(birth_date=typed), full=True)
    assert problem.field == "birth_date"
    assert problem.message.startswith(says)
    assert typed not in str(problem)
    assert "1950" not in str(problem) and "50" not in problem.message
    assert problem.accepted == ACCEPTED_DATE.en


def test_a_birth_datetime_with_a_time_of_day_is_not_quoted() -> None:
    problem = _only_problem(_full(birth_date=datetime(1950, 1, 1, 9, 15)), full=True)
    assert problem.message == "has a time of day: a date is expected"
