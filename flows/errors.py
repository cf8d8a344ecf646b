"""Business errors of prolong: bad or unsupported request data.

A business error is about the data, not the portal: it is never retried, and it is reported per
row so a person can fix the spreadsheet. Portal faults (sign-in, missing locator, server error)
are application errors and live in ``automation`` (``automation`` knows nothing of ``flows``).

::

    ProlongError                 base of every error that ``flows`` raises on purpose
     └── BusinessError           the data is the problem: not retried, reported per row
          ├── RequestInvalid     the request breaks the schema; carries every Problem
          │                      (field, what was wrong, what is accepted) of the row at once
          ├── NotAutomatable     the flow was asked to enter a request that routing hands off
          └── ConsentMissing     a Québec client has not consented; the tool never ticks it

What the portal shows during the walk and a person must decide (several matching accounts, the
non-resident flow, a consent the portal asks for) is ``automation.errors.WalkStopped``: the walk
lives in ``automation``. ``ClientAmbiguous`` and ``NotResident`` are re-exported here.

Messages name the field and the accepted values. They may quote a contract number or a code
(product, coverage, province…), never a name, birth date, phone, e-mail or postal code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from automation.errors import ClientAmbiguous, NotResident
from flows.language import say

__all__ = [
    "BusinessError",
    "ClientAmbiguous",
    "ConsentMissing",
    "NotAutomatable",
    "NotResident",
    "Problem",
    "ProlongError",
    "RequestInvalid",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of a request, worded so a person can fix it."""

    field: str
    message: str
    accepted: str | None = None

    def __str__(self) -> str:
        accepted = say(fr=f" (accepté : {self.accepted})", en=f" (accepted: {self.accepted})")
        suffix = accepted if self.accepted else ""
        return f"{self.field}: {self.message}{suffix}"


class ProlongError(Exception):
    """Base of every error that ``flows`` raises on purpose."""


class BusinessError(ProlongError):
    """The data is the problem: not retried, reported on its row."""


class RequestInvalid(BusinessError):
    """The request breaks the schema; ``problems`` lists every problem of the row, not the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(
            "; ".join(self.messages()) or say(fr="demande invalide", en="invalid request")
        )

    def messages(self) -> list[str]:
        """One human line per problem: ``field: what was wrong (accepted: ...)``."""
        return [str(problem) for problem in self.problems]

    @property
    def fields(self) -> list[str]:
        """The fields that have a problem, in the order the problems were found."""
        return list(dict.fromkeys(problem.field for problem in self.problems))


class NotAutomatable(BusinessError):
    """Routing hands this request off (``outcome``, ``rule``): the automated flow must not run."""

    def __init__(self, outcome: str, rule: str) -> None:
        self.outcome = outcome
        self.rule = rule
        super().__init__(
            say(
                fr=f"non automatisée : dirigée vers {outcome} par {rule}",
                en=f"not automated: routed to {outcome} by {rule}",
            )
        )


class ConsentMissing(BusinessError):
    """A Québec client without a recorded ``field`` consent: ask the client, never assume it."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.problem = Problem(
            field,
            say(
                fr="le consentement du client n’est pas enregistré",
                en="the client's consent is not recorded",
            ),
            say(
                fr="true, une fois que le client a réellement consenti ; l’outil ne le coche "
                "jamais de lui-même",
                en="true, once the client has actually consented; the tool never ticks it on "
                "its own",
            ),
        )
        super().__init__(str(self.problem))
