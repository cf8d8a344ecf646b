"""Date fields: the forms a date is accepted in, why the others are refused, and how days count.

A module of its own because dates are where a lenient guess would sell the wrong contract: the
policy (which forms are unambiguous, what a time after a date means, which dates are personal)
is longer than any other field's, and it reads best in one place. The other fields' parsers are
in ``flows.request.fields``, whose machinery (``FieldInvalid``, ``FieldParser``) this module uses.

Accepted: ``YYYY-MM-DD`` and ``YYYY/MM/DD``, optionally followed by ``T00:00`` or ``T00:00:00``
(or a space instead of ``T``), and a spreadsheet's date or midnight datetime. Refused, saying why:
day or month first (``01/06/2027``: ambiguous), a time of day, a time zone (``…Z``), one-digit
months or days, impossible dates. A refusal quotes the value, except for a birth date (personal):
that one only says which form the value had.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Final

from flows.language import say
from flows.request.fields import Accepted, FieldInvalid, optional_field, quote, required_field

__all__ = [
    "ACCEPTED_DATE",
    "DateField",
    "OptDate",
    "PersonalDate",
    "inclusive_days",
    "parse_date",
]

#: What every date field accepts, as refusals state it (``str()``: in the run's language).
ACCEPTED_DATE: Final = Accepted(
    fr="une date AAAA-MM-JJ ou AAAA/MM/JJ (p. ex. 2027-06-01 ; une heure 00:00 peut suivre)",
    en="a date YYYY-MM-DD or YYYY/MM/DD (e.g. 2027-06-01; a time of 00:00 may follow)",
)


def inclusive_days(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, both counted: 2026-05-01..2026-06-30 is 61."""
    return (end - start).days + 1


# Year first is unambiguous whatever the separator people are used to; day or month first is not
# (01/06/2027 is 1 June in Québec and January 6 in the United States), so it is refused whole,
# even where a day above 12 would settle it: one cell guessed right teaches the next to be wrong.

_YEAR_FIRST: Final = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[-/])(?P<m>[0-9]{2})(?P=sep)(?P<d>[0-9]{2})(?:[Tt ](?P<time>.+))?"
)
_OTHER_YEAR_FIRST: Final = re.compile(r"[0-9]{4}([-/.])([0-9]{1,2})\1([0-9]{1,2})")
_DAY_OR_MONTH_FIRST: Final = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1([0-9]{4}|[0-9]{2})")
_TIME: Final = re.compile(
    r"(?P<clock>[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)"
    r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?",
    re.IGNORECASE,
)
_MIDNIGHT: Final = re.compile(r"00:00(?::00(?:\.0+)?)?")


def _date_refusal(value: object, problem: str, *, personal: bool) -> FieldInvalid:
    """Quote the value (a trip date is not personal) unless it is personal (a birth date)."""
    return FieldInvalid(problem if personal else f"{quote(value)} {problem}")


_TIME_OF_DAY: Final = Accepted(
    fr="contient une heure : une date est attendue", en="has a time of day: a date is expected"
)


def parse_date(value: object, *, personal: bool = False) -> date:
    """A date: ``YYYY-MM-DD`` or ``YYYY/MM/DD``, optionally followed by a midnight time
    (``T00:00``, ``T00:00:00``, as spreadsheets and JSON tools write dates); a spreadsheet's date
    or midnight datetime. Refusals quote the value unless ``personal``: then they describe its
    form only (« looks like DD/MM/YYYY or MM/DD/YYYY »).
    """
    if isinstance(value, datetime):
        # Spreadsheets hand dates over as midnight datetimes; a time of day means a wrong cell.
        if value.time() != datetime.min.time():
            raise _date_refusal(value, str(_TIME_OF_DAY), personal=personal)
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    if match := _YEAR_FIRST.fullmatch(text):
        _check_time(value, match["time"], personal=personal)
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            sep = match["sep"]
            raise _date_refusal(
                value,
                say(
                    fr=f"a la forme AAAA{sep}MM{sep}JJ mais n’est pas une date du calendrier",
                    en=f"looks like YYYY{sep}MM{sep}DD but is not a calendar date",
                ),
                personal=personal,
            ) from None
    raise _date_refusal(value, _why_not_a_date(text), personal=personal)


def _check_time(value: object, time: str | None, *, personal: bool) -> None:
    """A time after the date is accepted only when it is midnight in no particular zone."""
    if time is None:
        return
    match = _TIME.fullmatch(time)
    if match is None:
        raise _date_refusal(
            value, say(fr="n’est pas une date", en="is not a date"), personal=personal
        )
    if match["zone"]:
        # A UTC midnight is the evening before in Québec: which day was meant is a guess.
        raise _date_refusal(
            value,
            say(
                fr="contient un fuseau horaire : une date est attendue",
                en="has a time zone: a date is expected",
            ),
            personal=personal,
        )
    if not _MIDNIGHT.fullmatch(match["clock"]):
        raise _date_refusal(value, str(_TIME_OF_DAY), personal=personal)


def _why_not_a_date(text: str) -> str:
    """What is wrong with a string that is not a date in an accepted form, without quoting it."""
    if match := _DAY_OR_MONTH_FIRST.fullmatch(text):
        sep, long = match[1], len(match[2]) == 4
        year, an = ("YYYY", "AAAA") if long else ("YY", "AA")
        return say(
            fr=f"est ambiguë : elle peut se lire JJ{sep}MM{sep}{an} ou MM{sep}JJ{sep}{an}",
            en=f"is ambiguous: it looks like DD{sep}MM{sep}{year} or MM{sep}DD{sep}{year}",
        )
    if match := _OTHER_YEAR_FIRST.fullmatch(text):
        sep, month, day = match[1], "M" * len(match[2]), "D" * len(match[3])
        jour = "J" * len(match[3])
        if sep == ".":
            return say(
                fr=f"a la forme AAAA.{month}.{jour} : séparer année, mois et jour par - ou /",
                en=f"looks like YYYY.{month}.{day}: separate year, month and day with - or /",
            )
        return say(
            fr=f"a la forme AAAA{sep}{month}{sep}{jour} : le mois et le jour prennent deux "
            "chiffres",
            en=f"looks like YYYY{sep}{month}{sep}{day}: month and day take two digits",
        )
    return say(fr="n’est pas une date", en="is not a date")


def _personal_date(value: object) -> date:
    # A birth date identifies a client: its refusals describe the form, never the value.
    return parse_date(value, personal=True)


DateField = Annotated[date, required_field(ACCEPTED_DATE, parse_date)]
OptDate = Annotated[date | None, optional_field(ACCEPTED_DATE, parse_date)]
PersonalDate = Annotated[date, required_field(ACCEPTED_DATE, _personal_date)]
