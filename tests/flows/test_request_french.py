"""A request in French: French values accepted for every enumerated field, refusals in French
only, lenient dates (issue 13, items 4 and 8).

The English refusals are pinned by test_request.py, test_dates.py and test_vocabulary.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from flows.errors import ConsentMissing, RequestInvalid
from flows.request import (
    FIELD_ACCEPTED,
    AnnualExtension,
    Claim,
    Coverage,
    Language,
    Product,
    Province,
    TripReason,
    parse_extension_request,
    parse_routing_facts,
)
from flows.request.dates import ACCEPTED_DATE
from tests.flows.in_language import french  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("french")

# Every enumerated field typed as a French-speaking operator would, accents and capitals included.
FRENCH_ROW: dict[str, object] = {
    "contract_number": "LH12345",
    "product": "Annuel multi-voyages",
    "annual_extension": "Nouvelle",
    "coverages": "Soins médicaux d'urgence",
    "departed": "non",
    "claim": "aucune",
    "request_date": "2026/06/02",
    "first_name": "Jean",
    "last_name": "Bonjour",
    "birth_date": "1950-01-01T00:00",
    "phone": "514 467-3193",
    "postal_code": "h3a2y1",
    "province": "Québec",
    "language": "Français",
    "destination": "États-Unis",
    "trip_reason": "Visite de la famille",
    "trip_start": "2027/06/01",
    "trip_end": "2027-06-30T00:00",
    "legacy_days": "15",
    "buyer_travelling": "Oui",
    "all_canadian_residents": "oui",
    "all_provincial_plan": "OUI",
    "privacy_consent": "oui",
}

# Words of the English refusals that must not appear in a French one.
ENGLISH_WORDS = ("accepted", "is not", "is required", "required", "looks like", "ambiguous")


def test_french_values_are_accepted_for_every_enumerated_field() -> None:
    request = parse_extension_request(FRENCH_ROW)
    assert request.product is Product.ANNUAL_MULTI_TRIP
    assert request.annual_extension is AnnualExtension.NEW
    assert request.coverages == (Coverage.EMC,)
    assert request.claim is Claim.NONE
    assert request.province is Province.QC
    assert request.language is Language.FR
    assert request.trip_reason is TripReason.FAMILY
    assert request.destination == "US"
    assert (request.trip_start, request.trip_end) == (date(2027, 6, 1), date(2027, 6, 30))
    assert request.birth_date == date(1950, 1, 1)


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        (
            "coverages",
            "Bagages; Décès ou mutilations accidentels",
            (Coverage.BAGGAGE, Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT),
        ),
        (
            "coverages",
            "Annulation et interruption de voyage",
            (Coverage.TRIP_CANCELLATION_INTERRUPTION,),
        ),
        ("coverages", "Période de stabilité réduite", (Coverage.EMC_REDUCED_STABILITY,)),
        ("claim", "Déposée", Claim.FILED),
        ("claim", "sera présentée", Claim.EXPECTED),
        ("product", "Voyage individuel", Product.SINGLE_TRIP),
        ("product", "Visiteurs au Canada", Product.VISITORS_TO_CANADA),
        ("product", "ASSURANCE COMPLEMENTAIRE", Product.TOP_UP),
    ],
)
def test_french_names_route_as_the_codes(field: str, typed: str, expected: object) -> None:
    row = {
        "contract_number": "LH12345",
        "product": "single_trip",
        "coverages": "emc",
        "departed": "non",
        "claim": "none",
        "request_date": "2026-06-02",
        field: typed,
    }
    assert getattr(parse_routing_facts(row), field) == expected


@pytest.mark.parametrize("typed", ["01/06/2027", "25/06/2027"])
def test_a_day_first_date_is_refused_in_french_quoting_it_and_the_accepted_forms(
    typed: str,
) -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_extension_request({**FRENCH_ROW, "trip_start": typed})
    [problem] = caught.value.problems
    assert problem.field == "trip_start"
    assert problem.message == f"'{typed}' est ambiguë : elle peut se lire JJ/MM/AAAA ou MM/JJ/AAAA"
    assert problem.accepted == ACCEPTED_DATE.fr
    line = str(problem)
    assert "(accepté : une date AAAA-MM-JJ ou AAAA/MM/JJ" in line
    assert not any(word in line for word in ENGLISH_WORDS), line


def test_every_refusal_of_a_bad_row_is_in_french_only() -> None:
    bad = {
        **FRENCH_ROW,
        "contract_number": "XYZ",
        "product": "croisière",
        "claim": "peut-être",
        "province": "Californie",
        "destination": "Atlantide",
        "phone": "123",
        "trip_end": "2027-06-01T13:05",
        "language": "espagnol",
        "departed": "bof",
        "coverages": "Dentaire",
        "first_name": "",
    }
    with pytest.raises(RequestInvalid) as caught:
        parse_extension_request(bad)
    lines = caught.value.messages()
    assert len(lines) == len(caught.value.fields) >= 11
    for line in lines:
        assert "accepté : " in line, line
        assert not any(word in line for word in ENGLISH_WORDS), line
    said = {problem.field: problem.message for problem in caught.value.problems}
    assert said["first_name"] == "est obligatoire"
    assert said["contract_number"] == "'XYZ' n’est pas un numéro de contrat"
    assert said["coverages"] == "couverture inconnue 'Dentaire'"
    assert said["trip_end"] == "'2027-06-01T13:05' contient une heure : une date est attendue"


def test_accepted_values_are_listed_french_names_first() -> None:
    assert FIELD_ACCEPTED["claim"].startswith("Aucune | Déposée | Prévue, ou les codes none")
    assert "Soins médicaux d'urgence" in FIELD_ACCEPTED["coverages"]


def test_cross_field_rules_speak_french() -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_extension_request({**FRENCH_ROW, "legacy_days": "30"})
    [problem] = caught.value.problems
    assert problem.field == "legacy_days"
    assert problem.message.startswith("l’ancienne couverture va jusqu’à la fin du voyage")


def test_a_missing_consent_is_said_in_french() -> None:
    assert str(ConsentMissing("privacy_consent")).startswith(
        "privacy_consent: le consentement du client n’est pas enregistré (accepté : true"
    )


def test_french_messages_use_typographic_apostrophes_so_quoted_values_stand_out() -> None:
    # A quoted value is '…' (ASCII); an apostrophe of a French word is ’, so tools that blank
    # quoted values (bulk plan's kinds of problem) never mistake « l'…à » for a value.
    with pytest.raises(RequestInvalid) as caught:
        parse_extension_request({**FRENCH_ROW, "legacy_days": "30", "phone": "1"})
    assert [problem.field for problem in caught.value.problems] == ["phone", "legacy_days"]
    for problem in caught.value.problems:  # neither quotes a value: no ASCII quote at all
        assert "'" not in problem.message and "’" in problem.message, problem.message
