"""Loading a plan into the journal: the journal brought up to date with a (corrected) file.

- A request new to the journal comes in as planned (pending to enter, handed off, invalid).
- A request not ended for good is planned again from its current row. ``issued`` is kept
  forever; a portal's verdict (handed off or invalid, ``decided_by = 'flow'``) is kept while
  the row is unchanged.
- A run that died is recovered first: its ``in_progress``/``submitting`` requests are pending
  again with ``check_first``, so the portal is asked before they are entered again.
- Requests of earlier files no longer in this one stay (``listed = 0``): never claimed, and an
  issued one is still reported.
- Given ``again`` (the keys of the rows to try again, ``bulk run --row``), a failed or skipped
  request not among them is kept as it ended: only the chosen rows are tried again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final

from automation.text import fold
from flows.bulk.journal._db import Db
from flows.bulk.journal._states import IN_FLIGHT, State, check_move, move, record_event, standing
from flows.bulk.journal._storage import now
from flows.bulk.keys import KEY_RULE, legacy_request_key
from flows.bulk.plan import Plan, PlanItem, Planned
from flows.outcome import Outcome
from flows.request import ExtensionRequest

__all__ = ["LoadSummary", "client_identity", "load_plan"]

_CHANGED_AFTER_ATTEMPT: Final = (
    "an earlier attempt may have finalised this sale, and the row changed since: look for the "
    "contract in Espace partenaire before entering anything by hand"
)


def client_identity(request: ExtensionRequest) -> str:
    """The client a request is for (folded name, birth date), as a digest: the journal's
    ``identity``, of which one request at a time is in flight, whichever machine holds it.

    The client, not the client and trip: a walk creates the account of a client the portal
    does not know yet, so two requests of one new client walked at once (two trips) would
    create two accounts, and every later walk of that client would stop on two matching
    accounts (handed off). One client at a time costs nothing else: a file has few requests
    per client.
    """
    parts = (fold(f"{request.first_name} {request.last_name}"), request.birth_date.isoformat())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class LoadSummary:
    """What ``load`` did: requests new to the journal, planned again, recovered from a crash."""

    new: int
    replanned: int
    recovered: int
    kept: int


def load_plan(
    db: Db,
    plan: Plan,
    identities: Mapping[str, str],
    *,
    shared: bool,
    again: Collection[str] | None = None,
) -> LoadSummary:
    """Bring the journal up to date with ``plan``, in the caller's write transaction.

    ``identities`` gives the client of each request to enter (its key → ``client_identity``).
    In a ``shared`` journal (other machines work it now) only the requests whose claim expired
    are recovered, and the requests of other files stay listed: the journal holds the union of
    the files loaded, each request once. ``again``: see the module's note.
    """
    counts: Counter[str] = Counter()
    recovered = _recover(db, shared=shared)
    _adopt_legacy_keys(db, plan)
    if not shared:
        db.execute("UPDATE requests SET listed = 0")
    db.execute("DELETE FROM rows")
    for item in plan.items:
        follower = not item.stands_for_request  # a duplicate, or a conflict's later row
        db.execute(
            "INSERT INTO rows VALUES (?, ?, ?, ?)",
            (item.row, item.key, item.duplicate_of, item.message if follower else ""),
        )
        if not follower:
            counts[_load_item(db, item, identities.get(item.key, ""), again)] += 1
    db.executemany(
        "INSERT INTO meta (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [
            # The file's path: ``bulk report`` reads its values again for the hand-offs and the
            # results workbook (the journal keeps none of them).
            ("file", plan.source.path.name),
            ("source_path", str(plan.source.path.resolve())),
            ("loaded_at", now()),
            ("notes", json.dumps(list(plan.notes), ensure_ascii=False)),
            ("key_rule", KEY_RULE),
        ],
    )
    return LoadSummary(counts["new"], counts["replanned"], recovered, counts["kept"])


def _recover(db: Db, *, shared: bool) -> int:
    """Requests a dead run left in flight: pending again, to be checked in the portal first.

    In a journal one run holds (``JournalLock``) every request in flight was left by a dead
    run; in a shared one only those whose lease ran out (the others are being worked).
    """
    marks = ", ".join("?" for _ in IN_FLIGHT)
    expired = f" AND (lease_until IS NULL OR lease_until < {db.dialect.clock})" if shared else ""
    stranded = [
        key
        for (key,) in db.execute(
            f"SELECT key FROM requests WHERE state IN ({marks}){expired}{db.dialect.row_lock}",
            tuple(IN_FLIGHT),
        ).fetchall()
    ]
    for key in stranded:
        move(
            db,
            key,
            State.PENDING,
            None,
            "run interrupted: the portal is checked before entering it again",
            {"check_first": 1, "worker": None, "holder": None, "lease_until": None},
        )
    return len(stranded)


def _adopt_legacy_keys(db: Db, plan: Plan) -> None:
    """In a journal written before ``KEY_RULE``, find each request under the key it had then.

    Without this an issued request whose client's name the two folds spell differently would
    look new, and be sold again.
    """
    found = db.execute("SELECT value FROM meta WHERE name = 'key_rule'").fetchone()
    if found is not None and found[0] == KEY_RULE:
        return
    for item in plan.items:
        if item.facts is None or not item.stands_for_request:
            continue
        legacy = legacy_request_key(item.facts)
        if legacy == item.key or _exists(db, item.key) or not _exists(db, legacy):
            continue
        db.execute("UPDATE requests SET key = ? WHERE key = ?", (item.key, legacy))
        db.execute("UPDATE events SET key = ? WHERE key = ?", (item.key, legacy))


def _exists(db: Db, key: str) -> bool:
    return db.execute("SELECT 1 FROM requests WHERE key = ?", (key,)).fetchone() is not None


def _load_item(db: Db, item: PlanItem, identity: str, again: Collection[str] | None) -> str:
    # Locked (PostgreSQL) until the load commits: read committed alone would let another
    # machine's claim commit between this read and the move below, which would then plan a
    # request in flight again, and a second worker could walk the same client at once.
    found = db.execute(
        "SELECT state, content, decided_by, check_first FROM requests "
        f"WHERE key = ?{db.dialect.row_lock}",
        (item.key,),
    ).fetchone()
    state = State.PENDING if item.planned is Planned.ENTER else item.planned
    if found is None:
        check_move(item.key, None, state)
        db.execute(
            "INSERT INTO requests (key, state, row, content, contract_number, identity, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item.key, state, item.row, item.content, item.contract_number, identity, now()),
        )
        _write_plan_fields(db, item)
        record_event(db, item.key, None, state, None, f"planned from row {item.row}")
        return "new"
    old_state, old_content = standing(str(found[0])), str(found[1])
    decided_by, check_first = str(found[2]), bool(found[3])
    db.execute("UPDATE requests SET listed = 1, row = ? WHERE key = ?", (item.row, item.key))
    # Issued is final. A portal's verdict (hand-off, invalid) holds while the row is unchanged.
    # A request in flight here is held by a live worker of another machine (a shared journal:
    # the dead runs' ones were recovered above): it is left to that worker.
    keep = (
        old_state is Outcome.ISSUED
        or old_state in IN_FLIGHT
        or (
            decided_by == "flow"
            and old_state in (Outcome.HANDED_OFF, Outcome.INVALID)
            and old_content == item.content
        )
        # Another row is being tried again: this one keeps its failure (and its screenshot).
        or (
            again is not None
            and item.key not in again
            and old_state in (Outcome.FAILED, Outcome.SKIPPED)
            and old_content == item.content
        )
    )
    if keep:
        return "kept"
    if check_first and state is not State.PENDING:
        # A past attempt may have sold it, and the row no longer plans an entry: a person
        # must look in the portal before doing anything with it.
        state = Outcome.FAILED
    _write_plan_fields(db, item)
    move(
        db,
        item.key,
        state,
        None,
        f"planned again from row {item.row}",
        {
            "content": item.content,
            "contract_number": item.contract_number,
            "identity": identity,
            "decided_by": "plan",
            "failed_step": None,
            "worker": None,
            "message": _CHANGED_AFTER_ATTEMPT if state is Outcome.FAILED else item.message,
        },
        event_if_unchanged=False,
    )
    return "replanned"


def _write_plan_fields(db: Db, item: PlanItem) -> None:
    decision = item.decision
    handoff = decision.handoff if decision else None
    db.execute(
        "UPDATE requests SET route = ?, rule = ?, reason_fr = ?, reason_en = ?, "
        "where_fr = ?, where_en = ?, what_fr = ?, what_en = ?, problems = ?, message = ? "
        "WHERE key = ?",
        (
            item.route,
            decision.rule if decision else "",
            decision.reason_fr if decision else "",
            decision.reason_en if decision else "",
            handoff.where_fr if handoff else "",
            handoff.where_en if handoff else "",
            handoff.what_fr if handoff else "",
            handoff.what_en if handoff else "",
            json.dumps([str(p) for p in item.problems], ensure_ascii=False),
            item.message,
            item.key,
        ),
    )
