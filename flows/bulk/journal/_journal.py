"""The journal as a run uses it: a worker's moves of one request, and what reports read.

- The hook passed to ``ExtensionFlow.run`` writes ``submitting`` (with the opportunity name)
  *before* « Finaliser la vente », and ``issued`` is written right after it; both commit at once
  (WAL, ``synchronous=FULL``), so a crash leaves at worst a request in ``submitting``.
- ``check_first`` marks a request that may already have been sold (a run stopped while it was
  ``in_progress`` or ``submitting``, or a fault after ``submitting``): it is claimed before any
  other and the worker asks the portal (``find_issued``) before entering it again.
- ``claim`` hands a pending request to exactly one worker: the write transaction is taken at
  once (``BEGIN IMMEDIATE``), so the request it picks is still pending when it moves it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Final, Protocol

from flows.bulk.journal._loading import LoadSummary, load_plan
from flows.bulk.journal._states import ENDINGS, Standing, State, move, standing
from flows.bulk.journal._storage import Store
from flows.bulk.plan import Plan
from flows.outcome import Outcome
from flows.request.money import Money, parse_money

__all__ = ["Claim", "Entry", "Event", "Journal", "RowLink", "StepTime", "TimedStep"]


@dataclass(frozen=True)
class Claim:
    """A request handed to one worker."""

    key: str
    row: int
    contract_number: str
    check_first: bool
    attempts: int


@dataclass(frozen=True)
class Entry:
    """A request as the journal knows it (what reports are built from)."""

    key: str
    state: Standing
    row: int
    listed: bool
    contract_number: str
    route: str
    rule: str
    reason_fr: str
    reason_en: str
    where_fr: str
    where_en: str
    what_fr: str
    what_en: str
    problems: tuple[str, ...]
    message: str
    decided_by: str
    opportunity_name: str | None
    new_contract_number: str | None
    premium: str | None  # the amount ("607.20"); an older journal's holds the text shown
    premium_currency: str | None
    failed_step: str | None
    artifacts: tuple[str, ...]
    attempts: int
    check_first: bool
    updated_at: str

    @property
    def money(self) -> Money | None:
        """The premium as an amount, whichever way the journal recorded it (None: unknown)."""
        if not self.premium:
            return None
        try:
            if self.premium_currency:
                return Money(Decimal(self.premium), self.premium_currency)
            return parse_money(self.premium)  # a journal written before amounts were numbers
        except (ValueError, ArithmeticError):
            return None


@dataclass(frozen=True)
class StepTime:
    """One step of one attempt at a request: when it started and how long it took."""

    key: str
    attempt: int
    step: str
    started_at: str
    seconds: float


class TimedStep(Protocol):
    """What the journal reads of ``automation.runtime.walk.StepTiming``."""

    @property
    def step(self) -> str:
        """The step's name (``automation.runtime.walk.Step``)."""

    @property
    def started_at(self) -> datetime:
        """When it started."""

    @property
    def seconds(self) -> float:
        """How long it took."""


@dataclass(frozen=True)
class RowLink:
    """A row of the latest file and the request it stands for (``duplicate_of`` a row)."""

    row: int
    key: str
    duplicate_of: int | None
    message: str


@dataclass(frozen=True)
class Event:
    """One recorded state change."""

    key: str
    at: str
    from_state: Standing | None
    to_state: Standing
    worker: str | None
    detail: str


#: The outcomes ``finish`` ends a request with (``issued`` has its own call: it needs a contract).
_FINISHED: Final = ENDINGS - {Outcome.ISSUED}
#: The portal's verdicts: they hold while the row is unchanged (see ``load``).
_FLOW_VERDICTS: Final = frozenset({Outcome.HANDED_OFF, Outcome.INVALID})


class Journal:
    """The SQLite journal at ``path``; safe to use from several threads (one connection each).

    Raises ``NotAJournal`` when ``path`` holds something other than a prolong journal; a path
    where nothing exists becomes a new journal.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store = Store(path)

    def close(self) -> None:
        """Close every thread's connection."""
        self._store.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- meta and loading --------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The journal's notes about itself (source file, notes of the reader, schema)."""
        return dict(self._store.db().execute("SELECT name, value FROM meta").fetchall())

    def set_meta(self, **values: str) -> None:
        """Record notes about the run (file name, when it was loaded…)."""
        with self._store.write() as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def load(self, plan: Plan) -> LoadSummary:
        """Bring the journal up to date with ``plan`` (see ``flows.bulk.journal._loading``)."""
        with self._store.write() as db:
            return load_plan(db, plan)

    # --- a worker's moves --------------------------------------------------------------------

    def claim(self, worker: str) -> Claim | None:
        """Hand the next pending request to ``worker`` (requests to check first come first)."""
        with self._store.write() as db:
            found = db.execute(
                "SELECT key, row, contract_number, check_first, attempts FROM requests "
                "WHERE state = ? AND listed = 1 ORDER BY check_first DESC, row LIMIT 1",
                (State.PENDING,),
            ).fetchone()
            if found is None:
                return None
            key, row, number, check_first, attempts = found
            move(
                db,
                key,
                State.IN_PROGRESS,
                worker,
                "claimed to check the portal first" if check_first else "claimed",
                {"worker": worker},
                attempts_plus=1,
            )
        return Claim(key, row, number, bool(check_first), attempts + 1)

    def submitting(self, key: str, opportunity_name: str, worker: str) -> None:
        """Written just before « Finaliser la vente »: from here the sale may exist."""
        self._move(
            key, State.SUBMITTING, worker, "finalising the sale", opportunity_name=opportunity_name
        )

    def issued(
        self,
        key: str,
        worker: str,
        *,
        contract_number: str,
        opportunity_name: str,
        premium: str | Money | None,
        artifacts: Sequence[str] = (),
        message: str = "",
        reconciled: bool = False,
    ) -> None:
        """The sale is recorded: ``contract_number`` is the new AA contract."""
        detail = (
            "found already sold in the portal (reconciled)" if reconciled else "contract issued"
        )
        amount, currency = _premium_columns(premium)
        self._move(
            key,
            Outcome.ISSUED,
            worker,
            f"{detail}: {contract_number}",
            new_contract_number=contract_number,
            opportunity_name=opportunity_name,
            premium=amount,
            premium_currency=currency,
            artifacts=json.dumps(list(artifacts)),
            message=message,
            check_first=0,
            failed_step=None,
            decided_by="flow",
        )

    def finish(
        self,
        key: str,
        outcome: Outcome,
        worker: str,
        *,
        message: str,
        failed_step: str | None = None,
        artifacts: Sequence[str] = (),
        check_first: bool = False,
    ) -> None:
        """End the request with ``outcome`` (handed_off, invalid, failed or skipped)."""
        if outcome not in _FINISHED:
            raise ValueError(f"finish() does not end a request {outcome}")
        self._move(
            key,
            outcome,
            worker,
            message,
            message=message,
            failed_step=failed_step,
            artifacts=json.dumps(list(artifacts)),
            check_first=int(check_first),
            decided_by="flow" if outcome in _FLOW_VERDICTS else "plan",
        )

    def retrying(self, key: str, worker: str, *, message: str, check_first: bool) -> None:
        """A fault: the worker keeps the request and tries again after a back-off."""
        self._move(
            key,
            State.IN_PROGRESS,
            worker,
            f"retry after: {message}",
            message=message,
            check_first=int(check_first),
            attempts_plus=1,
        )

    def checked(self, key: str, worker: str) -> None:
        """The portal holds no contract for this request: it may be entered (again)."""
        self._move(
            key, State.IN_PROGRESS, worker, "reconciled: no contract in the portal", check_first=0
        )

    def release(self, key: str, worker: str, *, reason: str, check_first: bool) -> None:
        """Give the request back (pending) for a later claim or the next run."""
        self._move(
            key,
            State.PENDING,
            worker,
            reason,
            message=reason,
            check_first=int(check_first),
            worker=None,
        )

    def record_timings(self, key: str, attempt: int, timings: Iterable[TimedStep]) -> None:
        """Keep when each step of one attempt at ``key`` started and how long it took."""
        rows = [
            (
                key,
                attempt,
                str(t.step),
                t.started_at.isoformat(timespec="microseconds"),
                float(t.seconds),
            )
            for t in timings
        ]
        if not rows:
            return
        with self._store.write() as db:
            db.executemany(
                "INSERT INTO step_timings (key, attempt, step, started_at, seconds) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def step_times(self) -> list[StepTime]:
        """Every step timing recorded, oldest first."""
        cursor = self._store.db().execute(
            "SELECT key, attempt, step, started_at, seconds FROM step_timings ORDER BY id"
        )
        return [
            StepTime(str(k), int(a), str(s), str(at), float(sec))
            for k, a, s, at, sec in cursor.fetchall()
        ]

    def _move(
        self,
        key: str,
        to: Standing,
        by: str,
        detail: str,
        *,
        attempts_plus: int = 0,
        **columns: object,
    ) -> None:
        with self._store.write() as db:
            move(db, key, to, by, detail, columns, attempts_plus=attempts_plus)

    # --- reading -----------------------------------------------------------------------------

    def entries(self, *, listed_only: bool = False) -> list[Entry]:
        """Every request, in row order."""
        where = " WHERE listed = 1" if listed_only else ""
        cursor = self._store.db().execute(
            f"SELECT {_ENTRY_COLUMNS} FROM requests{where} ORDER BY row"
        )
        return [_entry(found) for found in cursor.fetchall()]

    def entry(self, key: str) -> Entry | None:
        """One request, or None."""
        found = (
            self._store.db()
            .execute(f"SELECT {_ENTRY_COLUMNS} FROM requests WHERE key = ?", (key,))
            .fetchone()
        )
        return _entry(found) if found else None

    def rows(self) -> list[RowLink]:
        """The rows of the latest file loaded, in order."""
        cursor = self._store.db().execute(
            "SELECT row, key, duplicate_of, message FROM rows ORDER BY row"
        )
        return [RowLink(*found) for found in cursor.fetchall()]

    def events(self, key: str | None = None) -> list[Event]:
        """The recorded state changes (of one request, or all), oldest first."""
        query = "SELECT key, at, from_state, to_state, worker, detail FROM events"
        db = self._store.db()
        cursor = (
            db.execute(query + " WHERE key = ? ORDER BY id", (key,))
            if key
            else db.execute(query + " ORDER BY id")
        )
        return [
            Event(k, at, standing(f) if f else None, standing(t), w, d)
            for k, at, f, t, w, d in cursor.fetchall()
        ]

    def state_counts(self) -> Counter[Standing]:
        """How many requests of the latest file stand in each state or outcome."""
        cursor = self._store.db().execute(
            "SELECT state, COUNT(*) FROM requests WHERE listed = 1 GROUP BY state"
        )
        return Counter({standing(state): count for state, count in cursor.fetchall()})


_ENTRY_FIELDS: Final = tuple(Entry.__dataclass_fields__)
_ENTRY_COLUMNS: Final = ", ".join(_ENTRY_FIELDS)


def _premium_columns(premium: str | Money | None) -> tuple[str | None, str | None]:
    """The amount and currency columns of a premium; a text that is no amount is kept as it
    was shown, without a currency (``Entry.money`` then reads it as unknown)."""
    if premium is None or premium == "":
        return None, None
    if isinstance(premium, str):
        try:
            money = parse_money(premium)
        except ValueError:
            return premium, None
    else:
        money = premium
    return f"{money.amount:.2f}", money.currency


def _entry(found: Sequence[object]) -> Entry:
    values = dict(zip(_ENTRY_FIELDS, found, strict=True))
    values["state"] = standing(str(values["state"]))
    values["listed"] = bool(values["listed"])
    values["check_first"] = bool(values["check_first"])
    values["problems"] = tuple(json.loads(str(values["problems"])))
    values["artifacts"] = tuple(json.loads(str(values["artifacts"])))
    return Entry(**values)  # type: ignore[arg-type]  # columns match the fields one to one
