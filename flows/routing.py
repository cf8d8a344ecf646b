"""Routing: where an extension is bought, by the ordered rules below over the aide-mémoire.

Rules, first match wins:

1. A claim filed or expected → contact the insurer (seed: ask the client before extending).
2. Sold in Espace partenaire (``AA…``): an existing annual extension after departure → contact
   the insurer; anything else → the standard extension process there (FAQ 2).
3. Legacy contract whose coverage is already over (``legacy_end`` before ``request_date``) →
   contact the insurer: Assurance complémentaire only tops up a coverage still running.
4. Legacy, requested before 2026-06-01 → extend on Info-partenaires.ca (new process not in force).
5. Legacy visitors to Canada → extend on Info-partenaires.ca, before or after arrival.
6. Legacy with coverages exactly {emc}, single trip / annual (new or existing) / top-up →
   create an Assurance complémentaire contract in Espace partenaire (FAQ 1). Automated.
7. Legacy with any other coverage → extend on Info-partenaires.ca.

The router is pure: no browser, no I/O, a few microseconds per request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from flows.aide_memoire import AideMemoireRow, Route, find_row
from flows.language import say
from flows.request import (
    AnnualExtension,
    Claim,
    Coverage,
    Product,
    RoutingFacts,
    SoldIn,
    parse_routing_facts,
)

__all__ = [
    "NEW_PROCESS_START",
    "RULES",
    "Decision",
    "HandOff",
    "Route",
    "route",
    "route_mapping",
]

#: « À partir du 1 juin 2026 » the legacy EMC-only contracts go through Assurance complémentaire.
NEW_PROCESS_START: Final = date(2026, 6, 1)


@dataclass(frozen=True)
class HandOff:
    """Where to go and what to enter, for a person (or for the record of an automated sale)."""

    where_fr: str
    where_en: str
    what_fr: str
    what_en: str

    @property
    def where(self) -> str:
        """Where to go, in the run's language."""
        return say(fr=self.where_fr, en=self.where_en)

    @property
    def what(self) -> str:
        """What to enter there, in the run's language."""
        return say(fr=self.what_fr, en=self.what_en)


@dataclass(frozen=True)
class Decision:
    """The outcome of routing one request, with its reason in both languages and the rule used."""

    outcome: Route
    reason_fr: str
    reason_en: str
    rule: str
    handoff: HandOff
    row: AideMemoireRow | None = None

    @property
    def reason(self) -> str:
        """Why, in the run's language."""
        return say(fr=self.reason_fr, en=self.reason_en)

    @property
    def automated(self) -> bool:
        """Only the Assurance complémentaire sale is entered by prolong itself."""
        return self.outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE

    def as_json(self, *, handoff: bool = False) -> dict[str, object]:
        """``{"route", "automated", "reason_fr", "reason_en", "rule"}`` (+ ``handoff`` if asked)."""
        out: dict[str, object] = {
            "route": self.outcome.value,
            "automated": self.automated,
            "reason_fr": self.reason_fr,
            "reason_en": self.reason_en,
            "rule": self.rule,
        }
        if handoff:
            out["handoff"] = {
                "where_fr": self.handoff.where_fr,
                "where_en": self.handoff.where_en,
                "what_fr": self.handoff.what_fr,
                "what_en": self.handoff.what_en,
            }
        return out


# --- hand-offs -----------------------------------------------------------------------------------


def _handoff_for(outcome: Route, facts: RoutingFacts) -> HandOff:
    if outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE:
        return _complementary_handoff(facts)
    return _HANDOFFS[outcome]


def _complementary_handoff(facts: RoutingFacts) -> HandOff:
    days = str(facts.legacy_days) if facts.legacy_days is not None else None
    days_fr = days or "le nombre de jours couverts par l'ancien contrat"
    days_en = days or "the number of days the legacy contract covers"
    return HandOff(
        where_fr=(
            "Espace partenaire : trouver le client (nom ou téléphone ; les anciens numéros ne "
            "sont pas cherchables) → son compte → « Nouvelle opportunité »"
        ),
        where_en=(
            "Espace partenaire: find the client (name or phone; legacy numbers are not "
            "searchable) → the account → « Nouvelle opportunité » (New opportunity)"
        ),
        what_fr=(
            "Étape Voyage : dates du séjour complet ; Oui à la question sur l'Assurance "
            f"complémentaire ; « Jours couverts par l'autre assureur » = {days_fr} ; "
            "« Type d'assurance » = « Ancien système voyage QC ON ». Marquer l'étape comme "
            "terminée et finaliser la vente."
        ),
        what_en=(
            "Voyage step: dates of the whole stay; Yes to the top-up question; "
            f"« Jours couverts par l'autre assureur » (days covered by the other insurer) = "
            f"{days_en}; « Type d'assurance » = « Ancien système voyage QC ON ». Mark the stage "
            "complete and finalise the sale."
        ),
    )


_HANDOFFS: Final[dict[Route, HandOff]] = {
    Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE: HandOff(
        where_fr="Espace partenaire : le contrat AA du client",
        where_en="Espace partenaire: the client's AA contract",
        what_fr="Prolonger le contrat selon le processus standard de prolongation (FAQ 2).",
        what_en="Extend the contract with the standard extension process (FAQ 2).",
    ),
    Route.EXTEND_ON_INFO_PARTENAIRES: HandOff(
        where_fr="Info-partenaires.ca : le contrat d'origine",
        where_en="Info-partenaires.ca: the original contract",
        what_fr="Prolonger le contrat sur Info-partenaires.ca jusqu'à la fin du séjour.",
        what_en="Extend the contract on Info-partenaires.ca to the end of the stay.",
    ),
    Route.CONTACT_INSURER: HandOff(
        where_fr="L'assureur (communiquez avec nous)",
        where_en="The insurer (contact us)",
        what_fr="Ne rien saisir : communiquer avec l'assureur pour confirmer la prolongation.",
        what_en="Enter nothing: contact the insurer to confirm the extension.",
    ),
}


# --- rules ---------------------------------------------------------------------------------------

_Rule = Callable[[RoutingFacts], "Decision | None"]


def _decide(
    facts: RoutingFacts,
    outcome: Route,
    rule: str,
    reason: tuple[str, str],
    row: AideMemoireRow | None = None,
) -> Decision:
    reason_fr, reason_en = reason
    if row is not None:
        rule = f"{rule} / aide-mémoire: {row.label_fr}"
        reason_fr = f"{reason_fr} Aide-mémoire : « {' '.join(row.text_fr.split())} »."
        reason_en = f"{reason_en} Aide-mémoire: “{' '.join(row.text_en.split())}”."
    return Decision(outcome, reason_fr, reason_en, rule, _handoff_for(outcome, facts), row)


def _row(facts: RoutingFacts) -> AideMemoireRow | None:
    return find_row(facts.product, facts.annual_extension, facts.coverages, facts.sold_in)


def _r1_claim(facts: RoutingFacts) -> Decision | None:
    if facts.claim is Claim.NONE:
        return None
    return _decide(
        facts,
        Route.CONTACT_INSURER,
        "R1 / réclamation",
        (
            "Une réclamation a été présentée ou sera présentée : communiquez avec l'assureur pour "
            "confirmer la prolongation.",
            "A claim has been or will be filed: contact the insurer to confirm the extension.",
        ),
    )


def _r2_espace_partenaire(facts: RoutingFacts) -> Decision | None:
    if facts.sold_in is not SoldIn.ESPACE_PARTENAIRE:
        return None
    row = _row(facts)
    existing_annual = (
        facts.product is Product.ANNUAL_MULTI_TRIP
        and facts.annual_extension is AnnualExtension.EXISTING
    )
    if existing_annual and facts.departed:
        return _decide(
            facts,
            Route.CONTACT_INSURER,
            "R2",
            (
                "Prolongation existante d'un Annuel multi-voyages vendu dans l'Espace partenaire, "
                "après le départ : contactez l'assureur pour une prolongation.",
                "Existing extension of an Annual Multi-Trip sold in Espace partenaire, after "
                "departure: contact the insurer for an extension.",
            ),
            row,
        )
    return _decide(
        facts,
        Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
        "R2 / FAQ 2",
        (
            "Contrat vendu dans l'Espace partenaire : le processus et les règles de prolongation "
            "habituels s'appliquent (FAQ 2).",
            "Contract sold in Espace partenaire: the usual extension process and rules apply (FAQ "
            "2).",
        ),
        row,
    )


def _r3_legacy_over(facts: RoutingFacts) -> Decision | None:
    if facts.legacy_end is None or facts.legacy_end >= facts.request_date:
        return None
    return _decide(
        facts,
        Route.CONTACT_INSURER,
        "R3 / ancienne couverture terminée",
        (
            "La couverture de l'ancien contrat est déjà terminée à la date de la demande : "
            "communiquez avec l'assureur.",
            "The legacy contract's coverage had already ended on the request date: contact the "
            "insurer.",
        ),
    )


def _r4_before_start(facts: RoutingFacts) -> Decision | None:
    if facts.request_date >= NEW_PROCESS_START:
        return None
    return _decide(
        facts,
        Route.EXTEND_ON_INFO_PARTENAIRES,
        "R4 / avant le 1 juin 2026",
        (
            "Demande avant le 1 juin 2026 : la nouvelle procédure n'est pas encore en vigueur, "
            "prolonger le contrat sur Info-partenaires.ca.",
            "Requested before 1 June 2026: the new procedure is not in force yet, extend the "
            "contract on Info-partenaires.ca.",
        ),
    )


def _r5_visitors(facts: RoutingFacts) -> Decision | None:
    if facts.product is not Product.VISITORS_TO_CANADA:
        return None
    return _decide(
        facts,
        Route.EXTEND_ON_INFO_PARTENAIRES,
        "R5",
        (
            "Visiteurs au Canada vendu dans l'ancien système : avant ou après l'arrivée, prolonger "
            "le contrat sur Info-partenaires.ca.",
            "Visitors to Canada sold in the legacy system: before or after arrival, extend the "
            "contract on Info-partenaires.ca.",
        ),
        _row(facts),
    )


def _r6_emc_only(facts: RoutingFacts) -> Decision | None:
    if set(facts.coverages) != {Coverage.EMC}:
        return None
    existing = facts.annual_extension is AnnualExtension.EXISTING
    return _decide(
        facts,
        Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
        "R6 / FAQ 1" if existing else "R6",
        (
            "Contrat de l'ancien système avec Soins médicaux d'urgence seulement : avant ou après "
            "le départ, créer un contrat Assurance complémentaire dans l'Espace partenaire"
            + (" (FAQ 1 : seule la nouvelle prolongation y est vendue)." if existing else "."),
            "Legacy contract with Emergency Medical Care only: before or after departure, create a "
            "Top-up Insurance contract in Espace partenaire"
            + (" (FAQ 1: only the new extension is sold there)." if existing else "."),
        ),
        _row(facts),
    )


def _r7_other_coverage(facts: RoutingFacts) -> Decision:
    row = _row(facts)
    rule = "R7" if row else "R7 (aucune ligne de l'aide-mémoire pour ces couvertures)"
    return _decide(
        facts,
        Route.EXTEND_ON_INFO_PARTENAIRES,
        rule,
        (
            "Contrat de l'ancien système avec une couverture autre que Soins médicaux d'urgence "
            "seulement : prolonger le contrat sur Info-partenaires.ca.",
            "Legacy contract with a coverage other than Emergency Medical Care only: extend the "
            "contract on Info-partenaires.ca.",
        ),
        row,
    )


#: The rules in order; the first one that returns a decision wins. R7 always decides.
RULES: Final[tuple[_Rule, ...]] = (
    _r1_claim,
    _r2_espace_partenaire,
    _r3_legacy_over,
    _r4_before_start,
    _r5_visitors,
    _r6_emc_only,
    _r7_other_coverage,
)


def route(facts: RoutingFacts) -> Decision:
    """Decide where the extension of ``facts`` is bought (first matching rule of ``RULES``)."""
    for rule in RULES:
        decision = rule(facts)
        if decision is not None:
            return decision
    raise AssertionError("R7 decides every request")  # pragma: no cover - R7 never declines


def route_mapping(data: Mapping[str, object], *, ignore_unknown: bool = False) -> Decision:
    """Parse a JSON object / CSV row / CLI options and route it; raises ``RequestInvalid``."""
    return route(parse_routing_facts(data, ignore_unknown=ignore_unknown))
