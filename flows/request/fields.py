"""Field parsing: one parser per kind of field, turning what a person typed into a value.

A module of its own because parsing one cell is a different idea from the request as a whole
(``flows.request``: required fields, rules between fields, every problem of a row at once) and
from the words a field accepts (``flows.request.vocabulary``). Each parser takes a raw value (a CSV
cell, a JSON value, a CLI option, an XLSX cell already typed as a date or a number) and returns the
Python value or raises ``FieldInvalid`` saying what was wrong.

Lenient where it is unambiguous, precise where it is not: case, accents, apostrophes and spaces
never matter (``automation.text.fold``, the project's one comparison rule) and a code, its French
name and its English name are equal; a value that could mean two things is refused. Dates, whose
policy is the longest, have their own module (``flows.request.dates``) built on the machinery here.
A message may quote a code the operator typed, never personal data (a name, a phone…).

``FieldParser`` wraps a parser with the text of what the field accepts, as a pydantic
before-validator, so every refusal names what would have been accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Final, TypeVar

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from automation.text import fold
from flows.language import say
from flows.request.vocabulary import (
    DESTINATIONS,
    ISO_ALPHA2,
    AnnualExtension,
    Claim,
    Coverage,
    Language,
    Product,
    Province,
    SoldIn,
    TripReason,
    labels_of,
    spellings_of,
)

__all__ = [
    "Accepted",
    "ClaimField",
    "ContractNumber",
    "Coverages",
    "Destination",
    "FieldInvalid",
    "FieldParser",
    "Flag",
    "LanguageField",
    "Name",
    "OptAnnualExtension",
    "OptDays",
    "OptEmail",
    "OptFlag",
    "OptText",
    "Phone",
    "PostalCode",
    "ProductField",
    "ProvinceField",
    "TripReasonField",
    "blank",
    "enum_parser",
    "normalise_contract_number",
    "optional_field",
    "parse_contract_number",
    "parse_coverages",
    "parse_day_count",
    "parse_destination",
    "parse_email",
    "parse_flag",
    "parse_name",
    "parse_phone",
    "parse_postal_code",
    "parse_short_text",
    "quote",
    "required_field",
]


class Accepted:
    """What a field accepts, in both languages; ``str()`` gives the run's language."""

    __slots__ = ("en", "fr")

    def __init__(self, *, fr: str, en: str) -> None:
        self.fr, self.en = fr, en

    def __str__(self) -> str:
        return say(fr=self.fr, en=self.en)


class FieldInvalid(ValueError):
    """A value a parser refuses; the message says what was wrong, never personal data."""


def quote(value: object) -> str:
    """Quote a code-like input in a message (braces dropped: pydantic formats the template)."""
    text = str(value).replace("{", "").replace("}", "")
    return repr(text if len(text) <= 40 else text[:37] + "...")


def blank(value: object) -> object:
    """Empty cells mean "not given"; strings are stripped."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class FieldParser:
    """A before-validator: blank → None (or "is required"), else the parser's value.

    ``accepted`` is the text every refusal of the field carries (``Problem.accepted``), in the
    run's language when it is read.
    """

    def __init__(self, accepted: Accepted, parse: Callable[[Any], Any], *, optional: bool) -> None:
        self.words = accepted
        self.parse = parse
        self.optional = optional

    @property
    def accepted(self) -> str:
        """What the field accepts, in the run's language."""
        return str(self.words)

    def __call__(self, value: object) -> object:
        """Validate one raw value (pydantic calls this before its own type check)."""
        value = blank(value)
        if value is None:
            if self.optional:
                return None
            required = say(fr="est obligatoire", en="is required")
            raise PydanticCustomError("prolong_invalid", required, {"accepted": self.accepted})
        try:
            return self.parse(value)
        except FieldInvalid as problem:
            raise PydanticCustomError(
                "prolong_invalid", str(problem), {"accepted": self.accepted}
            ) from None


def required_field(accepted: Accepted, parse: Callable[[Any], Any]) -> BeforeValidator:
    """The validator of a required field: blank is "is required"."""
    return BeforeValidator(FieldParser(accepted, parse, optional=False))


def optional_field(accepted: Accepted, parse: Callable[[Any], Any]) -> BeforeValidator:
    """The validator of an optional field: blank is ``None``."""
    return BeforeValidator(FieldParser(accepted, parse, optional=True))


# --- contract numbers -----------------------------------------------------------------------------

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


def parse_contract_number(value: object) -> str:
    """A contract number, normalised (``LH12345``, ``AA12345678``)."""
    found = normalise_contract_number(value) if isinstance(value, str) else None
    if found is None:
        raise FieldInvalid(
            say(
                fr=f"{quote(value)} n’est pas un numéro de contrat",
                en=f"{quote(value)} is not a contract number",
            )
        )
    return found[0]


# --- enumerated values ----------------------------------------------------------------------------

_E = TypeVar("_E", bound=StrEnum)


def _spelling_table(enum: type[_E]) -> dict[str, _E]:
    """Folded spelling → value; a spelling naming two values is a mistake in the vocabulary."""
    table: dict[str, _E] = {}
    for member in enum:
        for spelling in spellings_of(member):
            if table.setdefault(fold(spelling), member) is not member:
                raise ValueError(f"{spelling!r} names two values of {enum.__name__}")
    return table


def enum_parser(enum: type[_E], *, what: str, what_fr: str) -> Callable[[object], _E]:
    """A parser accepting a value's code or any of its names, case, accents and spaces folded.

    ``what`` and ``what_fr`` name the kind of value in a refusal (« n'est pas {what_fr} »).
    """
    table = _spelling_table(enum)

    def parse(value: object) -> _E:
        found = table.get(fold(str(value)))
        if found is None:
            raise FieldInvalid(
                say(fr=f"{quote(value)} n’est pas {what_fr}", en=f"{quote(value)} is not a {what}")
            )
        return found

    return parse


def _accepted_choice(enum: type[StrEnum], *, then: Accepted | None = None) -> Accepted:
    """``none | filed | expected, or in French Aucune | Déposée | Prévue``, from the vocabulary.

    In French the French names come first, the codes after. ``then`` is appended to each.
    """
    labels = labels_of(enum)
    codes = " | ".join(member.value for member in enum)
    french = " | ".join(labels[member].fr for member in enum)
    # English names are only worth mentioning where they are not the codes themselves.
    english = any(fold(labels[member].en) != fold(member.value) for member in enum)
    fr = f"{french}, ou les codes {codes}" + (", ou les noms anglais" if english else "")
    en = f"{codes}, or in French {french}" + (", or the English names" if english else "")
    if then is not None:
        fr, en = fr + then.fr, en + then.en
    return Accepted(fr=fr, en=en)


# --- yes/no ---------------------------------------------------------------------------------------

_TRUE: Final = frozenset({"true", "oui", "yes", "1", "vrai", "o", "y"})
_FALSE: Final = frozenset({"false", "non", "no", "0", "faux", "n"})


def parse_flag(value: object) -> bool:
    """A yes/no answer, in French or English, or a spreadsheet's boolean or 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = fold(str(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldInvalid(
        say(
            fr=f"{quote(value)} n’est pas une réponse oui/non",
            en=f"{quote(value)} is not a yes/no value",
        )
    )


# --- numbers and lists ----------------------------------------------------------------------------


def parse_day_count(value: object) -> int:
    """A whole number of days, at least 1 (a spreadsheet's ``15.0`` is 15)."""
    if isinstance(value, bool):
        raise FieldInvalid(
            say(
                fr=f"{quote(value)} n’est pas un nombre de jours",
                en=f"{quote(value)} is not a number of days",
            )
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        value = int(value)
    if not isinstance(value, int):
        raise FieldInvalid(
            say(
                fr=f"{quote(value)} n’est pas un nombre entier de jours",
                en=f"{quote(value)} is not a whole number of days",
            )
        )
    if value < 1:
        raise FieldInvalid(say(fr="doit valoir au moins 1", en="must be at least 1"))
    return value


def _coverage_items(value: object) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            # A JSON list pasted into a CSV cell is still a list.
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise FieldInvalid(
                    say(fr="n’est pas une liste JSON valide", en="is not a valid JSON list")
                ) from None
        else:
            return [item for item in (part.strip() for part in text.split(";")) if item]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item).strip() for item in value if str(item).strip()]
    raise FieldInvalid(
        say(fr="n’est pas une liste de couvertures", en="is not a list of coverages")
    )


_COVERAGE_BY_NAME: Final = _spelling_table(Coverage)


def parse_coverages(value: object) -> tuple[Coverage, ...]:
    """One or more coverages (codes or names), as a list or ``;``-separated, in the enum's order."""
    items = _coverage_items(value)
    unknown = [item for item in items if fold(item) not in _COVERAGE_BY_NAME]
    if unknown:
        quoted = ", ".join(quote(item) for item in unknown)
        raise FieldInvalid(say(fr=f"couverture inconnue {quoted}", en=f"unknown coverage {quoted}"))
    chosen = {_COVERAGE_BY_NAME[fold(item)] for item in items}
    if not chosen:
        raise FieldInvalid(
            say(fr="il faut au moins une couverture", en="needs at least one coverage")
        )
    if {Coverage.EMC, Coverage.EMC_REDUCED_STABILITY} <= chosen:
        # emc_reduced_stability is EMC with an option: both at once is a typing mistake.
        raise FieldInvalid(
            say(
                fr="emc et emc_reduced_stability s’excluent l’une l’autre",
                en="emc and emc_reduced_stability exclude each other",
            )
        )
    return tuple(member for member in Coverage if member in chosen)


# --- destination and client -----------------------------------------------------------------------

_DESTINATION_NAMES: Final[dict[str, str]] = {
    fold(name): code
    for code, (fr, en, others) in DESTINATIONS.items()
    for name in (fr, en, *others)
}


def parse_destination(value: object) -> str:
    """An ISO 3166-1 alpha-2 code, or a known country's name in French or English → its code."""
    text = str(value).strip()
    if len(text) == 2 and text.upper() in ISO_ALPHA2:
        return text.upper()
    code = _DESTINATION_NAMES.get(fold(text))
    if code is None:
        raise FieldInvalid(
            say(
                fr=f"{quote(value)} n’est pas un pays connu",
                en=f"{quote(value)} is not a known country",
            )
        )
    return code


def parse_name(value: object) -> str:
    """A person's name, spaces collapsed (personal: never quoted)."""
    text = " ".join(str(value).split())
    if not any(char.isalpha() for char in text) or len(text) > 80:
        raise FieldInvalid(
            say(
                fr="n’est pas un nom (des lettres, 80 caractères au plus)",
                en="is not a name (letters, at most 80 characters)",
            )
        )
    return text


def parse_phone(value: object) -> str:
    """A North American phone number, any formatting → its 10 digits (personal: never quoted)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"[^0-9]", "", str(value))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or re.search(r"[A-Za-z]", str(value)):
        raise FieldInvalid(
            say(
                fr="n’est pas un numéro de téléphone nord-américain à 10 chiffres",
                en="is not a 10-digit North American phone number",
            )
        )
    return digits


def parse_postal_code(value: object) -> str:
    """A Canadian postal code → ``H3A 2Y1`` (personal: never quoted)."""
    text = "".join(str(value).split()).upper()
    if not re.fullmatch(r"[A-Z][0-9][A-Z][0-9][A-Z][0-9]", text):
        raise FieldInvalid(
            say(fr="n’est pas un code postal canadien", en="is not a Canadian postal code")
        )
    return f"{text[:3]} {text[3:]}"


def parse_email(value: object) -> str:
    """An e-mail address, as typed (personal: never quoted)."""
    text = str(value).strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise FieldInvalid(say(fr="n’est pas une adresse courriel", en="is not an e-mail address"))
    return text


def parse_short_text(value: object) -> str:
    """Free text of at most 40 characters (a client number)."""
    text = str(value).strip()
    if len(text) > 40:
        raise FieldInvalid(say(fr="dépasse 40 caractères", en="is longer than 40 characters"))
    return text


# --- what each kind of field accepts, and the annotated types the model is made of ----------------

_ACC_CONTRACT = Accepted(
    fr="AA + 8 chiffres pour Espace partenaire (p. ex. AA12345678), ou deux autres lettres + 5 à 8 "
    "chiffres pour Info-partenaires.ca (p. ex. LH12345) ; casse et espaces ignorées",
    en="AA + 8 digits for Espace partenaire (e.g. AA12345678), or two other letters + 5 to 8 "
    "digits for Info-partenaires.ca (e.g. LH12345); case and spaces are ignored",
)
_ACC_EXTENSION = _accepted_choice(
    AnnualExtension,
    then=Accepted(
        fr=" (existing = l’annuel a déjà été prolongé une fois)",
        en=" (existing = the annual was already extended once)",
    ),
)
_ACC_COVERAGES = _accepted_choice(
    Coverage,
    then=Accepted(
        fr=" ; une ou plusieurs, en liste JSON ou séparées par ;",
        en="; one or more, as a JSON list or separated by ;",
    ),
)
_ACC_FLAG = Accepted(
    fr="oui/non, vrai/faux, true/false, yes/no, 1/0", en="true/false, oui/non, yes/no, 1/0"
)
_ACC_DAYS = Accepted(
    fr="un nombre entier de jours, au moins 1", en="a whole number of days, at least 1"
)
_ACC_DESTINATION = Accepted(
    fr="un code ISO 3166-1 alpha-2 (p. ex. FR) ou un nom de pays en français ou en anglais",
    en="an ISO 3166-1 alpha-2 code (e.g. FR) or a country name in French or English",
)
_ACC_PROVINCE = Accepted(
    fr=f"un code à deux lettres : {' | '.join(Province)}, ou le nom en français ou en anglais "
    "(p. ex. Québec, Colombie-Britannique)",
    en=f"a two-letter code: {' | '.join(Province)}, or the name in French or English "
    "(e.g. Québec, Colombie-Britannique)",
)
_ACC_NAME = Accepted(fr="des lettres, 80 caractères au plus", en="letters, at most 80 characters")
_ACC_PHONE = Accepted(
    fr="10 chiffres, toute présentation, p. ex. (514) 555-0100",
    en="10 digits, any formatting, e.g. (514) 555-0100",
)
_ACC_POSTAL = Accepted(
    fr="un code postal canadien, p. ex. H3A 2Y1", en="a Canadian postal code, e.g. H3A 2Y1"
)
_ACC_EMAIL = Accepted(fr="une adresse courriel", en="an e-mail address")
_ACC_TEXT = Accepted(fr="40 caractères au plus", en="at most 40 characters")

ContractNumber = Annotated[str, required_field(_ACC_CONTRACT, parse_contract_number)]
ProductField = Annotated[
    Product,
    required_field(
        _accepted_choice(Product), enum_parser(Product, what="product", what_fr="un produit")
    ),
]
OptAnnualExtension = Annotated[
    AnnualExtension | None,
    optional_field(
        _ACC_EXTENSION,
        enum_parser(
            AnnualExtension,
            what="kind of annual extension",
            what_fr="un type de prolongation annuelle",
        ),
    ),
]
Coverages = Annotated[tuple[Coverage, ...], required_field(_ACC_COVERAGES, parse_coverages)]
Flag = Annotated[bool, required_field(_ACC_FLAG, parse_flag)]
OptFlag = Annotated[bool | None, optional_field(_ACC_FLAG, parse_flag)]
ClaimField = Annotated[
    Claim,
    required_field(
        _accepted_choice(Claim),
        enum_parser(Claim, what="claim status", what_fr="un état de réclamation"),
    ),
]
OptDays = Annotated[int | None, optional_field(_ACC_DAYS, parse_day_count)]
Destination = Annotated[str, required_field(_ACC_DESTINATION, parse_destination)]
TripReasonField = Annotated[
    TripReason,
    required_field(
        _accepted_choice(TripReason),
        enum_parser(TripReason, what="trip reason", what_fr="une raison de voyage"),
    ),
]
ProvinceField = Annotated[
    Province,
    required_field(_ACC_PROVINCE, enum_parser(Province, what="province", what_fr="une province")),
]
LanguageField = Annotated[
    Language,
    required_field(
        _accepted_choice(Language), enum_parser(Language, what="language", what_fr="une langue")
    ),
]
Name = Annotated[str, required_field(_ACC_NAME, parse_name)]
Phone = Annotated[str, required_field(_ACC_PHONE, parse_phone)]
PostalCode = Annotated[str, required_field(_ACC_POSTAL, parse_postal_code)]
OptEmail = Annotated[str | None, optional_field(_ACC_EMAIL, parse_email)]
OptText = Annotated[str | None, optional_field(_ACC_TEXT, parse_short_text)]
