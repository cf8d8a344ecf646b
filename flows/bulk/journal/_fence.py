"""One request, one opportunity: the fence that keeps a late click from selling twice.

A worker records ``submitting`` with the opportunity it is about to finalise, then clicks
« Finaliser la vente ». A machine cut off between the two (frozen, its network gone) for longer
than its lease loses the request to another worker, which checks the portal and finds nothing
yet; the cut-off machine may still click afterwards. No lease can stop that click: the fence is
what any later attempt may sell.

- The portal finalises one opportunity once: a second « Finaliser la vente » on a sold
  opportunity returns its one contract (``automation.runtime.walk.Walk._finalise`` relies on it
  for its own retries, and the simulator's ``finalize`` keeps it). So two clicks on the same
  opportunity make one contract.
- The opportunity recorded with ``submitting`` stays on the request until it is issued. A later
  ``submitting`` of the same request, on any machine, must name that same opportunity
  (``refuses``): the walk continues this trip's unfinished opportunity, which is that one, so
  the sale goes on. On any other opportunity (a second draft of the trip) it is refused, and
  the request is handed to a person (``hand_off``): the first click may still land, and only
  a person can tell which opportunity to keep.
- A sale whose worker lost its claim is still recorded (``late_sale``): the contract exists in
  the portal, so the journal says ``issued`` whatever another worker did meanwhile; the same
  contract recorded twice is one sale.
"""

from __future__ import annotations

from collections.abc import Mapping

from flows.bulk.journal._db import Db
from flows.bulk.journal._states import ClaimLost, Standing, move
from flows.language import say
from flows.outcome import Outcome

__all__ = ["OtherOpportunity", "hand_off", "is_late_sale", "late_sale", "refuses"]


class OtherOpportunity(ClaimLost):
    """The sale was about to be finalised on another opportunity than the one recorded by an
    earlier ``submitting``: refused, and the request handed off (its worker leaves it)."""


def refuses(recorded: object, about_to: object) -> bool:
    """True when an earlier ``submitting`` recorded an opportunity and this one is another."""
    return bool(recorded) and recorded != about_to


def hand_off(db: Db, key: str, by: str, token: str) -> None:
    """End the request ``handed_off``: a sale may exist on the recorded opportunity."""
    message = say(
        fr="non finalisée : une tentative précédente a pu finaliser cette vente sur "
        "l’opportunité notée avant « Finaliser la vente », et celle-ci en a atteint une "
        "autre ; vérifiez le compte du client dans Espace partenaire avant toute saisie",
        en="not finalised: an earlier attempt may have finalised this sale on the opportunity "
        "recorded before « Finaliser la vente », and this one reached another; check the "
        "client's account in Espace partenaire before entering anything",
    )
    move(
        db,
        key,
        Outcome.HANDED_OFF,
        by,
        "refused: another opportunity than the one recorded at submitting",
        {
            "message": message,
            "decided_by": "flow",
            "check_first": 1,
            "holder": None,
            "lease_until": None,
            "last_change": token,
        },
    )


def is_late_sale(recorded_opportunity: object, columns: Mapping[str, object]) -> bool:
    """True for ``issued`` on the opportunity an earlier ``submitting`` recorded: a click that
    went through after its worker lost the claim (anything else is not a late sale)."""
    return bool(recorded_opportunity) and columns.get("opportunity_name") == recorded_opportunity


def late_sale(
    db: Db,
    key: str,
    current: Standing,
    recorded_contract: object,
    by: str,
    detail: str,
    columns: Mapping[str, object],
) -> None:
    """Record ``issued`` from a worker that no longer holds the request: its click went through
    (``is_late_sale``).

    Nothing to do when the request is issued already with the same contract (the two clicks
    met on one opportunity); ``ClaimLost`` when it is issued with another one (which the fence
    exists to make impossible).
    """
    contract = columns.get("new_contract_number")
    if current is Outcome.ISSUED:
        if recorded_contract == contract:
            return
        raise ClaimLost(f"request {key} is issued already, with another contract than {by}'s")
    move(
        db,
        key,
        Outcome.ISSUED,
        by,
        f"late answer, the claim was lost meanwhile: {detail}",
        {**columns, "holder": None, "lease_until": None},
        late_sale=True,
    )
