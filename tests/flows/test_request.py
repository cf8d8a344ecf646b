"""The request model: normalisation, every invalid-input kind, every problem of a row at once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from flows.errors import Problem, RequestInvalid
from flows.request import (
    FIELD_ACCEPTED,
    Claim,
    Coverage,
    ExtensionRequest,
    Language,
    Product,
    Province,
    RoutingFacts,
    SoldIn,
    TripReason,
    inclusive_days,
    iter_fields,
    normalise_contract_number,
    parse_extension_request,
    parse_routing_facts,
    problems_from_validation_error,
    validation_messages,
)
from flows.request.dates import ACCEPTED_DATE
from tests.flows.in_language import english  # noqa: F401 - a fixture

# The assertions quote the English lines; French ones are in test_request_french.py.
pytestmark = pytest.mark.usefixtures("english")


def routing(**changes: object) -> dict[str, object]:
    """A valid legacy single-trip EMC request, as a CSV row would give it, with ``changes``."""
    row: dict[str, object] = {
        "contract_number": "LH12345",
        "product": "single_trip",
        "coverages": "emc",
        "departed": "non",
        "claim": "none",
        "request_date": "2026-06-02",
    }
    row.update(changes)
    return {key: value for key, value in row.items() if value is not None}


def full(**changes: object) -> dict[str, object]:
    """A valid full request (the seed's Jean Bonjour, the seed's Voyage step), with ``changes``."""
    row = routing(
        first_name="Jean",
        last_name="Bonjour",
        birth_date="1950-01-01",
        phone="(514) 467-3193",
        email="jeanbonjour@pv.bleuelab.ca",
        postal_code="h3a2y1",
        province="qc",
        language="Français",
        client_number="005331409PV",
        destination="Allemagne",
        trip_reason="Études",
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
    return {key: value for key, value in row.items() if value is not None}


def problems_of(data: dict[str, object], *, full_request: bool = False) -> list[Problem]:
    parse = parse_extension_request if full_request else parse_routing_facts
    with pytest.raises(RequestInvalid) as caught:
        parse(data)
    return list(caught.value.problems)


def fields_of(data: dict[str, object], *, full_request: bool = False) -> list[str]:
    return [problem.field for problem in problems_of(data, full_request=full_request)]


# --- days -----------------------------------------------------------------------------------------


def test_days_are_counted_inclusively_as_on_the_seed_screen() -> None:
    assert inclusive_days(date(2026, 5, 1), date(2026, 6, 30)) == 61
    request = parse_extension_request(full())
    assert request.trip_days == 61


def test_legacy_days_gives_legacy_end() -> None:
    request = parse_extension_request(full(legacy_days="15"))
    assert (request.legacy_days, request.legacy_end) == (15, date(2026, 5, 15))
    assert request.extension_days == 46


def test_legacy_end_gives_legacy_days() -> None:
    request = parse_extension_request(full(legacy_days=None, legacy_end="2026-05-15"))
    assert (request.legacy_days, request.legacy_end) == (15, date(2026, 5, 15))


def test_legacy_days_and_end_may_both_be_given_when_they_agree() -> None:
    request = parse_extension_request(full(legacy_days="15", legacy_end="2026-05-15"))
    assert request.legacy_days == 15


def test_legacy_days_and_end_that_disagree_are_invalid() -> None:
    assert fields_of(full(legacy_days="14", legacy_end="2026-05-15"), full_request=True) == [
        "legacy_end"
    ]


@pytest.mark.parametrize("days", ["61", "70"])
def test_legacy_days_must_be_smaller_than_the_trip(days: str) -> None:
    (problem,) = problems_of(full(legacy_days=days), full_request=True)
    assert problem.field == "legacy_days"
    assert "61 days" in problem.message


def test_legacy_days_one_less_than_the_trip_is_valid() -> None:
    assert parse_extension_request(full(legacy_days="60")).extension_days == 1


def test_trip_must_end_after_the_legacy_coverage() -> None:
    data = full(legacy_days=None, legacy_end="2026-06-30")
    assert fields_of(data, full_request=True) == ["legacy_end"]


def test_legacy_end_before_trip_start_is_invalid() -> None:
    assert fields_of(routing(trip_start="2026-05-01", legacy_end="2026-04-30")) == ["legacy_end"]


def test_trip_end_before_trip_start_is_invalid() -> None:
    assert fields_of(routing(trip_start="2026-05-01", trip_end="2026-04-30")) == ["trip_end"]


@pytest.mark.parametrize("days", ["0", "-3", "1.5", "quinze", "true"])
def test_legacy_days_must_be_a_positive_whole_number(days: str) -> None:
    assert fields_of(routing(legacy_days=days)) == ["legacy_days"]


def test_spreadsheet_values_are_accepted() -> None:
    facts = parse_routing_facts(
        routing(
            request_date=datetime(2026, 6, 2),
            trip_start=date(2026, 5, 1),
            legacy_days=15.0,
            departed=0,
        )
    )
    assert facts.request_date == date(2026, 6, 2)
    assert facts.legacy_days == 15
    assert facts.departed is False


# --- contract numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number", "sold_in"),
    [
        ("AA12345678", "AA12345678", SoldIn.ESPACE_PARTENAIRE),
        (" aa 1234 5678 ", "AA12345678", SoldIn.ESPACE_PARTENAIRE),
        ("LH00000", "LH00000", SoldIn.INFO_PARTENAIRES),
        ("lh12345", "LH12345", SoldIn.INFO_PARTENAIRES),
        ("Lh 123 456", "LH123456", SoldIn.INFO_PARTENAIRES),
        ("XY12345678", "XY12345678", SoldIn.INFO_PARTENAIRES),
    ],
)
def test_contract_numbers_are_normalised(typed: str, number: str, sold_in: SoldIn) -> None:
    facts = parse_routing_facts(routing(contract_number=typed))
    assert (facts.contract_number, facts.sold_in) == (number, sold_in)
    assert normalise_contract_number(typed) == (number, sold_in)


@pytest.mark.parametrize(
    "typed",
    [
        "AA1234567",
        "AA123456789",
        "AA12345",
        "LH1234",
        "LH123456789",
        "L12345",
        "LHX12345",
        "LH-12345",
        "12345678",
        "L1234567",
        "É12345",
    ],
)
def test_invalid_contract_numbers_say_what_is_accepted(typed: str) -> None:
    (problem,) = problems_of(routing(contract_number=typed))
    assert problem.field == "contract_number"
    assert "AA + 8 digits" in (problem.accepted or "")
    assert "5 to 8 digits" in (problem.accepted or "")


# --- booleans, dates, codes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("true", True),
        ("false", False),
        ("oui", True),
        ("non", False),
        ("OUI", True),
        ("Yes", True),
        ("no", False),
        ("1", True),
        ("0", False),
        (True, True),
        (False, False),
    ],
)
def test_booleans_accept_true_false_oui_non_yes_no_1_0(typed: object, value: bool) -> None:
    assert parse_routing_facts(routing(departed=typed)).departed is value


@pytest.mark.parametrize("typed", ["maybe", "2", "peut-être", 7])
def test_other_booleans_are_invalid(typed: object) -> None:
    (problem,) = problems_of(routing(departed=typed))
    assert (problem.field, problem.accepted) == ("departed", "true/false, oui/non, yes/no, 1/0")


@pytest.mark.parametrize("typed", ["02-06-2026", "2026-6-2", "2026-02-30", "demain"])
def test_dates_must_be_year_first_calendar_dates(typed: str) -> None:
    # 2026/06/02 is accepted since issue 13: tests/flows/test_dates.py has every form.
    (problem,) = problems_of(routing(request_date=typed))
    assert problem.field == "request_date"
    assert problem.accepted == ACCEPTED_DATE.en


def test_a_date_with_a_time_of_day_is_invalid() -> None:
    assert fields_of(routing(request_date=datetime(2026, 6, 2, 13, 5))) == ["request_date"]


def test_request_date_defaults_to_today() -> None:
    assert parse_routing_facts(routing(request_date=None)).request_date == date.today()
    assert parse_routing_facts(routing(request_date="")).request_date == date.today()


@pytest.mark.parametrize(
    ("typed", "coverages"),
    [
        ("emc", (Coverage.EMC,)),
        (["emc"], (Coverage.EMC,)),
        ("baggage; EMC ;", (Coverage.EMC, Coverage.BAGGAGE)),
        (["baggage", "emc", "emc"], (Coverage.EMC, Coverage.BAGGAGE)),
        (
            '["trip_cancellation_interruption", "emc_reduced_stability"]',
            (Coverage.EMC_REDUCED_STABILITY, Coverage.TRIP_CANCELLATION_INTERRUPTION),
        ),
        ("accidental_death_dismemberment", (Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT,)),
    ],
)
def test_coverages_as_json_list_or_semicolon_string(
    typed: object, coverages: tuple[Coverage, ...]
) -> None:
    assert parse_routing_facts(routing(coverages=typed)).coverages == coverages


@pytest.mark.parametrize(
    "typed", ["emc,baggage", "dental", ";", [], "emc;emc_reduced_stability", "[emc", 3]
)
def test_invalid_coverages(typed: object) -> None:
    (problem,) = problems_of(routing(coverages=typed))
    assert problem.field == "coverages"
    assert "emc_reduced_stability" in (problem.accepted or "")


@pytest.mark.parametrize(
    ("typed", "product"),
    [
        ("single_trip", Product.SINGLE_TRIP),
        ("Voyage individuel", Product.SINGLE_TRIP),
        ("forfait plus", Product.SINGLE_TRIP),
        ("Assurance complémentaire", Product.TOP_UP),
        ("VISITORS_TO_CANADA", Product.VISITORS_TO_CANADA),
    ],
)
def test_product_code_or_label(typed: str, product: Product) -> None:
    assert parse_routing_facts(routing(product=typed)).product is product


def test_unknown_product_is_invalid() -> None:
    (problem,) = problems_of(routing(product="croisière"))
    assert problem.field == "product"
    assert "single_trip | annual_multi_trip | top_up | visitors_to_canada" in (
        problem.accepted or ""
    )


@pytest.mark.parametrize("typed", ["oui", "", None])
def test_claim_must_be_none_filed_or_expected(typed: object) -> None:
    (problem,) = problems_of(routing(claim=typed))
    assert problem.field == "claim"
    assert (problem.accepted or "").startswith("none | filed | expected, or in French Aucune")


def test_claim_values() -> None:
    assert parse_routing_facts(routing(claim="Filed")).claim is Claim.FILED


def test_annual_extension_is_required_for_annual_multi_trip() -> None:
    (problem,) = problems_of(routing(product="annual_multi_trip"))
    assert problem.field == "annual_extension"
    assert "new | existing" in (problem.accepted or "")


def test_annual_extension_only_applies_to_annual_multi_trip() -> None:
    assert fields_of(routing(annual_extension="new")) == ["annual_extension"]


def test_annual_extension_is_checked() -> None:
    assert fields_of(routing(product="annual_multi_trip", annual_extension="old")) == [
        "annual_extension"
    ]


@pytest.mark.parametrize("coverages", ["baggage", "emc;baggage", "emc_reduced_stability"])
def test_top_up_with_a_coverage_other_than_emc_is_invalid(coverages: str) -> None:
    (problem,) = problems_of(routing(product="top_up", coverages=coverages))
    assert (problem.field, problem.accepted) == ("coverages", "emc")


def test_top_up_with_emc_is_valid() -> None:
    assert parse_routing_facts(routing(product="top_up")).product is Product.TOP_UP


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("Allemagne", "DE"),
        ("germany", "DE"),
        ("ALLEMAGNE", "DE"),
        ("Etats Unis", "US"),
        ("états-unis", "US"),
        ("United States", "US"),
        ("Côte d’Ivoire", "CI"),
        ("cote d'ivoire", "CI"),
        ("Pérou", "PE"),
        ("perou", "PE"),
        ("NP", "NP"),
        ("Royaume-Uni", "GB"),
    ],
)
def test_destination_code_or_french_or_english_name(typed: str, code: str) -> None:
    assert parse_extension_request(full(destination=typed)).destination == code


@pytest.mark.parametrize("typed", ["Atlantide", "ZZ", "Floride"])
def test_unknown_destination_is_invalid(typed: str) -> None:
    assert fields_of(full(destination=typed), full_request=True) == ["destination"]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("study", TripReason.STUDY),
        ("Études", TripReason.STUDY),
        ("etudes", TripReason.STUDY),
        ("Visite de la famille", TripReason.FAMILY),
        ("Visiting family", TripReason.FAMILY),
        ("Affaires", TripReason.BUSINESS),
        ("vacances", TripReason.VACATION),
        ("Autre", TripReason.OTHER),
    ],
)
def test_trip_reason_code_or_either_label(typed: str, reason: TripReason) -> None:
    assert parse_extension_request(full(trip_reason=typed)).trip_reason is reason


def test_unknown_trip_reason_is_invalid() -> None:
    assert fields_of(full(trip_reason="pèlerinage"), full_request=True) == ["trip_reason"]


def test_province_is_a_two_letter_code_or_its_name() -> None:
    assert parse_extension_request(full(province="on")).province is Province.ON
    # French is accepted for every enumerated field since issue 13, the province's name too.
    assert parse_extension_request(full(province="Québec")).province is Province.QC
    assert fields_of(full(province="XX"), full_request=True) == ["province"]


def test_language_is_fr_or_en() -> None:
    assert parse_extension_request(full(language="EN")).language is Language.EN
    assert parse_extension_request(full(language="Français")).language is Language.FR
    assert fields_of(full(language="es"), full_request=True) == ["language"]


def test_client_fields_are_normalised() -> None:
    request = parse_extension_request(full(phone="+1 514 467 3193", first_name="  Jean  "))
    assert (request.phone, request.postal_code, request.first_name) == (
        "5144673193",
        "H3A 2Y1",
        "Jean",
    )


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("phone", "514-467-319"),
        ("phone", "514-ABC-3193"),
        ("postal_code", "H3A2Y"),
        ("email", "jean.bonjour"),
        ("first_name", "1234"),
        ("birth_date", "1950-13-01"),
    ],
)
def test_bad_personal_data_is_named_but_never_quoted(field: str, typed: str) -> None:
    (problem,) = problems_of(full(**{field: typed}), full_request=True)
    assert problem.field == field
    assert typed not in str(problem)


def test_birth_date_must_be_in_the_past() -> None:
    assert fields_of(full(birth_date="2026-05-03"), full_request=True) == ["birth_date"]


# --- consent --------------------------------------------------------------------------------------


def test_consents_are_never_assumed() -> None:
    request = parse_extension_request(full(privacy_consent=None))
    assert request.privacy_consent is None
    assert request.dsr_disclosure is None
    assert request.needs_privacy_consent


def test_consent_given_is_recorded() -> None:
    request = parse_extension_request(full(privacy_consent="oui", dsr_disclosure="non"))
    assert (request.privacy_consent, request.dsr_disclosure) == (True, False)
    assert not request.needs_privacy_consent


def test_ontario_clients_need_no_privacy_consent() -> None:
    request = parse_extension_request(full(province="ON", privacy_consent=None))
    assert not request.needs_privacy_consent


def test_residency_answers_are_kept() -> None:
    request = parse_extension_request(full(all_provincial_plan="non"))
    assert not request.resident_flow


# --- two levels, every problem at once ------------------------------------------------------------


def test_routing_needs_only_the_routing_fields() -> None:
    facts = parse_routing_facts(routing())
    assert isinstance(facts, RoutingFacts)
    assert facts.trip_start is None and facts.legacy_days is None and facts.trip_days is None


def test_routing_facts_are_read_from_a_full_row() -> None:
    facts = parse_routing_facts(full())
    assert not isinstance(facts, ExtensionRequest)
    assert facts.legacy_end == date(2026, 5, 15)


def test_a_full_request_is_also_routing_facts() -> None:
    assert isinstance(parse_extension_request(full()), RoutingFacts)


def test_each_missing_routing_field_is_reported() -> None:
    problems = problems_of({})
    assert [problem.field for problem in problems] == [
        "contract_number",
        "product",
        "coverages",
        "departed",
        "claim",
    ]
    assert all(problem.message == "is required" and problem.accepted for problem in problems)


def test_a_full_request_needs_client_trip_and_residency() -> None:
    missing = set(fields_of(routing(), full_request=True))
    assert missing == {
        "first_name",
        "last_name",
        "birth_date",
        "phone",
        "postal_code",
        "province",
        "language",
        "destination",
        "trip_reason",
        "trip_start",
        "trip_end",
        "buyer_travelling",
        "all_canadian_residents",
        "all_provincial_plan",
        "legacy_days",
    }


def test_a_legacy_full_request_needs_legacy_days_or_end() -> None:
    assert fields_of(full(legacy_days=None), full_request=True) == ["legacy_days"]


def test_an_espace_partenaire_full_request_needs_no_legacy_days() -> None:
    request = parse_extension_request(full(contract_number="AA12345678", legacy_days=None))
    assert request.legacy_days is None


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    data = full(
        contract_number="LH-1",
        product="top_up",
        coverages="emc;baggage",
        departed="peut-être",
        legacy_days="61",
        phone="123",
        destination="Atlantide",
    )
    assert fields_of(data, full_request=True) == [
        "contract_number",
        "departed",
        "phone",
        "destination",
        "coverages",
        "legacy_days",
    ]


def test_unknown_fields_are_reported_unless_ignored() -> None:
    (problem,) = problems_of(routing(legacy_day="15"))
    assert problem.field == "legacy_day"
    assert "legacy_days" in (problem.accepted or "")
    assert parse_routing_facts(routing(note="VIP"), ignore_unknown=True).contract_number


def test_csv_headers_with_bom_spaces_and_capitals_are_read() -> None:
    data = {
        ("\ufeffContract_Number " if key == "contract_number" else key): value
        for key, value in routing().items()
    }
    assert parse_routing_facts(data).contract_number == "LH12345"


def test_request_invalid_lists_human_messages() -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_routing_facts(routing(departed="maybe", claim="unknown"))
    assert caught.value.messages() == [
        "departed: 'maybe' is not a yes/no value (accepted: true/false, oui/non, yes/no, 1/0)",
        "claim: 'unknown' is not a claim status "
        "(accepted: none | filed | expected, or in French Aucune | Déposée | Prévue)",
    ]
    assert caught.value.fields == ["departed", "claim"]
    assert validation_messages(caught.value) == caught.value.messages()


# --- pydantic errors turned into messages ---------------------------------------------------------


def test_validation_error_from_the_model_becomes_human_messages() -> None:
    with pytest.raises(ValidationError) as caught:
        RoutingFacts.model_validate(
            {"contract_number": "X", "coverages": ["emc"], "departed": True, "claim": "none"}
        )
    messages = validation_messages(caught.value)
    assert messages[0].startswith("contract_number: 'X' is not a contract number (accepted: AA")
    assert messages[1].startswith("product: is required (accepted: single_trip")


def test_cross_field_errors_from_the_model_name_their_fields() -> None:
    with pytest.raises(ValidationError) as caught:
        RoutingFacts.model_validate(routing(product="top_up", coverages="baggage"))
    assert problems_from_validation_error(caught.value) == [
        Problem("coverages", "product top_up covers emergency medical care only", "emc")
    ]


def test_extra_keys_on_a_full_request_model_are_named() -> None:
    with pytest.raises(ValidationError) as caught:
        ExtensionRequest.model_validate({**full(), "remarks": "x"})
    assert validation_messages(caught.value) == [
        f"remarks: is not a field of the request (accepted: {', '.join(iter_fields())})"
    ]


def test_every_field_states_what_it_accepts() -> None:
    assert set(FIELD_ACCEPTED) == set(iter_fields())
    assert set(iter_fields()) == set(ExtensionRequest.model_fields)


def test_models_are_frozen() -> None:
    facts = parse_routing_facts(routing())
    with pytest.raises(ValidationError):
        facts.claim = Claim.FILED  # type: ignore[misc]


def test_parsed_values_parse_again_to_the_same_request() -> None:
    request = parse_extension_request(full())
    dumped: dict[str, Any] = request.model_dump(mode="json")
    assert parse_extension_request(dumped) == request


def test_the_split_keeps_every_public_name_of_flows_request() -> None:
    # Vocabulary, field parsing and dates moved to their own modules; callers still import here.
    import flows.request as module

    assert set(module.__all__) == {
        "DESTINATIONS",
        "FIELD_ACCEPTED",
        "AnnualExtension",
        "Claim",
        "Coverage",
        "Destination",
        "ExtensionRequest",
        "Language",
        "Product",
        "Province",
        "RoutingFacts",
        "SoldIn",
        "TripReason",
        "accepted_in",
        "inclusive_days",
        "iter_fields",
        "normalise_contract_number",
        "parse_extension_request",
        "parse_routing_facts",
        "problems_from_validation_error",
        "validation_messages",
    }
    assert all(hasattr(module, name) for name in module.__all__)
