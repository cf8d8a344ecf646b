"""Hypothesis strategies for requests: the data users bring, generated rather than chosen.

What they draw from (issue 21, item 2):

- **days**: every day of 2026–2029, with the days where calendars trip people up drawn far more
  often than chance would: the first and last day of every month, 2028-02-29, New Year's Eve;
- **trips** of 1 to 180 days (both ends counted, as the portal counts them) that start, end on
  or cross a month's or a year's end; legacy days from 1 to n−1;
- **names** as people have them: accents, apostrophes (« O'Neil » and the typographic « O’Neil »),
  hyphens, particles (« De La », « Saint-… », « van der »), long names up to the 80 characters
  the request accepts;
- **clients**, new ones and the simulator's seeded ones (``fixtures/portal/seed_data.py``, minus
  the duplicated Luc Gagnon that no tool may choose between), in Québec and the other provinces,
  speaking French or English;
- **requests**: the typed values (``RequestValues``), and how a JSON file, a CLI option or a CSV
  cell spells them (``spelled``): every spelling the vocabulary accepts, any case, stray spaces.

A strategy gives the *expected* values; tests compare what the parser makes of the spelled form
with them. Names and numbers are fictional (phones in 555-01xx outside the seed's).
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final, Literal

from hypothesis import strategies as st

from fixtures.portal.seed_data import SEED_ACCOUNTS, SeedAccount
from flows.request import (
    DESTINATIONS,
    AnnualExtension,
    Claim,
    Coverage,
    Language,
    Product,
    Province,
    TripReason,
    inclusive_days,
)
from flows.request.vocabulary import spellings_of
from flows.routing import NEW_PROCESS_START

__all__ = [
    "EDGE_DAYS",
    "EXISTING",
    "FIRST_DAY",
    "FORMS",
    "LAST_DAY",
    "Client",
    "Form",
    "RequestValues",
    "Trip",
    "automated_requests",
    "clients",
    "days",
    "existing_clients",
    "family_names",
    "full_requests",
    "given_names",
    "new_clients",
    "routing_requests",
    "spelled",
    "trips",
    "with_client",
]

FIRST_DAY: Final = date(2026, 1, 1)
LAST_DAY: Final = date(2029, 12, 31)
LONGEST_TRIP: Final = 180


def _edge_days() -> tuple[date, ...]:
    edges: set[date] = set()
    for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
        for month in range(1, 13):
            edges.add(date(year, month, 1))
            edges.add(date(year, month, calendar.monthrange(year, month)[1]))
    return tuple(sorted(edges))


#: The first and last day of every month of 2026–2029 (2028-02-29 among them).
EDGE_DAYS: Final = _edge_days()


def days(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[date]:
    """Any day from ``first`` to ``last``, a month's first or last day one time in three."""
    edges = [day for day in EDGE_DAYS if first <= day <= last]
    anyday = st.dates(first, last)
    if not edges:
        return anyday
    return st.one_of(anyday, anyday, st.sampled_from(edges))


# --- trips ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trip:
    """A whole stay and the days the legacy contract covers (1 to n−1)."""

    start: date
    end: date
    legacy_days: int

    @property
    def days(self) -> int:
        """Both ends counted, as the portal counts them."""
        return inclusive_days(self.start, self.end)

    @property
    def legacy_end(self) -> date:
        """The last day the legacy contract covers."""
        return self.start + timedelta(days=self.legacy_days - 1)


def _lengths(shortest: int) -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(shortest, LONGEST_TRIP),
        st.sampled_from([n for n in (1, 2, 29, 30, 31, 61, 62, 92, LONGEST_TRIP) if n >= shortest]),
    )


@st.composite
def trips(draw: st.DrawFn, *, shortest: int = 2, legacy_until: date | None = None) -> Trip:
    """A trip of ``shortest`` to 180 days inside 2026–2029 that may start on, end on or cross a
    month's or a year's end, with legacy days 1 to n−1 (1 and n−1 often); ``legacy_until``: the
    legacy coverage runs at least to that day (a request made then finds it still running)."""
    length = draw(_lengths(max(shortest, 2) if legacy_until else shortest))
    earliest = FIRST_DAY
    if legacy_until is not None:
        # The longest legacy coverage (n−1 days) must reach legacy_until.
        earliest = max(FIRST_DAY, legacy_until - timedelta(days=length - 2))
    latest_start = LAST_DAY - timedelta(days=length - 1)
    anchor = draw(st.sampled_from(("start", "end", "cross", "any")))
    if anchor == "start":
        start = draw(days(earliest, latest_start))
    elif anchor == "end":
        end = draw(days(earliest + timedelta(days=length - 1), LAST_DAY))
        start = end - timedelta(days=length - 1)
    elif anchor == "cross" and length > 1:
        edge = draw(st.sampled_from(EDGE_DAYS))
        start = edge - timedelta(days=draw(st.integers(0, length - 1)))
    else:
        start = draw(st.dates(earliest, latest_start))
    start = min(max(start, earliest), latest_start)
    end = start + timedelta(days=length - 1)
    fewest = 1 if legacy_until is None else max(1, (legacy_until - start).days + 1)
    most = max(length - 1, fewest)
    legacy = draw(st.one_of(st.just(fewest), st.just(most), st.integers(fewest, most)))
    return Trip(start, end, legacy)


# --- names ----------------------------------------------------------------------------------------

_GIVEN: Final = (
    "Zoé", "Chloé", "Geneviève", "Anaïs", "Noël", "Agnès", "Thérèse", "Hélène", "François",
    "Jérôme", "Benoît", "Maëlle", "Léa", "Ève", "José", "Siobhán", "Björn", "Zoë", "Çağla",
    "Nguyễn Thị", "Aimée", "Raphaël", "Ariane", "Amélie", "Mathis", "Océane", "Priyanka",
    "Olamide", "Sean", "Mary", "Wei", "Dmitri",
)  # fmt: skip
_FAMILY: Final = (
    "Côté", "Bélanger", "Lévesque", "Gauthier", "Boucher", "Thériault", "Paré", "Bérubé",
    "Ng", "Smith", "MacLeod", "Nuñez", "Çelik", "Østergaard", "Müller", "Nakamura", "Lê",
    "Ouellet", "Pelletier", "Gravel", "Fortin", "Poirier", "Cloutier", "Brière",
)  # fmt: skip
_APOSTROPHES: Final = ("O'Neil", "O’Neil", "D'Amours", "D’Amours", "L'Heureux", "L’Heureux",
                       "O'Connor", "D'Arcy", "N'Diaye")  # fmt: skip
_SAINTS: Final = ("Saint-Pierre", "Saint-Onge", "Sainte-Marie", "St-Germain", "Saint-Amand")
_PARTICLES: Final = ("De La", "de la", "Van der", "van der", "De", "Du", "Des", "Le", "La",
                     "von", "Van", "da", "dos")  # fmt: skip
_MAX_NAME: Final = 80


def given_names() -> st.SearchStrategy[str]:
    """A first name, sometimes compound (« Marie-Ève », « Jean François »)."""
    single = st.sampled_from(_GIVEN)
    hyphenated = st.tuples(single, single).map("-".join)
    spaced = st.tuples(single, single).map(" ".join)
    return st.one_of(single, single, hyphenated, spaced)


def _long_name(parts: list[str]) -> str:
    """Parts joined by hyphens, as long as fits in 80 characters (at least one part)."""
    name = parts[0]
    for part in parts[1:]:
        if len(name) + 1 + len(part) > _MAX_NAME:
            break
        name = f"{name}-{part}"
    return name


def family_names() -> st.SearchStrategy[str]:
    """A last name: plain, with an apostrophe, a particle, a saint, two joined, or a long one."""
    plain = st.sampled_from(_FAMILY)
    apostrophe = st.sampled_from(_APOSTROPHES)
    core = st.one_of(plain, apostrophe)
    particle = st.tuples(st.sampled_from(_PARTICLES), core).map(" ".join)
    saint = st.sampled_from(_SAINTS)
    double = st.tuples(st.one_of(core, saint), core).map("-".join)
    long = st.lists(st.one_of(core, saint), min_size=6, max_size=14).map(_long_name)
    return st.one_of(plain, apostrophe, particle, saint, double, long)


# --- clients --------------------------------------------------------------------------------------

# The first letter of a postal code names its province (Canada Post's forward sortation areas).
_POSTAL_LETTERS: Final[dict[Province, str]] = {
    Province.NL: "A", Province.NS: "B", Province.PE: "C", Province.NB: "E", Province.QC: "GHJ",
    Province.ON: "KLMNP", Province.MB: "R", Province.SK: "S", Province.AB: "T", Province.BC: "V",
    Province.NT: "X", Province.NU: "X", Province.YT: "Y",
}  # fmt: skip
_AREA_CODES: Final[dict[Province, tuple[str, ...]]] = {
    Province.QC: ("514", "438", "450", "579", "418", "581", "819", "873"),
    Province.ON: ("416", "647", "613", "343", "705", "905", "289", "519"),
    Province.BC: ("604", "778", "250"), Province.AB: ("403", "780", "587"),
    Province.MB: ("204",), Province.SK: ("306",), Province.NS: ("902",), Province.PE: ("902",),
    Province.NB: ("506",), Province.NL: ("709",), Province.NT: ("867",), Province.NU: ("867",),
    Province.YT: ("867",),
}  # fmt: skip
_SEED_PHONES: Final = frozenset(
    "".join(char for char in account.phone if char.isdigit()) for account in SEED_ACCOUNTS
)
# Two accounts with the same name and birth date: a walk must hand them off, never pick one.
_AMBIGUOUS: Final = frozenset({"luc1", "luc2"})
EXISTING: Final[tuple[SeedAccount, ...]] = tuple(
    account for account in SEED_ACCOUNTS if account.key not in _AMBIGUOUS
)


@dataclass(frozen=True)
class Client:
    """A client as a request names them; ``existing`` when the simulator's store seeds them."""

    first_name: str
    last_name: str
    birth_date: date
    phone: str  # 10 digits
    postal_code: str  # « H3A 2Y1 »
    province: Province
    language: Language
    email: str | None = None
    client_number: str | None = None
    existing: bool = False


def _postal_code(province: Province) -> st.SearchStrategy[str]:
    letter, digit = st.sampled_from("ABCEGHJKLMNPRSTVWXYZ"), st.sampled_from("0123456789")
    return st.tuples(
        st.sampled_from(_POSTAL_LETTERS[province]), digit, letter, digit, letter, digit
    ).map(lambda c: f"{c[0]}{c[1]}{c[2]} {c[3]}{c[4]}{c[5]}")


def _phone(province: Province) -> st.SearchStrategy[str]:
    return (
        st.tuples(st.sampled_from(_AREA_CODES[province]), st.integers(0, 99))
        .map(lambda parts: f"{parts[0]}55501{parts[1]:02d}")
        .filter(lambda digits: digits not in _SEED_PHONES)
    )


def _email(first: str, last: str) -> str:
    local = "".join(
        char
        for char in f"{first}.{last}".lower()
        if (char.isascii() and char.isalnum()) or char == "."
    )
    return f"{local.strip('.') or 'client'}@exemple.ca"


@st.composite
def new_clients(draw: st.DrawFn) -> Client:
    """A client the portal does not know yet, in any province, speaking French or English."""
    province = draw(st.one_of(st.just(Province.QC), st.sampled_from(list(Province))))
    first, last = draw(given_names()), draw(family_names())
    language = draw(st.sampled_from(list(Language)))
    return Client(
        first_name=first,
        last_name=last,
        birth_date=draw(st.dates(date(1925, 1, 1), date(2008, 12, 31))),
        phone=draw(_phone(province)),
        postal_code=draw(_postal_code(province)),
        province=province,
        language=language,
        email=draw(st.one_of(st.none(), st.just(_email(first, last)))),
    )


@st.composite
def existing_clients(draw: st.DrawFn) -> Client:
    """A seeded client as their file names them: with their number or not, their e-mail or not,
    sometimes a new phone (then the portal finds them by name, and by birth date among
    homonyms)."""
    account = draw(st.sampled_from(EXISTING))
    province = Province(account.province)
    phone = "".join(char for char in account.phone if char.isdigit())
    return Client(
        first_name=account.first_name,
        last_name=account.last_name,
        birth_date=account.birth_date,
        phone=draw(st.one_of(st.just(phone), st.just(phone), _phone(province))),
        postal_code=account.postal_code or draw(_postal_code(province)),
        province=province,
        language=Language(account.language),
        email=draw(st.one_of(st.none(), st.just(account.email))),
        client_number=draw(st.one_of(st.none(), st.just(account.client_number))),
        existing=True,
    )


def clients() -> st.SearchStrategy[Client]:
    """New clients and seeded ones, about half each."""
    return st.one_of(new_clients(), existing_clients())


# --- requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestValues:
    """A request's fields as the parser should make them (absent fields left out)."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def without(self, *names: str) -> RequestValues:
        """The same request minus ``names``."""
        return RequestValues({k: v for k, v in self.values.items() if k not in names})

    def with_(self, **changes: Any) -> RequestValues:
        """The same request with ``changes``."""
        return RequestValues({**self.values, **changes})

    @property
    def automated(self) -> bool:
        """Whether the aide-mémoire sends it to the automated Assurance complémentaire sale
        (an independent reading of the rules, for strategies only; tests check ``route``)."""
        return (
            self["claim"] is Claim.NONE
            and not str(self["contract_number"]).startswith("AA")
            and self["request_date"] >= NEW_PROCESS_START
            and self["product"] is not Product.VISITORS_TO_CANADA
            and set(self["coverages"]) == {Coverage.EMC}
            and (self.legacy_end is None or self.legacy_end >= self["request_date"])
        )

    @property
    def legacy_end(self) -> date | None:
        """The legacy coverage's last day, given or counted from trip_start and legacy_days."""
        if "legacy_end" in self.values:
            end: date = self["legacy_end"]
            return end
        if "legacy_days" in self.values and "trip_start" in self.values:
            start: date = self["trip_start"]
            return start + timedelta(days=self["legacy_days"] - 1)
        return None


# Coverages as the aide-mémoire groups them: EMC alone, EMC with reduced stability, the others.
_OTHERS: Final = (
    Coverage.TRIP_CANCELLATION_INTERRUPTION,
    Coverage.BAGGAGE,
    Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT,
)


@st.composite
def _coverages(draw: st.DrawFn, product: Product) -> tuple[Coverage, ...]:
    if product is Product.TOP_UP:
        return (Coverage.EMC,)
    medical = draw(st.sampled_from((None, Coverage.EMC, Coverage.EMC_REDUCED_STABILITY)))
    others = draw(st.lists(st.sampled_from(_OTHERS), unique=True, max_size=3))
    chosen = {medical, *others} - {None}
    if not chosen:
        chosen = {Coverage.EMC}
    return tuple(member for member in Coverage if member in chosen)


def _contract_numbers(sold_in: Literal["legacy", "espace"]) -> st.SearchStrategy[str]:
    if sold_in == "espace":
        return st.integers(0, 10**8 - 1).map(lambda n: f"AA{n:08d}")
    letters = st.tuples(
        st.sampled_from("BCDEFGHIJKLMNOPQRSTUVWXYZ"), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ).map("".join)
    width = st.integers(5, 8)
    return st.tuples(letters, width, st.integers(0, 10**8 - 1)).map(
        lambda p: f"{p[0]}{p[2] % 10 ** p[1]:0{p[1]}d}"
    )


@st.composite
def routing_requests(draw: st.DrawFn, *, with_trip: bool | None = None) -> RequestValues:
    """The routing fields of any valid request: every product, coverage mix, claim, both sites,
    a request date in 2026–2029 (some before the new process starts), with or without a trip."""
    product = draw(st.sampled_from(list(Product)))
    values: dict[str, Any] = {
        "contract_number": draw(_contract_numbers(draw(st.sampled_from(("legacy", "espace"))))),
        "product": product,
        "coverages": draw(_coverages(product)),
        "departed": draw(st.booleans()),
        "claim": draw(st.sampled_from(list(Claim))),
        "request_date": draw(days()),
    }
    if product is Product.ANNUAL_MULTI_TRIP:
        values["annual_extension"] = draw(st.sampled_from(list(AnnualExtension)))
    if with_trip or (with_trip is None and draw(st.booleans())):
        trip = draw(trips())
        values.update(trip_start=trip.start, trip_end=trip.end)
        values.update(_legacy_fields(draw, trip))
    return RequestValues(values)


def _legacy_fields(draw: st.DrawFn, trip: Trip) -> dict[str, Any]:
    """Legacy days, its last day, or both (they agree)."""
    which = draw(st.sampled_from(("days", "end", "both")))
    out: dict[str, Any] = {}
    if which in ("days", "both"):
        out["legacy_days"] = trip.legacy_days
    if which in ("end", "both"):
        out["legacy_end"] = trip.legacy_end
    return out


def _client_fields(client: Client) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "birth_date": client.birth_date,
        "phone": client.phone,
        "postal_code": client.postal_code,
        "province": client.province,
        "language": client.language,
    }
    if client.email:
        values["email"] = client.email
    if client.client_number:
        values["client_number"] = client.client_number
    return values


@st.composite
def full_requests(draw: st.DrawFn) -> RequestValues:
    """Any valid full request: routing fields, a client, a trip, residency answers, consents."""
    routing = draw(routing_requests(with_trip=True))
    client = draw(clients())
    values = {**routing.values, **_client_fields(client)}
    if client.birth_date >= values["request_date"]:
        values["birth_date"] = values["request_date"] - timedelta(days=draw(st.integers(1, 36500)))
    values.update(
        destination=draw(st.sampled_from(list(DESTINATIONS))),
        trip_reason=draw(st.sampled_from(list(TripReason))),
        buyer_travelling=draw(st.booleans()),
        all_canadian_residents=draw(st.booleans()),
        all_provincial_plan=draw(st.booleans()),
    )
    for consent in ("privacy_consent", "dsr_disclosure"):
        answer = draw(st.sampled_from((None, True, False)))
        if answer is not None:
            values[consent] = answer
    return RequestValues(values)


@st.composite
def automated_requests(
    draw: st.DrawFn, *, destinations: st.SearchStrategy[str] | None = None
) -> RequestValues:
    """A request the automated flow sells: legacy EMC only, no claim, the legacy coverage still
    running on the request date (from 2026-06-01), a resident client who gave the consents
    Québec asks for. ``destinations``: where trips go (default: every one the request accepts).
    """
    trip = draw(trips(legacy_until=NEW_PROCESS_START))
    product = draw(
        st.sampled_from((Product.SINGLE_TRIP, Product.ANNUAL_MULTI_TRIP, Product.TOP_UP))
    )
    client = draw(clients())
    asked = draw(st.dates(max(NEW_PROCESS_START, trip.start - timedelta(days=60)), trip.legacy_end))
    values: dict[str, Any] = {
        "contract_number": draw(_contract_numbers("legacy")),
        "product": product,
        "coverages": (Coverage.EMC,),
        "departed": asked >= trip.start,
        "claim": Claim.NONE,
        "request_date": asked,
        **_client_fields(client),
        "destination": draw(
            st.sampled_from(list(DESTINATIONS)) if destinations is None else destinations
        ),
        "trip_reason": draw(st.sampled_from(list(TripReason))),
        "trip_start": trip.start,
        "trip_end": trip.end,
        **_legacy_fields(draw, trip),
        "buyer_travelling": True,
        "all_canadian_residents": True,
        "all_provincial_plan": True,
    }
    if product is Product.ANNUAL_MULTI_TRIP:
        values["annual_extension"] = draw(st.sampled_from(list(AnnualExtension)))
    if client.province is Province.QC or draw(st.booleans()):
        values["privacy_consent"] = True
    request = RequestValues(values)
    assert request.automated, request
    return request


# --- spelling a request as people type it ---------------------------------------------------------


class Form(StrEnum):
    """Where a request comes from: a JSON file, CLI options, a CSV cell."""

    JSON = "json"
    CLI = "cli"
    CSV = "csv"


FORMS: Final = tuple(Form)

_YES: Final = ("oui", "Oui", "OUI", "yes", "Yes", "true", "TRUE", "vrai", "1", "o", "y")
_NO: Final = ("non", "Non", "no", "NO", "false", "False", "faux", "0", "n")


def _spaced(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The text, sometimes with the stray spaces a spreadsheet cell picks up."""
    return st.tuples(st.sampled_from(("", " ", "  ")), text, st.sampled_from(("", " "))).map(
        "".join
    )


def _spell_enum(member: StrEnum) -> st.SearchStrategy[str]:
    spelling = st.sampled_from(spellings_of(member))
    return st.one_of(spelling, spelling.map(str.upper), spelling.map(str.lower))


def _spell_date(day: date, form: Form) -> st.SearchStrategy[str]:
    forms = [day.isoformat(), day.strftime("%Y/%m/%d"), f"{day.isoformat()}T00:00"]
    if form is not Form.CLI:
        forms += [f"{day.isoformat()} 00:00:00", f"{day.isoformat()}T00:00:00"]
    return st.sampled_from(forms)


def _spell_phone(digits: str) -> st.SearchStrategy[str]:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return st.sampled_from(
        (digits, f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a} {b} {c}", f"+1 {a} {b} {c}",
         f"1-{a}-{b}-{c}", f"{a}.{b}.{c}")
    )  # fmt: skip


def _spell_contract(number: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        (number, number.lower(), f" {number} ", f"{number[:2]} {number[2:]}", number.title())
    )


def _spell_coverages(coverages: tuple[Coverage, ...], form: Form) -> st.SearchStrategy[object]:
    items = st.permutations(list(coverages)).flatmap(
        lambda order: st.tuples(*(_spell_enum(member) for member in order))
    )
    joined = items.map(lambda names: ";".join(names))
    spaced = items.map(lambda names: " ; ".join(names))
    listed = items.map(json.dumps)
    if form is Form.JSON:
        return st.one_of(items.map(list), joined, listed)
    return st.one_of(joined, spaced, listed)


def _spell_flag(value: bool, form: Form) -> st.SearchStrategy[object]:
    words = st.sampled_from(_YES if value else _NO)
    if form is Form.JSON:
        return st.one_of(st.just(value), words)
    return words


def _spell_days(days: int, form: Form) -> st.SearchStrategy[object]:
    if form is Form.JSON:
        return st.sampled_from((days, str(days), float(days)))
    return st.just(str(days))


def _spell(name: str, value: Any, form: Form) -> st.SearchStrategy[object]:
    if isinstance(value, bool):
        return _spell_flag(value, form)
    if isinstance(value, date):
        return _spell_date(value, form)
    if isinstance(value, StrEnum):
        return _spaced(_spell_enum(value)) if form is Form.CSV else _spell_enum(value)
    if name == "coverages":
        return _spell_coverages(value, form)
    if name == "legacy_days":
        return _spell_days(value, form)
    if name == "contract_number":
        return _spell_contract(value)
    if name == "phone":
        return _spell_phone(value)
    if name == "postal_code":
        return st.sampled_from((value, value.replace(" ", ""), value.lower()))
    if name == "destination":
        code_or_name = st.sampled_from((value, value.lower(), *DESTINATIONS[value][:2]))
        return code_or_name
    if name in ("first_name", "last_name"):
        # Spaces inside a name collapse to one; around it they go.
        return st.sampled_from((value, f" {value} ", value.replace(" ", "  ")))
    return st.just(value)


@st.composite
def spelled(draw: st.DrawFn, request: RequestValues, form: Form) -> dict[str, object]:
    """``request`` as ``form`` spells it: every value in one of the spellings it is accepted in."""
    return {name: draw(_spell(name, value, form)) for name, value in request.values.items()}


def with_client(request: RequestValues, client: Client) -> RequestValues:
    """``request`` for ``client`` instead (an example pinned by a test)."""
    return replace(request, values={**request.values, **_client_fields(client)})
