"""Validation of request bodies: 400 shape errors and 422 field errors, fr and en."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.portal.messages import messages_for
from fixtures.portal.validation import (
    BodyError,
    Invalid,
    parse_new_opportunity,
    parse_trip_body,
)

FR = messages_for("fr")
EN = messages_for("en")
TODAY = date(2026, 4, 20)


def client(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {
        "salutation": None,
        "first_name": "Jean",
        "last_name": "Bonjour",
        "birth_date": "1950-01-01",
        "email": "jeanbonjour@pv.bleuelab.ca",
        "phone": "5144673193",
        "street": "1981 Avenue McGill College",
        "city": "Montréal",
        "province": "QC",
        "postal_code": "h3a2y1",
        "language": "fr",
    }
    data.update(changes)
    return data


def opportunity(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {
        "account_id": None,
        "client": client(),
        "privacy_consent": True,
        "dsr_disclosure": False,
        "residency": {
            "buyer_travelling": True,
            "all_canadian_residents": True,
            "all_provincial_plan": True,
        },
    }
    data.update(changes)
    return data


def trip(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {
        "destination": "DE",
        "trip_reason": "study",
        "trip_start": "2026-05-01",
        "trip_end": "2026-06-30",
        "trip_cost": None,
        "other_insurer": True,
        "other_insurer_days": 15,
        "other_insurer_type": "legacy_qc_on",
        "health_coverage": True,
        "cancellation_coverage": False,
    }
    data.update(changes)
    return data


def field_errors(func: Any, *args: Any) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        func(*args)
    return caught.value.errors


def test_valid_client_is_normalised() -> None:
    parsed = parse_new_opportunity(opportunity(), FR, TODAY)
    assert parsed.client.phone == "(514) 467-3193"
    assert parsed.client.postal_code == "H3A 2Y1"
    assert parsed.client.birth_date == date(1950, 1, 1)
    assert parsed.residency.all_provincial_plan is True


def test_missing_client_fields_are_all_reported_at_once() -> None:
    errors = field_errors(parse_new_opportunity, opportunity(client={}), FR, TODAY)
    assert set(errors) == {
        "first_name",
        "last_name",
        "birth_date",
        "phone",
        "province",
        "postal_code",
        "language",
    }
    assert errors["first_name"] == "Prénom : ce champ est obligatoire."


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("birth_date", "1950-13-01", "AAAA-MM-JJ"),
        ("birth_date", "01/01/1950", "AAAA-MM-JJ"),
        ("birth_date", "2030-01-01", "date passée"),
        ("email", "jean@", "adresse courriel valide"),
        ("phone", "467-3193", "10 chiffres"),
        ("phone", "514 467 319X", "10 chiffres"),
        ("province", "XX", "AB, BC"),
        ("postal_code", "12345", "H3A 2Y1"),
        ("language", "de", "en, fr"),
        ("salutation", "sir", "dr, mr"),
        ("first_name", "J" * 300, "255"),
    ],
)
def test_bad_client_value_names_the_field_and_what_is_accepted(
    field: str, value: str, fragment: str
) -> None:
    errors = field_errors(
        parse_new_opportunity, opportunity(client=client(**{field: value})), FR, TODAY
    )
    assert list(errors) == [field]
    assert FR.field_name(field) in errors[field]
    assert fragment in errors[field]


def test_phone_with_country_code_is_accepted() -> None:
    parsed = parse_new_opportunity(opportunity(client=client(phone="+1 514-467-3193")), FR, TODAY)
    assert parsed.client.phone == "(514) 467-3193"


def test_privacy_consent_is_required_in_quebec_only() -> None:
    errors = field_errors(parse_new_opportunity, opportunity(privacy_consent=False), FR, TODAY)
    assert "Québec" in errors["privacy_consent"]
    ontario = client(province="ON", postal_code="M5V 2T6", language="en")
    parsed = parse_new_opportunity(opportunity(client=ontario, privacy_consent=False), FR, TODAY)
    assert parsed.privacy_consent is False


@pytest.mark.parametrize(
    "answer", ["buyer_travelling", "all_canadian_residents", "all_provincial_plan"]
)
def test_any_residency_answer_not_yes_is_refused(answer: str) -> None:
    residency = {
        "buyer_travelling": True,
        "all_canadian_residents": True,
        "all_provincial_plan": True,
        answer: False,
    }
    errors = field_errors(parse_new_opportunity, opportunity(residency=residency), FR, TODAY)
    assert list(errors) == ["residency"]


def test_missing_residency_is_refused() -> None:
    errors = field_errors(parse_new_opportunity, opportunity(residency=None), FR, TODAY)
    assert "residency" in errors


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ([], None),
        ({"client": "Jean"}, "client"),
        ({"client": client(first_name=3)}, "client.first_name"),
        ({"client": client(), "privacy_consent": "true"}, "privacy_consent"),
        ({"client": client(), "residency": {"buyer_travelling": 1}}, "residency.buyer_travelling"),
        ({"account_id": 12, "client": client()}, "account_id"),
    ],
)
def test_wrong_json_types_are_body_errors_naming_the_path(body: object, path: str | None) -> None:
    with pytest.raises(BodyError) as caught:
        parse_new_opportunity(body, FR, TODAY)
    assert caught.value.path == path
    if path:
        assert path in caught.value.message(EN)


def test_valid_trip_is_a_top_up_of_61_days() -> None:
    parsed = parse_trip_body({"trip": trip()}, FR)
    assert parsed.days == 61
    assert parsed.product == "top_up"
    assert parsed.other_insurer_days == 15


def test_trip_end_before_start_is_refused() -> None:
    errors = field_errors(parse_trip_body, {"trip": trip(trip_end="2026-04-30")}, FR)
    assert list(errors) == ["trip_end"]
    assert "2026-05-01" in errors["trip_end"]


def test_trip_end_on_start_day_is_one_day() -> None:
    parsed = parse_trip_body({"trip": trip(trip_end="2026-05-01", other_insurer=False)}, FR)
    assert parsed.days == 1


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (60, True), (61, False)])
def test_other_insurer_days_must_be_fewer_than_trip_days(days: int, ok: bool) -> None:
    body = {"trip": trip(other_insurer_days=days)}
    if ok:
        assert parse_trip_body(body, FR).other_insurer_days == days
    else:
        errors = field_errors(parse_trip_body, body, EN)
        expected = "from 1 to 60 (fewer than the trip's 61 days)."
        assert errors["other_insurer_days"].endswith(expected)


def test_other_insurer_needs_days_type_and_health_coverage() -> None:
    body = {"trip": trip(other_insurer_days=None, other_insurer_type=None, health_coverage=False)}
    errors = field_errors(parse_trip_body, body, FR)
    assert set(errors) == {"other_insurer_days", "other_insurer_type", "health_coverage"}
    assert "Soins médicaux d'urgence" in errors["health_coverage"]


def test_without_other_insurer_days_and_type_are_not_needed() -> None:
    body = {
        "trip": trip(
            other_insurer=False,
            other_insurer_days=None,
            other_insurer_type=None,
            health_coverage=False,
            cancellation_coverage=True,
        )
    }
    parsed = parse_trip_body(body, FR)
    assert parsed.product == "single_trip"
    assert parsed.other_insurer_days is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("destination", "Allemagne"),
        ("trip_reason", "holidays"),
        ("other_insurer_type", "legacy"),
        ("trip_cost", -5),
    ],
)
def test_unknown_codes_and_negative_cost_are_field_errors(field: str, value: object) -> None:
    errors = field_errors(parse_trip_body, {"trip": trip(**{field: value})}, FR)
    assert list(errors) == [field]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "trip"),
        ({"trip": [1]}, "trip"),
        ({"trip": trip(other_insurer_days="15")}, "trip.other_insurer_days"),
        ({"trip": trip(trip_cost="100")}, "trip.trip_cost"),
        ({"trip": trip(other_insurer="oui")}, "trip.other_insurer"),
    ],
)
def test_trip_type_errors_name_the_path(body: object, path: str) -> None:
    with pytest.raises(BodyError) as caught:
        parse_trip_body(body, FR)
    assert caught.value.path == path


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(list(client()) + list(opportunity()) + list(trip()))


def _a_result_or_a_4xx_error(outer: dict[str, Any], inner: dict[str, Any]) -> None:
    for body in ({**outer, "client": inner, "residency": inner}, {"trip": inner}):
        # Any other exception (KeyError, TypeError...) would be a 500: the test fails on it.
        with contextlib.suppress(BodyError, Invalid):
            parse_new_opportunity(body, FR, TODAY)
        with contextlib.suppress(BodyError, Invalid):
            parse_trip_body(body, EN)


# Drawing nested JSON is the slow part (150 examples: 33 s of a loaded core, --durations):
# ./run test draws 60, -m generated 600 more.
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(_keys, _json, max_size=8), st.dictionaries(_keys, _json, max_size=8))
def test_any_json_gives_a_result_or_a_4xx_error(
    outer: dict[str, Any], inner: dict[str, Any]
) -> None:
    _a_result_or_a_4xx_error(outer, inner)


@pytest.mark.generated
@settings(max_examples=600, deadline=None)
@given(st.dictionaries(_keys, _json, max_size=8), st.dictionaries(_keys, _json, max_size=8))
def test_more_json_gives_a_result_or_a_4xx_error(
    outer: dict[str, Any], inner: dict[str, Any]
) -> None:
    _a_result_or_a_4xx_error(outer, inner)
