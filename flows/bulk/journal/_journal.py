"""The journal as a run uses it: a worker's moves of one request, and what reports read.

- The hook passed to ``ExtensionFlow.run`` writes ``submitting`` (with the opportunity name)
  *before* « Finaliser la vente », and ``issued`` is written right after it; both commit at once
  (WAL, ``synchronous=FULL``), so a crash leaves at worst a request in ``submitting``.
- ``check_first`` marks a request that may already have been sold (a run stopped while it was
  ``in_progress`` or ``submitting``, or a fault after ``submitting``): it is claimed before any
  other and the worker asks the portal (``find_issued``) before entering it again.
- ``claim`` hands a pending request to exactly one worker: SQLite takes the write transaction
  at once (``BEGIN IMMEDIATE``), PostgreSQL locks the row it picks (``FOR UPDATE SKIP
  LOCKED``), so the request it picks is still pending when it moves it. The claim is held with
  a lease (``lease_until``, the database's clock) that a thread renews while the process lives;
  a claim whose lease ran out is taken over by the next claim, checked in the portal first when
  it had reached ``submitting``. Every other move of a worker checks that its process still
  holds the request (``ClaimLost`` otherwise), inside a transaction that locks its row; a move
  renews the lease. ``submitting`` names the one opportunity the request may be finalised on
  (``flows.bulk.journal._fence``).
- A partial unique index (``requests_one_sale_at_a_time``) keeps one request per client in
  flight, across machines (``identity``: ``flows.bulk.journal._loading.client_identity``).
- What a person did (the desk's « Approve », « Stop »…) is an event too, with its ``actor``
  (``record_action``, read with ``actions``; see ``flows.bulk.journal._actions``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import psycopg

from automation.text import first_line
from flows.bulk.journal._actions import (
    ACTION_COLUMNS,
    Action,
    check_action,
    insert_action,
    read_action,
)
from flows.bulk.journal._db import Db, JournalStore
from flows.bulk.journal._fence import (
    OtherOpportunity,
    hand_off,
    is_late_sale,
    late_sale,
    refuses,
)
from flows.bulk.journal._loading import LoadSummary, client_identity, load_plan
from flows.bulk.journal._postgresql import PostgresStore, is_database_url
from flows.bulk.journal._states import (
    ENDINGS,
    IN_FLIGHT,
    ClaimLost,
    JournalConflict,
    Standing,
    State,
    check_move,
    move,
    standing,
)
from flows.bulk.journal._storage import Store
from flows.bulk.plan import Plan
from flows.outcome import Outcome
from flows.request.money import Money, parse_money

logger = logging.getLogger(__name__)

__all__ = ["Action", "Claim", "Entry", "Event", "Journal", "RowLink", "StepTime", "TimedStep"]


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
    """The journal at ``where``: an SQLite file, or a PostgreSQL database (``postgresql://``).

    Safe to use from several threads. On a shared journal (PostgreSQL) a worker's claim is held
    with a lease of ``lease_s`` seconds that a thread of this journal renews while the worker
    works; a claim whose lease ran out (its machine died, its network went) is taken by the next
    worker that claims. An SQLite journal has one run (``JournalLock``): no lease to run out.
    ``lease_s`` defaults to ``PROLONG_JOURNAL_LEASE_S``, else 60 seconds; ``outage_s`` to
    ``PROLONG_JOURNAL_OUTAGE_S``, else 30 seconds.
    ``outage_s`` is how long a PostgreSQL journal out of reach is waited for
    (``JournalUnavailable`` after that).

    Raises ``NotAJournal`` when ``where`` holds something other than a prolong journal; a path
    where nothing exists, or an empty database, becomes a new journal.
    """

    def __init__(
        self, where: Path | str, *, lease_s: float | None = None, outage_s: float | None = None
    ) -> None:
        self._store: JournalStore
        if isinstance(where, str) and is_database_url(where):
            outage = outage_s or float(os.environ.get("PROLONG_JOURNAL_OUTAGE_S") or _OUTAGE_S)
            store = PostgresStore(where, outage_s=outage)
            self._store = store
            self._lock_loading: Callable[[Db], None] = store.lock_loading
            self.path = Path(urlsplit(where).path.strip("/") or "journal")
        else:
            self.path = Path(where)
            self._store = Store(self.path)
            self._lock_loading = _no_lock
        self.where = self._store.where
        self.lease_s = lease_s or float(os.environ.get("PROLONG_JOURNAL_LEASE_S") or _LEASE_S)
        # Which process holds a claim: its machine, its pid, and a random part (pids repeat).
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renewing: threading.Thread | None = None
        self._closing = threading.Event()
        self._renew_guard = threading.Lock()

    @property
    def shared(self) -> bool:
        """True for a journal several runs may work at once (PostgreSQL)."""
        return self._store.shared

    def close(self) -> None:
        """Stop renewing leases and close every connection."""
        self._closing.set()
        if self._renewing is not None:
            self._renewing.join()
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
        found = self._store.read(lambda db: db.execute("SELECT name, value FROM meta").fetchall())
        return {str(name): str(value) for name, value in found}

    def set_meta(self, **values: str) -> None:
        """Record notes about the run (file name, when it was loaded…)."""
        self._store.write(
            lambda db: db.executemany(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )
        )

    def load(self, plan: Plan, *, again: Collection[str] | None = None) -> LoadSummary:
        """Bring the journal up to date with ``plan`` (see ``flows.bulk.journal._loading``).

        On a shared journal, loads from several machines take turns, so the same file (or an
        overlapping one) loaded twice gives one request per key. ``again``: the keys whose
        failed or skipped requests are tried again (None: every one).
        """
        identities = {key: client_identity(req) for key, req in plan.requests().items()}

        def work(db: Db) -> LoadSummary:
            self._lock_loading(db)
            return load_plan(db, plan, identities, shared=self._store.shared, again=again)

        return self._store.write(work)

    # --- a worker's moves --------------------------------------------------------------------

    def claim(self, worker: str, among: Collection[str] | None = None) -> Claim | None:
        """Hand the next request to ``worker``: the requests to check first, then the pending
        ones in row order; a request whose claim expired is taken over (checked in the portal
        first when it may have reached « Finaliser la vente »).

        A request is never claimed while another of the same client is in flight.
        ``among`` (a shared journal only) limits the claim to the requests this run can enter.
        """
        token = uuid.uuid4().hex
        runs: list[None] = []  # how many times the store ran this claim (again: a lost answer)
        for _ in range(_CLAIM_TRIES):
            try:
                claim = self._store.write(partial(self._claim, worker, token, among, runs))
            except (sqlite3.IntegrityError, psycopg.errors.UniqueViolation):
                # Another machine claimed a request of the same client and trip at the same
                # moment (the index ``requests_one_sale_at_a_time`` refused this one): pick again.
                continue
            if claim is not None and self._store.shared:
                self._keep_renewing()
            return claim
        return None

    def _claim(
        self,
        worker: str,
        token: str,
        among: Collection[str] | None,
        runs: list[None],
        db: Db,
    ) -> Claim | None:
        runs.append(None)
        replayed = (
            db.execute(
                "SELECT key, row, contract_number, check_first, attempts FROM requests "
                "WHERE last_change = ?",
                (token,),
            ).fetchone()
            if len(runs) > 1
            else None
        )
        if replayed is not None:  # this claim committed, then its answer was lost
            key, row, number, check_first, attempts = replayed
            return Claim(key, row, number, bool(check_first), attempts)
        found = None
        if self._store.shared:
            # Only a shared journal has claims of other runs to take over: an SQLite journal's
            # run holds it alone, and its dead runs' requests are recovered when a file loads.
            found = self._pick(
                db,
                f"r.state IN ('in_progress', 'submitting') AND r.lease_until < {db.dialect.clock}",
                "r.row",
                among,
            )
        if found is None:
            found = self._pick(db, "r.state = 'pending'", "r.check_first DESC, r.row", among)
        if found is None:
            return None
        key, row, number, check_first, attempts, state = found
        taken = standing(str(state)) is not State.PENDING
        # A claim that ran out after « Finaliser la vente » may have sold: the portal first.
        check = bool(check_first) or standing(str(state)) is State.SUBMITTING
        if taken:
            detail = "lease expired: taken over" + (", to check the portal first" if check else "")
        else:
            detail = "claimed to check the portal first" if check else "claimed"
        move(
            db,
            key,
            State.IN_PROGRESS,
            worker,
            detail,
            {
                "worker": worker,
                "holder": self.holder,
                "check_first": int(check),
                "last_change": token,
            },
            attempts_plus=1,
        )
        self._lease(db, key)
        return Claim(key, row, number, check, attempts + 1)

    def _pick(
        self, db: Db, standing: str, order: str, among: Collection[str] | None
    ) -> tuple[Any, ...] | None:
        """The first listed request matching ``standing`` (SQL) in ``order`` whose client and
        trip is not in flight elsewhere; locked (PostgreSQL) or the only writer (SQLite)."""
        params: list[object] = []
        limit = ""
        if among is not None and self._store.shared:
            limit = " AND r.key = ANY(?)"
            params.append(list(among))
        # Literal states: the planner then uses the partial indexes (``requests_to_claim``,
        # ``requests_one_sale_at_a_time``) instead of scanning every request for every pick.
        found: tuple[Any, ...] | None = db.execute(
            "SELECT r.key, r.row, r.contract_number, r.check_first, r.attempts, r.state "
            f"FROM requests r WHERE {standing} AND r.listed = 1{limit} "
            "AND NOT (r.identity <> '' AND EXISTS (SELECT 1 FROM requests o "
            "WHERE o.identity = r.identity AND o.identity <> '' AND o.key <> r.key "
            "AND o.state IN ('in_progress', 'submitting'))) "
            f"ORDER BY {order} LIMIT 1{db.dialect.claim_lock}",
            params,
        ).fetchone()
        return found

    def _lease(self, db: Db, key: str) -> None:
        db.execute(
            f"UPDATE requests SET lease_until = {db.dialect.clock} + ? WHERE key = ?",
            (self.lease_s, key),
        )

    def _keep_renewing(self) -> None:
        with self._renew_guard:
            if self._renewing is None:
                self._renewing = threading.Thread(
                    target=self._renew, name="journal-leases", daemon=True
                )
                self._renewing.start()

    def _renew(self) -> None:
        """Renew every lease this process holds, a few times per lease, until closed."""
        while not self._closing.wait(self.lease_s / 4):
            try:
                self.renew_leases()
            except Exception as error:  # the workers meet the same fault and stop the run
                logger.warning("journal leases not renewed: %s", first_line(error))

    def renew_leases(self) -> int:
        """Extend the lease of every request this process holds; how many it holds."""
        marks = ", ".join("?" for _ in _IN_FLIGHT_TEXT)

        def work(db: Db) -> int:
            return db.execute(
                f"UPDATE requests SET lease_until = {db.dialect.clock} + ? "
                f"WHERE holder = ? AND state IN ({marks})",
                (self.lease_s, self.holder, *_IN_FLIGHT_TEXT),
            ).rowcount

        return self._store.write(work)

    def unsettled(self, among: Collection[str] | None = None) -> int:
        """How many listed requests (of ``among``, on a shared journal) are pending or in
        flight: a worker that found nothing to claim waits while other machines hold some."""
        marks = ", ".join("?" for _ in _UNSETTLED)
        params: list[object] = list(_UNSETTLED)
        limit = ""
        if among is not None and self._store.shared:
            limit = " AND key = ANY(?)"
            params.append(list(among))

        def work(db: Db) -> int:
            found = db.execute(
                f"SELECT COUNT(*) FROM requests WHERE listed = 1 AND state IN ({marks}){limit}",
                params,
            ).fetchone()
            return int(found[0])

        return self._store.read(work)

    def submitting(self, key: str, opportunity_name: str, worker: str) -> None:
        """Written just before « Finaliser la vente »: from here the sale may exist.

        Raises ``ClaimLost`` unless this worker still holds the request; the move renews its
        lease in full, so no other worker can take it over during the click. Once recorded,
        ``opportunity_name`` is the only opportunity this request may be finalised on, by any
        worker of any machine: another one is refused (``OtherOpportunity``, a ``ClaimLost``)
        and the request handed off (``flows.bulk.journal._fence``).
        """
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
        self._store.write(
            lambda db: db.executemany(
                "INSERT INTO step_timings (key, attempt, step, started_at, seconds) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        )

    def step_times(self) -> list[StepTime]:
        """Every step timing recorded, oldest first."""
        found = self._all(
            "SELECT key, attempt, step, started_at, seconds FROM step_timings ORDER BY id"
        )
        return [StepTime(str(k), int(a), str(s), str(at), float(sec)) for k, a, s, at, sec in found]

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
        token = uuid.uuid4().hex
        refused: list[str] = []  # the fence refused this sale's opportunity (``_fence``)

        def work(db: Db) -> None:
            refused.clear()
            # Locked (PostgreSQL): read committed alone would let a takeover commit between
            # this check of the holder and the write below, which would then overwrite it.
            found = db.execute(
                f"SELECT state, holder, last_change, lease_until - {db.dialect.clock}, "
                "opportunity_name, new_contract_number "
                f"FROM requests WHERE key = ?{db.dialect.row_lock}",
                (key,),
            ).fetchone()
            if found is None:
                raise JournalConflict(f"request {key} is absent: it may not become {to}")
            current = standing(str(found[0]))
            if found[2] == token:  # this move committed, then its answer was lost: done already
                if to is State.SUBMITTING and current is Outcome.HANDED_OFF:
                    refused.append(key)
                return
            if current not in IN_FLIGHT or found[1] != self.holder:
                # Not this process's any more: its lease ran out and another worker (or a load
                # on another machine) took it. A sale is recorded all the same: it exists.
                if to is Outcome.ISSUED and is_late_sale(found[4], columns):
                    late_sale(
                        db, key, current, found[5], by, detail, {**columns, "last_change": token}
                    )
                    return
                # Said with the table's words when it forbids the move too.
                try:
                    check_move(key, current, to)
                except JournalConflict as forbidden:
                    raise ClaimLost(str(forbidden)) from None
                raise ClaimLost(f"request {key} is no longer held by {by}: another worker has it")
            # Still this process's (the row is locked, its holder checked): however little of the
            # lease is left, nobody else has it, and the move below renews it in full. Refusing
            # here would leave a request held by a live process that no worker works.
            if to is State.SUBMITTING and refuses(found[4], columns.get("opportunity_name")):
                hand_off(db, key, by, token)
                refused.append(key)
                return
            held = to in IN_FLIGHT
            ended = {} if held else {"holder": None, "lease_until": None}
            move(
                db,
                key,
                to,
                by,
                detail,
                {**columns, **ended, "last_change": token},
                attempts_plus=attempts_plus,
            )
            if held:
                self._lease(db, key)

        self._store.write(work)
        if refused:
            raise OtherOpportunity(
                f"request {key}: not finalised on another opportunity than the one recorded "
                "before « Finaliser la vente »; handed off"
            )

    # --- reading -----------------------------------------------------------------------------

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return self._store.read(lambda db: db.execute(sql, params).fetchall())

    def entries(self, *, listed_only: bool = False) -> list[Entry]:
        """Every request, in row order."""
        where = " WHERE listed = 1" if listed_only else ""
        found = self._all(f"SELECT {_ENTRY_COLUMNS} FROM requests{where} ORDER BY row, key")
        return [_entry(values) for values in found]

    def entry(self, key: str) -> Entry | None:
        """One request, or None."""
        found = self._all(f"SELECT {_ENTRY_COLUMNS} FROM requests WHERE key = ?", (key,))
        return _entry(found[0]) if found else None

    def rows(self) -> list[RowLink]:
        """The rows of the latest file loaded, in order."""
        found = self._all("SELECT row, key, duplicate_of, message FROM rows ORDER BY row")
        return [RowLink(*values) for values in found]

    def events(self, key: str | None = None) -> list[Event]:
        """The recorded state changes (of one request, or all), oldest first; a person's
        actions are read with ``actions``."""
        query = "SELECT key, at, from_state, to_state, worker, detail FROM events"
        found = (
            self._all(query + " WHERE key = ? AND action IS NULL ORDER BY id", (key,))
            if key
            else self._all(query + " WHERE action IS NULL ORDER BY id")
        )
        return [
            Event(k, at, standing(f) if f else None, standing(t), w, d)
            for k, at, f, t, w, d in found
        ]

    def record_action(self, key: str | None, action: str, actor: str, detail: str = "") -> None:
        """Record among the events that ``actor`` (a person: the desk's user) did ``action``.

        ``key`` is the request acted on (None: the run as a whole, e.g. ``start``, ``stop``);
        ``action`` a short name (``approve``, ``skip``, ``retry``, ``handoff_done``…);
        ``detail`` a few words without client data (the journal is no place for a name or a
        birth date). The action changes no state: it says who asked for what, and when (UTC,
        as every event). Raises ``ValueError`` for an action, actor or detail it may not
        keep, ``JournalConflict`` when ``key`` names no request of the journal.
        """
        check_action(action, actor, detail)  # refused before the database is reached
        self._store.write(
            partial(insert_action, key=key, action=action, actor=actor, detail=detail)
        )

    def actions(self, key: str | None = None) -> list[Action]:
        """The actions people did (on one request, or all, run-wide ones included), oldest
        first."""
        query = f"SELECT {ACTION_COLUMNS} FROM events WHERE "
        found = (
            self._all(query + "key = ? AND action IS NOT NULL ORDER BY id", (key,))
            if key
            else self._all(query + "action IS NOT NULL ORDER BY id")
        )
        return [read_action(values) for values in found]

    def state_counts(self) -> Counter[Standing]:
        """How many listed requests stand in each state or outcome."""
        found = self._all("SELECT state, COUNT(*) FROM requests WHERE listed = 1 GROUP BY state")
        return Counter({standing(str(state)): int(count) for state, count in found})


def _no_lock(db: Db) -> None:
    """A journal one run holds (``JournalLock``): loads never meet."""


#: How long a claim holds without being renewed (``PROLONG_JOURNAL_LEASE_S``): long enough for
#: a renewal to miss a beat, short enough that a dead machine's requests are soon taken over.
_LEASE_S: Final = 60.0
#: How long a PostgreSQL journal out of reach is retried (``PROLONG_JOURNAL_OUTAGE_S``): a
#: restart or a short network cut is waited out; longer, the run stops (exit 3).
_OUTAGE_S: Final = 30.0
#: How many times a claim picks again after the one-sale-at-a-time index refused its pick.
_CLAIM_TRIES: Final = 5
_IN_FLIGHT_TEXT: Final = (str(State.IN_PROGRESS), str(State.SUBMITTING))
_UNSETTLED: Final = (str(State.PENDING), *_IN_FLIGHT_TEXT)

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
