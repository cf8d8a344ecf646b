"""How a request ends: the one vocabulary of final outcomes, and which error leads to which.

The flow, the bulk plan, the journal, the runner, the reports and the command line all speak
``Outcome``; the journal adds its in-flight states (``flows.bulk.journal.State``) on top.
``outcome_of`` is the one mapping from a business error, or a refusal the portal showed, to
the outcome it gives.
"""

from __future__ import annotations

from enum import StrEnum

from automation.errors import (
    ClientAmbiguous,
    ConsentNotGiven,
    FormRejected,
    NotResident,
)
from flows.errors import ConsentMissing, NotAutomatable, RequestInvalid

__all__ = ["Outcome", "outcome_of"]


class Outcome(StrEnum):
    """How one request (or one row of a file) ended."""

    ISSUED = "issued"  # a new AA contract was sold, or one already sold was found
    HANDED_OFF = "handed_off"  # routing, or what the portal showed, sends it to a person
    INVALID = "invalid"  # the data is wrong or incomplete (a missing consent included)
    FAILED = "failed"  # portal or automation fault, after the retries
    SKIPPED = "skipped"  # not finalised: the operator declined (--assist) or a dry run
    DUPLICATE = "duplicate"  # a second row of a request already in the file
    CONFLICT = "conflict"  # rows of one request whose cells differ: none entered until fixed


def outcome_of(error: BaseException) -> Outcome:
    """The outcome a business error or portal refusal gives (``FAILED`` for anything else).

    A person must act on the request elsewhere (``HANDED_OFF``) when routing or the portal's
    answers lead out of the automated procedure: the client is ambiguous, not resident, or the
    route is not automated. The data must be fixed (``INVALID``) when it breaks the schema, a
    consent is missing or the portal refused field values.
    """
    if isinstance(error, ClientAmbiguous | NotResident | NotAutomatable):
        return Outcome.HANDED_OFF
    if isinstance(error, RequestInvalid | ConsentMissing | ConsentNotGiven | FormRejected):
        return Outcome.INVALID
    return Outcome.FAILED
