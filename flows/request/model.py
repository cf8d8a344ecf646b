"""The extension request: one schema for CLI options, JSON objects and CSV/XLSX rows.

Two levels, because routing needs far less than entering a sale:

- ``RoutingFacts``: what the aide-mémoire looks at (contract number, product, annual extension,
  coverages, departed, claim, request date) plus the trip and legacy dates when known.
- ``ExtensionRequest``: everything the automated flow enters in Espace partenaire (client,
  trip, legacy days, residency answers, Québec consents). It is also a ``RoutingFacts``.

``parse_routing_facts`` and ``parse_extension_request`` turn a plain mapping (a JSON object, a CSV
row, CLI options) into either, and report EVERY problem of the row at once as ``RequestInvalid``.
Days are counted inclusively: 2026-05-01 to 2026-06-30 is 61 days, as on the portal's screen.

This module is the model: which fields a request has, which are required; the rules between
fields are ``flows.request.rules``. What one field accepts is ``flows.request.fields`` (one parser
per kind of field; dates, the longest policy, in ``flows.request.dates``); the words the enumerated
fields take are ``flows.request.vocabulary``. All were once part of this module: their public names
are re-exported here, so that ``from flows.request import Product`` keeps working everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
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
from flows.language import Locale, say
from flows.request.dates import DateField, OptDate, PersonalDate, inclusive_days
from flows.request.fields import (
    ClaimField,
    ContractNumber,
    Coverages,
    Destination,
    FieldParser,
    Flag,
    LanguageField,
    Name,
    OptAnnualExtension,
    OptDays,
    OptEmail,
    OptFlag,
    OptText,
    Phone,
    PostalCode,
    ProductField,
    ProvinceField,
    TripReasonField,
    blank,
    normalise_contract_number,
)
from flows.request.rules import cross_field_problems
from flows.request.vocabulary import (
    DESTINATIONS,
    AnnualExtension,
    Claim,
    Coverage,
    Language,
    Product,
    Province,
    SoldIn,
    TripReason,
)

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
    "accepted_in",
    "inclusive_days",
    "iter_fields",
    "normalise_contract_number",
    "parse_extension_request",
    "parse_routing_facts",
    "problems_from_validation_error",
    "validation_messages",
]


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
    request_date: DateField = Field(default_factory=date.today)
    trip_start: OptDate = None
    trip_end: OptDate = None
    legacy_days: OptDays = None
    legacy_end: OptDate = None

    @model_validator(mode="after")
    def _check_and_complete(self) -> RoutingFacts:
        problems = cross_field_problems(dict(self), full=self._full, accepted=FIELD_ACCEPTED)
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
    birth_date: PersonalDate  # refusals describe its form, never quote it
    phone: Phone
    email: OptEmail = None
    postal_code: PostalCode
    province: ProvinceField
    language: LanguageField
    client_number: OptText = None
    destination: Destination
    trip_reason: TripReasonField
    trip_start: DateField  # required here, optional for routing
    trip_end: DateField
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


def _parser_of(field_info: FieldInfo) -> FieldParser | None:
    for meta in field_info.metadata:
        if isinstance(meta, BeforeValidator) and isinstance(meta.func, FieldParser):
            return meta.func
    return None


class _FieldAccepted(Mapping[str, str]):
    """Field name → what it accepts, read in the run's language at each lookup."""

    def __init__(self, parsers: Mapping[str, FieldParser]) -> None:
        self._parsers = dict(parsers)

    def __getitem__(self, name: str) -> str:
        return self._parsers[name].accepted

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsers)

    def __len__(self) -> int:
        return len(self._parsers)

    def in_language(self, name: str, lang: Locale) -> str:
        """What field ``name`` accepts, in ``lang`` whatever the run's language."""
        words = self._parsers[name].words
        return words.en if lang is Locale.EN else words.fr


_ACCEPTED: Final = _FieldAccepted(
    {
        name: parser
        for name, info in ExtensionRequest.model_fields.items()
        if (parser := _parser_of(info)) is not None
    }
)
#: For each field of the schema, the accepted values, as error messages state them (in the
#: run's language at each lookup).
FIELD_ACCEPTED: Final[Mapping[str, str]] = _ACCEPTED


def _field_type(info: FieldInfo) -> Any:
    """The field's annotation with its validators, to validate one field on its own."""
    annotated: Any = Annotated
    return annotated[(info.annotation, *info.metadata)]


# One adapter per field, so a row's fields are checked one by one and every problem is reported.
_ADAPTERS: Final[dict[str, TypeAdapter[Any]]] = {
    name: TypeAdapter(_field_type(info)) for name, info in ExtensionRequest.model_fields.items()
}
_M = TypeVar("_M", bound=RoutingFacts)


def _required() -> str:
    return say(fr="est obligatoire", en="is required")


def _not_a_field() -> str:
    return say(fr="n’est pas un champ de la demande", en="is not a field of the request")


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
                problems.append(Problem(key, _not_a_field(), ", ".join(_ADAPTERS)))
            continue
        if (value := blank(raw)) is None:
            continue
        try:
            values[key] = _ADAPTERS[key].validate_python(value)
        except ValidationError as error:
            problems += problems_from_validation_error(error, field=key)
    failed = {problem.field for problem in problems}
    problems += [
        Problem(name, _required(), FIELD_ACCEPTED.get(name))
        for name, info in model.model_fields.items()
        if info.is_required() and name not in values and name not in failed
    ]
    # A field that failed on its own is absent from ``values``: say it once, not twice.
    problems += [
        problem
        for problem in cross_field_problems(
            values, full=model._full, accepted=FIELD_ACCEPTED, refused=failed
        )
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
            problems.append(Problem(name, _required(), FIELD_ACCEPTED.get(name)))
        elif item["type"] == "extra_forbidden":
            problems.append(Problem(name, _not_a_field(), ", ".join(_ADAPTERS)))
        else:
            accepted = context.get("accepted", FIELD_ACCEPTED.get(name))
            problems.append(Problem(name, item["msg"], accepted))
    return problems


def validation_messages(error: ValidationError | RequestInvalid) -> list[str]:
    """Human lines ``field: what was wrong (accepted: ...)`` for either kind of error."""
    if isinstance(error, RequestInvalid):
        return error.messages()
    return [str(problem) for problem in problems_from_validation_error(error)]


def accepted_in(field: str, lang: Locale) -> str:
    """What ``field`` accepts, in ``lang``: for texts written before the run's language is known
    (``--help``)."""
    return _ACCEPTED.in_language(field, lang)


def iter_fields() -> Iterable[str]:
    """Every field name of the schema, routing fields first."""
    return iter(_ADAPTERS)
