"""The request's vocabulary: every fixed list a field takes its values from, and the names people
type for each value.

A module of its own because three readers share these words and none of them should own them:
the field parsers (``flows.request.fields``) accept them, ``prolong route --help`` lists them, and
the aide-mémoire (``flows.aide_memoire``) files its cells under them. It holds data only; how a
typed value is compared with it (``automation.text.fold``) is the parsers' business.

Each enumerated value has a code (what machine outputs carry) and a ``Label``: its French name
(the seed's wording where the seed names it), its English name and other spellings people use.
Every one of them is accepted on input; no spelling may name two values of one list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, TypeVar, cast

from automation.locale import Locale

__all__ = [
    "DESTINATIONS",
    "INPUT_ENUMS",
    "ISO_ALPHA2",
    "AnnualExtension",
    "Claim",
    "Coverage",
    "Label",
    "Language",
    "Product",
    "Province",
    "SoldIn",
    "TripReason",
    "labels_of",
    "spellings_of",
]


class SoldIn(StrEnum):
    """Where the contract was sold, read from its number."""

    INFO_PARTENAIRES = "info_partenaires"
    ESPACE_PARTENAIRE = "espace_partenaire"


class Product(StrEnum):
    """Product of the contract being extended."""

    SINGLE_TRIP = "single_trip"
    ANNUAL_MULTI_TRIP = "annual_multi_trip"
    TOP_UP = "top_up"
    VISITORS_TO_CANADA = "visitors_to_canada"


class AnnualExtension(StrEnum):
    """For an annual: ``existing`` = it already has an extension and this extends it again."""

    NEW = "new"
    EXISTING = "existing"


class Coverage(StrEnum):
    """Coverages of the contract being extended."""

    EMC = "emc"
    EMC_REDUCED_STABILITY = "emc_reduced_stability"
    TRIP_CANCELLATION_INTERRUPTION = "trip_cancellation_interruption"
    BAGGAGE = "baggage"
    ACCIDENTAL_DEATH_DISMEMBERMENT = "accidental_death_dismemberment"


class Claim(StrEnum):
    """Whether a claim was filed or is expected (the seed asks to check before extending)."""

    NONE = "none"
    FILED = "filed"
    EXPECTED = "expected"


class TripReason(StrEnum):
    """« Raison du voyage » on the Voyage step."""

    VACATION = "vacation"
    BUSINESS = "business"
    STUDY = "study"
    FAMILY = "family"
    OTHER = "other"


#: The client's language: the project's one ``Locale`` (the portal's and the run's two codes).
Language = Locale


class Province(StrEnum):
    """Canadian province or territory, two-letter code."""

    AB = "AB"
    BC = "BC"
    MB = "MB"
    NB = "NB"
    NL = "NL"
    NS = "NS"
    NT = "NT"
    NU = "NU"
    ON = "ON"
    PE = "PE"
    QC = "QC"
    SK = "SK"
    YT = "YT"


@dataclass(frozen=True)
class Label:
    """How people name one value: in French, in English, and other spellings they use."""

    fr: str
    en: str
    others: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """French, English, then the other spellings."""
        return (self.fr, self.en, *self.others)


# French names as the seed writes them (« Voyage individuel, Voyage unique, Forfait Plus »,
# « Assurance complémentaire »); English as the English portal. Other spellings are the ones
# operators were seen to type: singular/plural, masculine/feminine, the seed's line headings.
_PRODUCTS: Final[dict[Product, Label]] = {
    Product.SINGLE_TRIP: Label(
        "Voyage individuel", "Single Trip", ("Voyage unique", "Forfait Plus", "One Trip")
    ),
    Product.ANNUAL_MULTI_TRIP: Label(
        "Annuel multi-voyages", "Annual Multi-Trip", ("Annuels multi-voyages",)
    ),
    Product.TOP_UP: Label("Assurance complémentaire", "Top-up Insurance", ("Top-up",)),
    Product.VISITORS_TO_CANADA: Label("Visiteurs au Canada", "Visitors to Canada"),
}
_ANNUAL_EXTENSIONS: Final[dict[AnnualExtension, Label]] = {
    AnnualExtension.NEW: Label(
        "Nouvelle",
        "New",
        ("nouveau", "nouvelle prolongation", "nouvelles prolongations", "new extension"),
    ),
    AnnualExtension.EXISTING: Label(
        "Existante",
        "Existing",
        ("existant", "prolongation existante", "prolongations existantes", "existing extension"),
    ),
}
_COVERAGES: Final[dict[Coverage, Label]] = {
    Coverage.EMC: Label(
        "Soins médicaux d'urgence",
        "Emergency Medical Care",
        ("Soins médicaux d'urgence seulement", "Emergency Medical Care only"),
    ),
    Coverage.EMC_REDUCED_STABILITY: Label(
        # The seed's line heading; the brief forms below are how people shorten it.
        "Soins médicaux d'urgence avec Option : Période de stabilité réduite",
        "Emergency Medical Care with Reduced Stability Period",
        (
            "Soins médicaux d'urgence avec Option: Période de stabilité réduite",
            "Soins médicaux d'urgence avec période de stabilité réduite",
            "Période de stabilité réduite",
            "Emergency Medical Care with the option: Reduced Stability Period",
            "Reduced Stability Period",
        ),
    ),
    Coverage.TRIP_CANCELLATION_INTERRUPTION: Label(
        "Annulation et interruption de voyage",
        "Trip Cancellation and Interruption",
        ("Annulation ou interruption de voyage", "Trip Cancellation & Interruption"),
    ),
    Coverage.BAGGAGE: Label("Bagages", "Baggage", ("Bagage", "Luggage")),
    Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT: Label(
        "Décès ou mutilations accidentels",
        "Accidental Death or Dismemberment",
        (
            "Décès et mutilation par accident",
            "Décès ou mutilation par accident",
            "Décès et mutilations accidentels",
            "Accidental Death and Dismemberment",
            "AD&D",
        ),
    ),
}
_CLAIMS: Final[dict[Claim, Label]] = {
    # « présentée » is the seed's word (« une réclamation a été présentée ou sera présentée »).
    Claim.NONE: Label("Aucune", "None", ("aucun", "aucune réclamation", "no claim")),
    Claim.FILED: Label("Déposée", "Filed", ("déposé", "présentée", "présenté", "a été présentée")),
    Claim.EXPECTED: Label("Prévue", "Expected", ("prévu", "sera présentée", "à venir", "attendue")),
}
_TRIP_REASONS: Final[dict[TripReason, Label]] = {
    TripReason.VACATION: Label("Vacances", "Vacation"),
    TripReason.BUSINESS: Label("Affaires", "Business"),
    TripReason.STUDY: Label("Études", "Study", ("studies",)),
    TripReason.FAMILY: Label("Visite de la famille", "Visiting family", ("family visit",)),
    TripReason.OTHER: Label("Autre", "Other"),
}
_LANGUAGES: Final[dict[Language, Label]] = {
    Language.FR: Label("Français", "French"),
    Language.EN: Label("Anglais", "English"),
}
_PROVINCES: Final[dict[Province, Label]] = {
    Province.AB: Label("Alberta", "Alberta"),
    Province.BC: Label("Colombie-Britannique", "British Columbia"),
    Province.MB: Label("Manitoba", "Manitoba"),
    Province.NB: Label("Nouveau-Brunswick", "New Brunswick"),
    Province.NL: Label(
        "Terre-Neuve-et-Labrador", "Newfoundland and Labrador", ("Terre-Neuve", "Newfoundland")
    ),
    Province.NS: Label("Nouvelle-Écosse", "Nova Scotia"),
    Province.NT: Label("Territoires du Nord-Ouest", "Northwest Territories"),
    Province.NU: Label("Nunavut", "Nunavut"),
    Province.ON: Label("Ontario", "Ontario"),
    Province.PE: Label("Île-du-Prince-Édouard", "Prince Edward Island"),
    Province.QC: Label("Québec", "Quebec"),
    Province.SK: Label("Saskatchewan", "Saskatchewan"),
    Province.YT: Label("Yukon", "Yukon"),
}

# Keyed by the enum class; each value maps that enum's members (mypy cannot say so: Any).
_LABELS: Final[dict[type[StrEnum], Mapping[Any, Label]]] = {
    Product: _PRODUCTS,
    AnnualExtension: _ANNUAL_EXTENSIONS,
    Coverage: _COVERAGES,
    Claim: _CLAIMS,
    TripReason: _TRIP_REASONS,
    Language: _LANGUAGES,
    Province: _PROVINCES,
}

#: The enumerations a request's fields take (``SoldIn`` is read from the number, never typed).
INPUT_ENUMS: Final[tuple[type[StrEnum], ...]] = tuple(_LABELS)

_E = TypeVar("_E", bound=StrEnum)


def labels_of(enum: type[_E]) -> Mapping[_E, Label]:
    """The label of every value of one of ``INPUT_ENUMS``."""
    return cast("Mapping[_E, Label]", _LABELS[enum])


def spellings_of(member: StrEnum) -> tuple[str, ...]:
    """Every accepted spelling of a value: its code, then its French, English and other names."""
    return (member.value, *_LABELS[type(member)][member].spellings)


# Every ISO 3166-1 alpha-2 code, so a code outside the name table below is still accepted.
ISO_ALPHA2: Final = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()  # noqa: SIM905 - a code table reads better as text
)

#: Common destinations: ISO code → (French name, English name, other spellings people use).
DESTINATIONS: Final[dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "US": (
        "États-Unis",
        "United States",
        ("USA", "États-Unis d'Amérique", "United States of America"),
    ),
    "MX": ("Mexique", "Mexico", ()),
    "CU": ("Cuba", "Cuba", ()),
    "DO": ("République dominicaine", "Dominican Republic", ()),
    "JM": ("Jamaïque", "Jamaica", ()),
    "BS": ("Bahamas", "Bahamas", ()),
    "BB": ("Barbade", "Barbados", ()),
    "HT": ("Haïti", "Haiti", ()),
    "CR": ("Costa Rica", "Costa Rica", ()),
    "PA": ("Panama", "Panama", ()),
    "GT": ("Guatemala", "Guatemala", ()),
    "BZ": ("Belize", "Belize", ()),
    "CO": ("Colombie", "Colombia", ()),
    "PE": ("Pérou", "Peru", ()),
    "BR": ("Brésil", "Brazil", ()),
    "AR": ("Argentine", "Argentina", ()),
    "CL": ("Chili", "Chile", ()),
    "EC": ("Équateur", "Ecuador", ()),
    "FR": ("France", "France", ()),
    "BE": ("Belgique", "Belgium", ()),
    "CH": ("Suisse", "Switzerland", ()),
    "LU": ("Luxembourg", "Luxembourg", ()),
    "DE": ("Allemagne", "Germany", ()),
    "AT": ("Autriche", "Austria", ()),
    "IT": ("Italie", "Italy", ()),
    "ES": ("Espagne", "Spain", ()),
    "PT": ("Portugal", "Portugal", ()),
    "GB": ("Royaume-Uni", "United Kingdom", ("UK", "Grande-Bretagne", "Great Britain")),
    "IE": ("Irlande", "Ireland", ()),
    "NL": ("Pays-Bas", "Netherlands", ("Hollande", "Holland")),
    "DK": ("Danemark", "Denmark", ()),
    "SE": ("Suède", "Sweden", ()),
    "NO": ("Norvège", "Norway", ()),
    "FI": ("Finlande", "Finland", ()),
    "IS": ("Islande", "Iceland", ()),
    "PL": ("Pologne", "Poland", ()),
    "CZ": ("Tchéquie", "Czechia", ("République tchèque", "Czech Republic")),
    "HU": ("Hongrie", "Hungary", ()),
    "GR": ("Grèce", "Greece", ()),
    "HR": ("Croatie", "Croatia", ()),
    "RO": ("Roumanie", "Romania", ()),
    "TR": ("Turquie", "Türkiye", ("Turkey",)),
    "MA": ("Maroc", "Morocco", ()),
    "TN": ("Tunisie", "Tunisia", ()),
    "DZ": ("Algérie", "Algeria", ()),
    "EG": ("Égypte", "Egypt", ()),
    "SN": ("Sénégal", "Senegal", ()),
    "CI": ("Côte d'Ivoire", "Côte d'Ivoire", ("Ivory Coast",)),
    "ZA": ("Afrique du Sud", "South Africa", ()),
    "KE": ("Kenya", "Kenya", ()),
    "IL": ("Israël", "Israel", ()),
    "LB": ("Liban", "Lebanon", ()),
    "AE": ("Émirats arabes unis", "United Arab Emirates", ("UAE",)),
    "IN": ("Inde", "India", ()),
    "CN": ("Chine", "China", ()),
    "JP": ("Japon", "Japan", ()),
    "KR": ("Corée du Sud", "South Korea", ("Korea",)),
    "VN": ("Viêt Nam", "Vietnam", ("Vietnam", "Viet Nam")),
    "TH": ("Thaïlande", "Thailand", ()),
    "PH": ("Philippines", "Philippines", ()),
    "ID": ("Indonésie", "Indonesia", ()),
    "AU": ("Australie", "Australia", ()),
    "NZ": ("Nouvelle-Zélande", "New Zealand", ()),
    "CA": ("Canada", "Canada", ()),
}
