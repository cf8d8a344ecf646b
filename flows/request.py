"""The extension request: one schema for CLI options, JSON objects and CSV/XLSX rows.

Two levels, because routing needs far less than entering a sale:

- ``RoutingFacts``: what the aide-mémoire looks at (contract number, product, annual extension,
  coverages, departed, claim, request date) plus the trip and legacy dates when known.
- ``ExtensionRequest``: everything the automated flow enters in Espace partenaire (client,
  trip, legacy days, residency answers, Québec consents). It is also a ``RoutingFacts``.

``parse_routing_facts`` and ``parse_extension_request`` turn a plain mapping (a JSON object, a CSV
row, CLI options) into either, and report EVERY problem of the row at once as ``RequestInvalid``.
Field values are lenient where people type them (case, accents, spaces, ``oui``/``non``) and
strict where a guess could sell the wrong contract (dates are ISO only, codes from fixed lists).
Days are counted inclusively: 2026-05-01 to 2026-06-30 is 61 days, as on the portal's screen.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Final, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from flows.errors import Problem, RequestInvalid

__all__ = [
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
    "inclusive_days",
    "iter_fields",
    "normalise_contract_number",
    "parse_extension_request",
    "parse_routing_facts",
    "problems_from_validation_error",
    "validation_messages",
]


# --- vocabularies -------------------------------------------------------------------------------


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


class Language(StrEnum):
    """The client's language."""

    FR = "fr"
    EN = "en"


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


# Labels people type for codes (French as in the seed, English as in the English portal).
_PRODUCT_LABELS: Final[dict[str, Product]] = {
    "voyage individuel": Product.SINGLE_TRIP,
    "voyage unique": Product.SINGLE_TRIP,
    "forfait plus": Product.SINGLE_TRIP,
    "single trip": Product.SINGLE_TRIP,
    "annuel multi voyages": Product.ANNUAL_MULTI_TRIP,
    "annual multi trip": Product.ANNUAL_MULTI_TRIP,
    "assurance complementaire": Product.TOP_UP,
    "top up": Product.TOP_UP,
    "visiteurs au canada": Product.VISITORS_TO_CANADA,
    "visitors to canada": Product.VISITORS_TO_CANADA,
}
_TRIP_REASON_LABELS: Final[dict[str, TripReason]] = {
    "vacances": TripReason.VACATION,
    "vacation": TripReason.VACATION,
    "affaires": TripReason.BUSINESS,
    "business": TripReason.BUSINESS,
    "etudes": TripReason.STUDY,
    "study": TripReason.STUDY,
    "studies": TripReason.STUDY,
    "visite de la famille": TripReason.FAMILY,
    "visiting family": TripReason.FAMILY,
    "family visit": TripReason.FAMILY,
    "autre": TripReason.OTHER,
    "other": TripReason.OTHER,
}
_LANGUAGE_LABELS: Final[dict[str, Language]] = {
    "francais": Language.FR,
    "french": Language.FR,
    "anglais": Language.EN,
    "english": Language.EN,
}
_TRUE: Final = frozenset({"true", "oui", "yes", "1", "vrai", "o", "y"})
_FALSE: Final = frozenset({"false", "non", "no", "0", "faux", "n"})

# Every ISO 3166-1 alpha-2 code, so a code outside the name table below is still accepted.
_ISO_ALPHA2: Final = frozenset(
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
        "États-Unis", "United States", ("USA", "États-Unis d'Amérique", "United States of America")
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


def _fold(text: str) -> str:
    """Compare the way people type: no accents, no case, hyphens/apostrophes as spaces."""
    spaced = re.sub(r"[-'’._/]+", " ", text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.casefold().split())


_DESTINATION_NAMES: Final[dict[str, str]] = {
    _fold(name): code
    for code, (fr, en, others) in DESTINATIONS.items()
    for name in (fr, en, *others)
}


def inclusive_days(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, both counted: 2026-05-01..2026-06-30 is 61."""
    return (end - start).days + 1


_AA_NUMBER: Final = re.compile(r"AA[0-9]{8}")
_LEGACY_NUMBER: Final = re.compile(r"[A-Z]{2}[0-9]{5,8}")


def normalise_contract_number(value: str) -> tuple[str, SoldIn] | None:
    """``" lh 12345 "`` → ``("LH12345", SoldIn.INFO_PARTENAIRES)``; ``None`` if not a number."""
    number = "".join(value.split()).upper()
    if _AA_NUMBER.fullmatch(number):
        return number, SoldIn.ESPACE_PARTENAIRE
    if _LEGACY_NUMBER.fullmatch(number) and not number.startswith("AA"):
        return number, SoldIn.INFO_PARTENAIRES
    return None


# --- field converters -----------------------------------------------------------------------------
# Each converter turns what a person typed into the Python value, or raises _Invalid(message).
# _Field wraps it with the accepted-values text, so every message says what would be accepted.


class _Invalid(ValueError):
    """A value a converter refuses; the message says what was wrong, never the personal value."""


def _quote(value: object) -> str:
    """Quote a code-like input in a message (braces dropped: pydantic formats the template)."""
    text = str(value).replace("{", "").replace("}", "")
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _blank(value: object) -> object:
    """Empty cells mean "not given"; strings are stripped."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


_T = TypeVar("_T")


class _Field:
    """A before-validator: blank → None (or "is required"), else the converter's value."""

    def __init__(self, accepted: str, convert: Callable[[Any], Any], *, optional: bool) -> None:
        self.accepted = accepted
        self.convert = convert
        self.optional = optional

    def __call__(self, value: object) -> object:
        value = _blank(value)
        if value is None:
            if self.optional:
                return None
            raise PydanticCustomError("prolong_invalid", "is required", {"accepted": self.accepted})
        try:
            return self.convert(value)
        except _Invalid as problem:
            raise PydanticCustomError(
                "prolong_invalid", str(problem), {"accepted": self.accepted}
            ) from None


def _req(accepted: str, convert: Callable[[Any], Any]) -> BeforeValidator:
    return BeforeValidator(_Field(accepted, convert, optional=False))


def _opt(accepted: str, convert: Callable[[Any], Any]) -> BeforeValidator:
    return BeforeValidator(_Field(accepted, convert, optional=True))


def _contract_number(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"{_quote(value)} is not a contract number")
    found = normalise_contract_number(value)
    if found is None:
        raise _Invalid(f"{_quote(value)} is not a contract number")
    return found[0]


def _choice(
    enum: type[StrEnum], labels: Mapping[str, StrEnum] | None = None, *, what: str
) -> Callable[[Any], Any]:
    """Accept an enum's code or one of its labels, ignoring case and accents."""
    by_name = {_fold(member.value): member for member in enum}
    by_name.update({_fold(label): member for label, member in (labels or {}).items()})

    def convert(value: object) -> StrEnum:
        found = by_name.get(_fold(str(value)))
        if found is None:
            raise _Invalid(f"{_quote(value)} is not a {what}")
        return found

    return convert


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _fold(str(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Invalid(f"{_quote(value)} is not a yes/no value")


def _iso_date(value: object) -> date:
    if isinstance(value, datetime):
        # Spreadsheets hand dates over as midnight datetimes; a time of day means a wrong cell.
        if value.time() != datetime.min.time():
            raise _Invalid("is a date and time, not a date")
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise _Invalid("is not an ISO date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Invalid("is not a calendar date") from None


def _day_count(value: object) -> int:
    if isinstance(value, bool):
        raise _Invalid(f"{_quote(value)} is not a number of days")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        value = int(value)
    if not isinstance(value, int):
        raise _Invalid(f"{_quote(value)} is not a whole number of days")
    if value < 1:
        raise _Invalid("must be at least 1")
    return value


def _coverage_items(value: object) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            # A JSON list pasted into a CSV cell is still a list.
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise _Invalid("is not a valid JSON list") from None
        else:
            return [item for item in (part.strip() for part in text.split(";")) if item]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item).strip() for item in value if str(item).strip()]
    raise _Invalid("is not a list of coverages")


_COVERAGE_BY_NAME: Final = {_fold(member.value): member for member in Coverage}


def _coverages(value: object) -> tuple[Coverage, ...]:
    items = _coverage_items(value)
    unknown = [item for item in items if _fold(item) not in _COVERAGE_BY_NAME]
    if unknown:
        raise _Invalid(f"unknown coverage {', '.join(_quote(item) for item in unknown)}")
    chosen = {_COVERAGE_BY_NAME[_fold(item)] for item in items}
    if not chosen:
        raise _Invalid("needs at least one coverage")
    if {Coverage.EMC, Coverage.EMC_REDUCED_STABILITY} <= chosen:
        # emc_reduced_stability is EMC with an option: both at once is a typing mistake.
        raise _Invalid("emc and emc_reduced_stability exclude each other")
    return tuple(member for member in Coverage if member in chosen)


def _destination(value: object) -> str:
    text = str(value).strip()
    if len(text) == 2 and text.upper() in _ISO_ALPHA2:
        return text.upper()
    code = _DESTINATION_NAMES.get(_fold(text))
    if code is None:
        raise _Invalid(f"{_quote(value)} is not a known country")
    return code


def _name(value: object) -> str:
    text = " ".join(str(value).split())
    if not any(char.isalpha() for char in text) or len(text) > 80:
        raise _Invalid("is not a name (letters, at most 80 characters)")
    return text


def _phone(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"[^0-9]", "", str(value))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or re.search(r"[A-Za-z]", str(value)):
        raise _Invalid("is not a 10-digit North American phone number")
    return digits


def _postal_code(value: object) -> str:
    text = "".join(str(value).split()).upper()
    if not re.fullmatch(r"[A-Z][0-9][A-Z][0-9][A-Z][0-9]", text):
        raise _Invalid("is not a Canadian postal code")
    return f"{text[:3]} {text[3:]}"


def _email(value: object) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise _Invalid("is not an e-mail address")
    return text


def _short_text(value: object) -> str:
    text = str(value).strip()
    if len(text) > 40:
        raise _Invalid("is longer than 40 characters")
    return text


def _codes(enum: type[StrEnum]) -> str:
    return " | ".join(member.value for member in enum)


_ACC_CONTRACT = (
    "AA + 8 digits for Espace partenaire (e.g. AA12345678), or two other letters + 5 to 8 "
    "digits for Info-partenaires.ca (e.g. LH12345); case and spaces are ignored"
)
_ACC_PRODUCT = f"{_codes(Product)}, or a product label such as Voyage individuel"
_ACC_EXTENSION = f"{_codes(AnnualExtension)} (existing = the annual was already extended once)"
_ACC_COVERAGES = f"one or more of {_codes(Coverage)}, as a JSON list or separated by ;"
_ACC_FLAG = "true/false, oui/non, yes/no, 1/0"
_ACC_CLAIM = _codes(Claim)
_ACC_DATE = "an ISO date YYYY-MM-DD"
_ACC_DAYS = "a whole number of days, at least 1"
_ACC_DESTINATION = "an ISO 3166-1 alpha-2 code (e.g. FR) or a country name in French or English"
_ACC_REASON = (
    f"{_codes(TripReason)}, or Vacances, Affaires, Études, Visite de la famille, Autre "
    "(or the English labels)"
)
_ACC_PROVINCE = f"a two-letter code: {_codes(Province)}"
_ACC_LANGUAGE = "fr | en"
_ACC_NAME = "letters, at most 80 characters"
_ACC_PHONE = "10 digits, any formatting, e.g. (514) 555-0100"
_ACC_POSTAL = "a Canadian postal code, e.g. H3A 2Y1"
_ACC_EMAIL = "an e-mail address"
_ACC_TEXT = "at most 40 characters"

ContractNumber = Annotated[str, _req(_ACC_CONTRACT, _contract_number)]
ProductField = Annotated[
    Product, _req(_ACC_PRODUCT, _choice(Product, _PRODUCT_LABELS, what="product"))
]
OptAnnualExtension = Annotated[
    AnnualExtension | None,
    _opt(_ACC_EXTENSION, _choice(AnnualExtension, what="kind of annual extension")),
]
Coverages = Annotated[tuple[Coverage, ...], _req(_ACC_COVERAGES, _coverages)]
Flag = Annotated[bool, _req(_ACC_FLAG, _flag)]
OptFlag = Annotated[bool | None, _opt(_ACC_FLAG, _flag)]
ClaimField = Annotated[Claim, _req(_ACC_CLAIM, _choice(Claim, what="claim status"))]
IsoDate = Annotated[date, _req(_ACC_DATE, _iso_date)]
OptIsoDate = Annotated[date | None, _opt(_ACC_DATE, _iso_date)]
OptDays = Annotated[int | None, _opt(_ACC_DAYS, _day_count)]
Destination = Annotated[str, _req(_ACC_DESTINATION, _destination)]
TripReasonField = Annotated[
    TripReason, _req(_ACC_REASON, _choice(TripReason, _TRIP_REASON_LABELS, what="trip reason"))
]
ProvinceField = Annotated[Province, _req(_ACC_PROVINCE, _choice(Province, what="province code"))]
LanguageField = Annotated[
    Language, _req(_ACC_LANGUAGE, _choice(Language, _LANGUAGE_LABELS, what="language"))
]
Name = Annotated[str, _req(_ACC_NAME, _name)]
Phone = Annotated[str, _req(_ACC_PHONE, _phone)]
PostalCode = Annotated[str, _req(_ACC_POSTAL, _postal_code)]
OptEmail = Annotated[str | None, _opt(_ACC_EMAIL, _email)]
OptText = Annotated[str | None, _opt(_ACC_TEXT, _short_text)]


# --- cross-field rules ----------------------------------------------------------------------------


def _cross_field_problems(values: Mapping[str, Any], *, full: bool) -> list[Problem]:
    """Problems between fields, checked only among the fields that parsed on their own."""
    problems = _product_problems(values)
    problems += _date_problems(values)
    if full:
        problems += _full_request_problems(values)
    return problems


def _product_problems(values: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    product = values.get("product")
    if product is Product.ANNUAL_MULTI_TRIP and values.get("annual_extension") is None:
        problems.append(Problem("annual_extension", "is required for product annual_multi_trip",
                                _ACC_EXTENSION))
    if product not in (None, Product.ANNUAL_MULTI_TRIP) and values.get("annual_extension"):
        problems.append(Problem("annual_extension", f"does not apply to product {product}",
                                "empty unless product is annual_multi_trip"))
    coverages = values.get("coverages")
    if product is Product.TOP_UP and coverages and set(coverages) != {Coverage.EMC}:
        problems.append(Problem("coverages", "product top_up covers emergency medical care only",
                                "emc"))
    return problems


def _date_problems(values: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    start, end = values.get("trip_start"), values.get("trip_end")
    days, last = values.get("legacy_days"), values.get("legacy_end")
    if start and end and end < start:
        problems.append(
            Problem("trip_end", "is before trip_start", "a date on or after trip_start")
        )
        return problems
    if start and last and last < start:
        problems.append(Problem("legacy_end", "is before trip_start",
                                "the last day the legacy contract covers, on or after trip_start"))
        return problems
    if start and days and last and start + timedelta(days=days - 1) != last:
        problems.append(Problem("legacy_end", "does not match legacy_days",
                                "legacy_days or legacy_end, or both consistent"))
        return problems
    if start and last and days is None:
        days = inclusive_days(start, last)
    if start and end and days is not None and days >= inclusive_days(start, end):
        field = "legacy_days" if values.get("legacy_days") else "legacy_end"
        problems.append(Problem(
            field,
            f"the legacy coverage reaches the end of the trip ({inclusive_days(start, end)} days,"
            " both ends counted): nothing is left to extend",
            "fewer legacy days than the trip's days, i.e. a legacy end before trip_end",
        ))
    return problems


def _full_request_problems(values: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    number = values.get("contract_number")
    legacy = number is not None and not str(number).startswith("AA")
    if legacy and values.get("legacy_days") is None and values.get("legacy_end") is None:
        problems.append(Problem("legacy_days", "legacy_days or legacy_end is required for a "
                                "contract sold on Info-partenaires.ca", _ACC_DAYS))
    born, asked = values.get("birth_date"), values.get("request_date") or date.today()
    if born and born >= asked:
        problems.append(Problem("birth_date", "is not before request_date", "a past date"))
    return problems


# --- models --------------------------------------------------------------------------------------


class RoutingFacts(BaseModel):
    """What routing needs: the aide-mémoire's inputs, plus the trip and legacy dates when known.

    ``legacy_days`` and ``legacy_end`` are completed from each other when ``trip_start`` is known.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")
    _full: ClassVar[bool] = False

    contract_number: ContractNumber
    product: ProductField
    annual_extension: OptAnnualExtension = None
    coverages: Coverages
    departed: Flag
    claim: ClaimField
    request_date: IsoDate = Field(default_factory=date.today)
    trip_start: OptIsoDate = None
    trip_end: OptIsoDate = None
    legacy_days: OptDays = None
    legacy_end: OptIsoDate = None

    @model_validator(mode="after")
    def _check_and_complete(self) -> RoutingFacts:
        problems = _cross_field_problems(dict(self), full=self._full)
        if problems:
            raise PydanticCustomError(
                "prolong_request",
                "; ".join(str(problem) for problem in problems),
                {"problems": [(p.field, p.message, p.accepted) for p in problems]},
            )
        if self.trip_start is not None:
            # Frozen model: fill the derived half once, here, so readers never recompute it.
            if self.legacy_end is not None and self.legacy_days is None:
                object.__setattr__(
                    self, "legacy_days", inclusive_days(self.trip_start, self.legacy_end)
                )
            elif self.legacy_days is not None and self.legacy_end is None:
                object.__setattr__(
                    self, "legacy_end", self.trip_start + timedelta(days=self.legacy_days - 1)
                )
        return self

    @property
    def sold_in(self) -> SoldIn:
        """Espace partenaire for ``AA…`` numbers, Info-partenaires.ca otherwise."""
        if self.contract_number.startswith("AA"):
            return SoldIn.ESPACE_PARTENAIRE
        return SoldIn.INFO_PARTENAIRES

    @property
    def trip_days(self) -> int | None:
        """Days of the whole stay, both ends counted (None when the dates are not known)."""
        if self.trip_start is None or self.trip_end is None:
            return None
        return inclusive_days(self.trip_start, self.trip_end)

    @property
    def extension_days(self) -> int | None:
        """Days after the legacy coverage up to the end of the trip."""
        if self.trip_days is None or self.legacy_days is None:
            return None
        return self.trip_days - self.legacy_days


class ExtensionRequest(RoutingFacts):
    """A full request: what the automated flow enters in Espace partenaire (seed steps 1–7).

    ``privacy_consent`` and ``dsr_disclosure`` stay ``None`` unless the client actually answered;
    nothing here or downstream assumes a consent.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    _full: ClassVar[bool] = True

    first_name: Name
    last_name: Name
    birth_date: IsoDate
    phone: Phone
    email: OptEmail = None
    postal_code: PostalCode
    province: ProvinceField
    language: LanguageField
    client_number: OptText = None
    destination: Destination
    trip_reason: TripReasonField
    trip_start: IsoDate  # required here, optional for routing
    trip_end: IsoDate
    buyer_travelling: Flag
    all_canadian_residents: Flag
    all_provincial_plan: Flag
    privacy_consent: OptFlag = None
    dsr_disclosure: OptFlag = None

    @property
    def resident_flow(self) -> bool:
        """All three residency answers are Oui: the portal offers the resident flow."""
        return self.buyer_travelling and self.all_canadian_residents and self.all_provincial_plan

    @property
    def needs_privacy_consent(self) -> bool:
        """Québec client whose consent is not recorded: the flow must stop and ask."""
        return self.province is Province.QC and self.privacy_consent is not True


# --- parsing plain mappings ----------------------------------------------------------------------


def _accepted_of(field_info: FieldInfo) -> str | None:
    for meta in field_info.metadata:
        if isinstance(meta, BeforeValidator) and isinstance(meta.func, _Field):
            return meta.func.accepted
    return None


#: For each field of the schema, the accepted values, as error messages state them.
FIELD_ACCEPTED: Final[dict[str, str]] = {
    name: accepted
    for name, info in ExtensionRequest.model_fields.items()
    if (accepted := _accepted_of(info)) is not None
}

def _field_type(info: FieldInfo) -> Any:
    """The field's annotation with its validators, to validate one field on its own."""
    annotated: Any = Annotated
    return annotated[(info.annotation, *info.metadata)]


# One adapter per field, so a row's fields are checked one by one and every problem is reported.
_ADAPTERS: Final[dict[str, TypeAdapter[Any]]] = {
    name: TypeAdapter(_field_type(info)) for name, info in ExtensionRequest.model_fields.items()
}
_M = TypeVar("_M", bound=RoutingFacts)


def _clean_key(key: object) -> str:
    # Excel's CSV export starts with a byte-order mark; headers may carry stray spaces or capitals.
    return str(key).replace("\ufeff", "").strip().lower()


def _parse(model: type[_M], data: Mapping[str, object], ignore_unknown: bool) -> _M:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for raw_key, raw in data.items():
        key = _clean_key(raw_key)
        if key not in _ADAPTERS:
            if not ignore_unknown:
                problems.append(Problem(key, "is not a field of the request",
                                        ", ".join(_ADAPTERS)))
            continue
        if (value := _blank(raw)) is None:
            continue
        try:
            values[key] = _ADAPTERS[key].validate_python(value)
        except ValidationError as error:
            problems += problems_from_validation_error(error, field=key)
    failed = {problem.field for problem in problems}
    problems += [
        Problem(name, "is required", FIELD_ACCEPTED.get(name))
        for name, info in model.model_fields.items()
        if info.is_required() and name not in values and name not in failed
    ]
    # A field that failed on its own is absent from ``values``: say it once, not twice.
    problems += [
        problem for problem in _cross_field_problems(values, full=model._full)
        if problem.field not in failed
    ]
    if problems:
        raise RequestInvalid(problems)
    return model.model_validate({k: v for k, v in values.items() if k in model.model_fields})


def parse_routing_facts(
    data: Mapping[str, object], *, ignore_unknown: bool = False
) -> RoutingFacts:
    """Parse a JSON object, CSV row or CLI options into ``RoutingFacts``.

    Only the routing fields are required; client and trip fields, when present, are checked too,
    so a bad row is reported whole. Unknown keys are problems unless ``ignore_unknown``.
    Raises ``RequestInvalid`` with every problem of the row.
    """
    return _parse(RoutingFacts, data, ignore_unknown)


def parse_extension_request(
    data: Mapping[str, object], *, ignore_unknown: bool = False
) -> ExtensionRequest:
    """Parse a mapping into a full ``ExtensionRequest``.

    Raises ``RequestInvalid`` with every problem of the row.
    """
    return _parse(ExtensionRequest, data, ignore_unknown)


def problems_from_validation_error(
    error: ValidationError, *, field: str | None = None
) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into ``Problem`` s (field, what was wrong, accepted)."""
    problems: list[Problem] = []
    for item in error.errors(include_url=False, include_input=False):
        name = field or ".".join(str(part) for part in item["loc"]) or "request"
        context: dict[str, Any] = dict(item.get("ctx") or {})
        if item["type"] == "prolong_request":
            problems += [Problem(*entry) for entry in context["problems"]]
        elif item["type"] == "missing":
            problems.append(Problem(name, "is required", FIELD_ACCEPTED.get(name)))
        elif item["type"] == "extra_forbidden":
            problems.append(Problem(name, "is not a field of the request", ", ".join(_ADAPTERS)))
        else:
            accepted = context.get("accepted", FIELD_ACCEPTED.get(name))
            problems.append(Problem(name, item["msg"], accepted))
    return problems


def validation_messages(error: ValidationError | RequestInvalid) -> list[str]:
    """Human lines ``field: what was wrong (accepted: ...)`` for either kind of error."""
    if isinstance(error, RequestInvalid):
        return error.messages()
    return [str(problem) for problem in problems_from_validation_error(error)]


def iter_fields() -> Iterable[str]:
    """Every field name of the schema, routing fields first."""
    return iter(_ADAPTERS)
