"""Helpers for the bulk tests: request rows, files, and a scripted stand-in for the flow.

``ScriptedPortal``/``ScriptedFlow`` stand in for ``flows.extension.ExtensionFlow`` so the
runner's own logic (claims, retries, the circuit breaker, reconciliation after a crash) can be
tested fast, exactly and without a browser; the real flow is covered end to end on the
simulator by ``test_e2e_*.py``.
"""

from __future__ import annotations

import csv
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from automation.errors import PortalFault
from automation.runtime.settings import Locale
from automation.runtime.walk import Retry, StepTiming
from flows.bulk.keys import request_key
from flows.bulk.runner import FlowLike
from flows.bulk.seam import SaleHook
from flows.extension import PendingSale
from flows.language import choose, say
from flows.outcome import Outcome
from flows.request import ExtensionRequest
from flows.request.money import Money

SAMPLE = Path(__file__).parents[3] / "fixtures" / "data" / "sample_requests.csv"

#: A complete, automatable request (legacy EMC-only, after 2026-06-01), Ontario: no consent.
BASE_ROW: dict[str, str] = {
    "contract_number": "LH20001",
    "product": "single_trip",
    "annual_extension": "",
    "coverages": "emc",
    "departed": "non",
    "claim": "none",
    "request_date": "2026-06-05",
    "first_name": "Alex",
    "last_name": "Martin",
    "birth_date": "1970-01-01",
    "phone": "(416) 555-0100",
    "email": "",
    "postal_code": "M5V 2T6",
    "province": "ON",
    "language": "en",
    "client_number": "",
    "destination": "FR",
    "trip_reason": "vacation",
    "trip_start": "2026-06-10",
    "trip_end": "2026-07-10",
    "legacy_days": "10",
    "legacy_end": "",
    "buyer_travelling": "yes",
    "all_canadian_residents": "yes",
    "all_provincial_plan": "yes",
    "privacy_consent": "",
    "dsr_disclosure": "",
}


def make_row(number: int, **changes: str) -> dict[str, str]:
    """A distinct automatable row (its own contract and client), with ``changes`` applied."""
    row = dict(
        BASE_ROW,
        contract_number=f"LH{20000 + number}",
        last_name=f"Martin{chr(65 + number % 26)}",
        first_name=f"Alex{number}",
    )
    row.update(changes)
    return row


def handed_off_row(number: int) -> dict[str, str]:
    """A row routed to Info-partenaires (coverage other than EMC)."""
    return make_row(number, coverages="emc;baggage")


def invalid_row(number: int) -> dict[str, str]:
    """A row with two problems (claim missing, destination unknown)."""
    return make_row(number, claim="", destination="Atlantide")


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    headers: dict[str, str] | None = None,
) -> Path:
    """Write ``rows`` as a CSV file; ``headers`` renames columns (field → heading)."""
    names = list(rows[0]) if rows else list(BASE_ROW)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow([(headers or {}).get(name, name) for name in names])
        for row in rows:
            writer.writerow([row.get(name, "") for name in names])
    return path


@pytest.fixture(autouse=True)
def _french(request: pytest.FixtureRequest) -> Iterator[None]:
    """Console lines and reports in French, the default, whatever the environment says.

    A module that asks for ``english`` (tests.flows.in_language) keeps English; a test that
    chose another language leaves nothing behind for the next.
    """
    choose(Locale.EN if "english" in request.fixturenames else Locale.FR)
    yield
    choose(None)


_PREMIUM = Money(Decimal("42.00"))


@dataclass(frozen=True)
class Contract:
    """Stands in for IssuedContract."""

    contract_number: str
    opportunity_name: str
    premium: Money | None = _PREMIUM


@dataclass(frozen=True)
class Result:
    """Stands in for ExtensionResult."""

    status: str  # an Outcome value (tests elsewhere pass the text)
    message: str = ""
    contract: Contract | None = None
    failed_step: str | None = None
    artifacts: tuple[Path, ...] = ()
    retryable: bool = False
    already_sold: bool = False
    timings: tuple[StepTiming, ...] = ()


class PortalDown(PortalFault):
    """A retryable portal fault at the search step, as the flow's page objects raise it."""

    def __init__(self, message: str = "the portal did not answer") -> None:
        super().__init__(message, step="search")


#: One scripted behaviour for one attempt at a request.
Behaviour = str  # issue | fault | raise | lost_answer | handed_off | invalid | hard_fail | bug


@dataclass
class ScriptedPortal:
    """A pretend portal: which requests have a contract, and what each attempt does.

    ``script[contract_number]`` lists behaviours for successive attempts (then ``issue``):
    ``fault`` returns failed+retryable before finalising; ``raise`` raises ``PortalDown``;
    ``lost_answer`` finalises (the sale exists) then reports a retryable failure, as a network
    fault after the portal committed does; ``hard_fail`` fails without retry; ``bug`` raises a
    ``KeyError`` as a programming error would; ``bug_after_finalise`` finalises, then raises it.
    """

    script: dict[str, list[Behaviour]] = field(default_factory=dict)
    sold: dict[str, Contract] = field(default_factory=dict)
    sales: list[str] = field(default_factory=list)  # every sale made, to catch doubles
    runs: list[str] = field(default_factory=list)
    finds: list[str] = field(default_factory=list)
    opened: int = 0
    fail_open: Exception | None = None
    on_finalise: Callable[[str], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(10_000_001))

    def next_behaviour(self, number: str) -> Behaviour:
        with self.lock:
            steps = self.script.get(number, [])
            return steps.pop(0) if steps else "issue"

    def sell(self, request: ExtensionRequest) -> Contract:
        with self.lock:
            contract = Contract(f"AA{next(self._numbers)}", f"QUO - {request.contract_number}")
            self.sold[request_key(request)] = contract
            self.sales.append(request.contract_number)
            return contract

    @contextmanager
    def factory(self) -> Iterator[FlowLike]:
        """Opens one "session" (the FlowFactory seam)."""
        with self.lock:
            self.opened += 1
        if self.fail_open is not None:
            raise self.fail_open
        yield ScriptedFlow(self)


class ScriptedFlow:
    """Plays the ``ScriptedPortal``'s script for each ``run``; see the module docstring."""

    def __init__(self, portal: ScriptedPortal) -> None:
        self.portal = portal

    def run(
        self,
        request: ExtensionRequest,
        *,
        before_finalise: SaleHook | None = None,
        dry_run: bool = False,
        retry: Retry | None = None,
    ) -> Result:
        # A flow without step retries: ``retry`` is not asked, each fault ends the run.
        portal = self.portal
        number = request.contract_number
        with portal.lock:
            portal.runs.append(number)
        behaviour = portal.next_behaviour(number)
        if behaviour == "raise":
            raise PortalDown()
        if behaviour == "bug":
            raise KeyError(f"{request.last_name} born {request.birth_date}\nsecond line")
        if behaviour == "fault":
            return Result(
                Outcome.FAILED,
                say(fr="le portail a répondu 500", en="the portal answered 500"),
                failed_step="voyage",
                retryable=True,
            )
        if behaviour == "hard_fail":
            return Result(Outcome.FAILED, "a label is missing", failed_step="voyage")
        if behaviour in ("handed_off", "invalid"):
            return Result(Outcome(behaviour), f"the portal says {behaviour}")
        name = f"QUO - {number}"
        if before_finalise is not None and not before_finalise(PendingSale(name, "42,00 $")):
            return Result(Outcome.SKIPPED, "not finalised")
        if portal.on_finalise is not None:
            portal.on_finalise(number)
        contract = portal.sell(request)
        if behaviour == "bug_after_finalise":
            raise KeyError("contract")
        if behaviour == "lost_answer":
            return Result(
                Outcome.FAILED, "no answer after finalise", failed_step="finalise", retryable=True
            )
        return Result(Outcome.ISSUED, "sold", contract)

    def find_issued(self, request: ExtensionRequest) -> Contract | None:
        with self.portal.lock:
            self.portal.finds.append(request.contract_number)
            return self.portal.sold.get(request_key(request))


@pytest.fixture
def portal() -> ScriptedPortal:
    """A fresh scripted portal."""
    return ScriptedPortal()
