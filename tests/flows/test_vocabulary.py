"""Enumerated fields: every value by its code, French or English name, as people type them.

Issue 13 (item 8): French is accepted for every enumerated field, case, accents and apostrophes
folded (``automation.text.fold``), and every refusal names the field and lists what is accepted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.text import fold
from flows.errors import RequestInvalid
from flows.request import parse_extension_request
from flows.request.vocabulary import (
    DESTINATIONS,
    INPUT_ENUMS,
    AnnualExtension,
    Claim,
    Coverage,
    Language,
    Product,
    Province,
    TripReason,
    labels_of,
    spellings_of,
)
from tests.flows.in_language import english  # noqa: F401 - a fixture

# The assertions quote the English lines; French ones are in test_request_french.py.
pytestmark = pytest.mark.usefixtures("english")

#: The request field that takes each enumeration.
FIELD_OF: dict[type[StrEnum], str] = {
    Product: "product",
    AnnualExtension: "annual_extension",
    Coverage: "coverages",
    Claim: "claim",
    TripReason: "trip_reason",
    Language: "language",
    Province: "province",
}


def _full(**changes: object) -> dict[str, object]:
    """A valid full request (the seed's Jean Bonjour), with ``changes``."""
    row: dict[str, object] = {
        "contract_number": "LH12345",
        "product": "single_trip",
        "coverages": "emc",
        "departed": "non",
        "claim": "none",
        "request_date": "2026-06-02",
        "first_name": "Jean",
        "last_name": "Bonjour",
        "birth_date": "1950-01-01",
        "phone": "5144673193",
        "postal_code": "H3A 2Y1",
        "province": "QC",
        "language": "fr",
        "destination": "DE",
        "trip_reason": "study",
        "trip_start": "2026-05-01",
        "trip_end": "2026-06-30",
        "legacy_days": "15",
        "buyer_travelling": "oui",
        "all_canadian_residents": "oui",
        "all_provincial_plan": "oui",
        "privacy_consent": "oui",
    }
    row.update(changes)
    return row


def _parsed(field: str, typed: object) -> object:
    """The value ``field`` parses to when ``typed`` is put in an otherwise valid request."""
    changes: dict[str, object] = {field: typed}
    if field == "annual_extension":
        changes["product"] = "annual_multi_trip"  # the only product it applies to
    if field == "product":
        changes["annual_extension"] = "new" if fold(str(typed)) in _ANNUAL_SPELLINGS else None
    value = getattr(parse_extension_request(_full(**changes)), field)
    return value[0] if field == "coverages" else value


_ANNUAL_SPELLINGS = {fold(spelling) for spelling in spellings_of(Product.ANNUAL_MULTI_TRIP)}


def _refusal(field: str, typed: object) -> tuple[str, str, str]:
    with pytest.raises(RequestInvalid) as caught:
        parse_extension_request(_full(**{field: typed}))
    (problem,) = caught.value.problems
    return problem.field, problem.message, problem.accepted or ""


# --- every spelling of every value ----------------------------------------------------------------

_EVERY_SPELLING = [
    (enum, member, spelling)
    for enum in INPUT_ENUMS
    for member in enum
    for spelling in spellings_of(member)
]


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# The ways the same word reaches us: a spreadsheet in capitals, a phone keyboard's apostrophe, a
# keyboard without accents, stray spaces, hyphens dropped.
_TYPINGS: list[Callable[[str], str]] = [
    str.upper,
    str.lower,
    str.title,
    _without_accents,
    lambda text: text.replace("'", "’"),
    lambda text: f"  {text} ",
    lambda text: text.replace("-", " ").replace("_", " "),
]


@given(st.sampled_from(_EVERY_SPELLING), st.lists(st.sampled_from(_TYPINGS), max_size=3))
def test_every_code_and_name_of_every_value_parses_to_that_value(
    case: tuple[type[StrEnum], StrEnum, str], typings: list[Callable[[str], str]]
) -> None:
    enum, member, typed = case
    for typing in typings:
        typed = typing(typed)
    assert _parsed(FIELD_OF[enum], typed) is member


@pytest.mark.parametrize("enum", INPUT_ENUMS, ids=lambda enum: enum.__name__)
def test_no_spelling_names_two_values_of_one_list(enum: type[StrEnum]) -> None:
    owners: dict[str, set[StrEnum]] = {}
    for member in enum:
        for spelling in spellings_of(member):
            owners.setdefault(fold(spelling), set()).add(member)
    assert {spelling: found for spelling, found in owners.items() if len(found) > 1} == {}


def test_every_input_enum_has_a_field_and_a_label_for_each_value() -> None:
    assert set(FIELD_OF) == set(INPUT_ENUMS)
    for enum in INPUT_ENUMS:
        assert set(labels_of(enum)) == set(enum)


# --- the French names of the seed and the brief ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [
        ("coverages", "Soins médicaux d'urgence", Coverage.EMC),
        ("coverages", "soins medicaux d’urgence", Coverage.EMC),
        (
            "coverages",
            "Soins médicaux d'urgence avec période de stabilité réduite",
            Coverage.EMC_REDUCED_STABILITY,
        ),
        (
            "coverages",
            "Soins médicaux d'urgence avec Option : Période de stabilité réduite",
            Coverage.EMC_REDUCED_STABILITY,
        ),
        (
            "coverages",
            "Annulation et interruption de voyage",
            Coverage.TRIP_CANCELLATION_INTERRUPTION,
        ),
        ("coverages", "Bagages", Coverage.BAGGAGE),
        ("coverages", "Décès et mutilation par accident", Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT),
        ("coverages", "Décès ou mutilations accidentels", Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT),
        ("claim", "aucune", Claim.NONE),
        ("claim", "Déposée", Claim.FILED),
        ("claim", "DEPOSEE", Claim.FILED),
        ("claim", "présentée", Claim.FILED),
        ("claim", "prévue", Claim.EXPECTED),
        ("claim", "sera présentée", Claim.EXPECTED),
        ("annual_extension", "nouvelle", AnnualExtension.NEW),
        ("annual_extension", "Existante", AnnualExtension.EXISTING),
        ("annual_extension", "prolongation existante", AnnualExtension.EXISTING),
        ("product", "Voyage unique", Product.SINGLE_TRIP),
        ("product", "Annuel multi-voyages", Product.ANNUAL_MULTI_TRIP),
        ("product", "assurance complementaire", Product.TOP_UP),
        ("product", "Visiteurs au Canada", Product.VISITORS_TO_CANADA),
        ("trip_reason", "Visite de la famille", TripReason.FAMILY),
        ("trip_reason", "ÉTUDES", TripReason.STUDY),
        ("language", "anglais", Language.EN),
        ("province", "Colombie-Britannique", Province.BC),
        ("province", "ile du prince edouard", Province.PE),
        ("province", "Terre-Neuve", Province.NL),
        ("province", "Quebec", Province.QC),
        ("departed", "Oui", True),
        ("departed", "VRAI", True),
        ("departed", "faux", False),
    ],
)
def test_french_is_accepted_for_every_enumerated_field(
    field: str, typed: str, value: object
) -> None:
    assert _parsed(field, typed) == value


def test_french_coverages_are_listed_like_codes() -> None:
    request = parse_extension_request(_full(coverages="Bagages; Soins médicaux d'urgence"))
    assert request.coverages == (Coverage.EMC, Coverage.BAGGAGE)
    request = parse_extension_request(_full(coverages=["Bagages", "emc"]))
    assert request.coverages == (Coverage.EMC, Coverage.BAGGAGE)


# --- refusals name the field and list what is accepted --------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        # « oui » to a claim says a claim exists, not whether it was filed or is expected.
        ("claim", "oui", "'oui' is not a claim status"),
        ("claim", "peut-être", "'peut-être' is not a claim status"),
        ("annual_extension", "ancienne", "'ancienne' is not a kind of annual extension"),
        ("product", "croisière", "'croisière' is not a product"),
        ("coverages", "Dentaire", "unknown coverage 'Dentaire'"),
        ("trip_reason", "pèlerinage", "'pèlerinage' is not a trip reason"),
        ("language", "espagnol", "'espagnol' is not a language"),
        ("province", "Californie", "'Californie' is not a province"),
    ],
)
def test_a_refused_value_names_the_field_and_every_accepted_code_and_french_name(
    field: str, typed: str, says: str
) -> None:
    if field == "annual_extension":
        with pytest.raises(RequestInvalid) as caught:
            parse_extension_request(_full(product="annual_multi_trip", annual_extension=typed))
        (problem,) = caught.value.problems
        named, message, accepted = problem.field, problem.message, problem.accepted or ""
    else:
        named, message, accepted = _refusal(field, typed)
    assert (named, message) == (field, says)
    enum = next(enum for enum, name in FIELD_OF.items() if name == field)
    assert all(member.value in accepted for member in enum)
    if enum is not Province:  # thirteen names would drown the codes: it gives examples
        assert all(label.fr in accepted for label in labels_of(enum).values())


# --- destinations: the same fold as every other name ----------------------------------------------

_EVERY_DESTINATION_NAME = [
    (code, name) for code, (fr, en, others) in DESTINATIONS.items() for name in (fr, en, *others)
]


@pytest.mark.parametrize(("code", "name"), _EVERY_DESTINATION_NAME)
def test_every_destination_name_parses_to_its_code(code: str, name: str) -> None:
    assert _parsed("destination", name) == code
    assert _parsed("destination", _without_accents(name).upper().replace("'", "‘")) == code
