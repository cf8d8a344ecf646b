"""The label catalogue: every text the page objects look for, in French and English.

Portal releases rename labels; when one changes, the fix is one line here (``prolong probe``
says which). Texts are the seed's (fr) and an English org's (en). Page objects never hold a
literal label of their own. Dates are not labels: ``automation/portal_dates.py`` writes and
reads them from CLDR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from automation.runtime.settings import Locale

__all__ = ["CATALOGUE", "Labels", "labels_for"]


@dataclass(frozen=True)
class Labels:
    """One locale's texts, named after what they label."""

    locale: Locale
    spinner: str
    # sign-in
    username: str
    password: str
    sign_in: str
    sign_in_error: str
    # shell and home
    search: str
    navigation: str
    nav_tabs: tuple[str, ...]
    new_opportunity: str
    sign_out: str
    # search results
    opportunities_table: str
    accounts_table: str
    col_account_name: str
    col_birth_date: str
    col_phone: str
    col_opportunity_name: str
    col_contract_number: str
    # account page
    person_account: str
    related_opportunities: str
    col_stage: str
    col_trip_start: str
    col_trip_end: str
    # client form
    client_section: str
    salutation: str
    first_name: str
    last_name: str
    birth_date: str
    email: str
    phone: str
    street: str
    city: str
    province: str
    postal_code: str
    language: str
    languages: dict[str, str]
    provinces: dict[str, str]
    privacy_consent: str
    dsr_disclosure: str
    next: str
    # resident questionnaire
    q_buyer_travelling: str
    q_all_canadian_residents: str
    q_all_provincial_plan: str
    yes: str
    no: str
    resident_flow: str
    non_resident_flow: str
    previous: str
    start: str
    # Voyage step
    mark_stage_complete: str
    stage_voyage: str
    stage_coverage: str
    stage_sold: str
    trip_section: str
    destination: str
    trip_reason: str
    trip_reasons: dict[str, str]
    trip_start: str
    trip_end: str
    trip_days: str
    trip_cost: str
    q_other_insurer: str
    other_insurer_days: str
    other_insurer_type: str
    legacy_insurance_type: str
    q_health_coverage: str
    q_cancellation_coverage: str
    contracts_table: str
    payments_section: str
    # Couverture step and sale
    highlights: str
    product: str
    premium: str
    finalise_sale: str
    contract_number: str
    # what only some portals show: the standard Path, the overflow menu of record actions
    # lightning/toast's assistive text of a toast that is no fault (its success variant;
    # information as an alternative): the variant's name, never a toast's title
    toast_success: str = ""
    path_options: str = ""
    more_actions: str = ""
    # the heading of the page a portal that is down answers with (no sign-in form, no app)
    portal_error: str = ""
    # Other texts a portal may show for the same key (an English org's « Log in », the standard
    # Path's « Marquer le statut comme terminé », the seed's English « New Opportunity » on a
    # French page): the page objects accept the key's own text or any of these (``any_of``).
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def texts(self, key: str) -> tuple[str, ...]:
        """Every text the portal may show for ``key``: the catalogue's own first."""
        own = getattr(self, key)
        if not isinstance(own, str):
            raise TypeError(f"label {key!r} is not one text")
        extra = [text for text in self.alternatives.get(key, ()) if text != own]
        return (own, *extra)

    def any_of(self, key: str) -> re.Pattern[str]:
        """Match exactly one of ``texts(key)``, ignoring surrounding spaces and a required
        star (an accessible name to find a button, a field or a listbox by)."""
        # Playwright writes a pattern into its selector between slashes: a bare "/" ends it.
        choices = "|".join(re.escape(text.strip()).replace("/", r"\/") for text in self.texts(key))
        return re.compile(rf"^\s*\*?\s*(?:{choices})\s*$")

    def shown(self, key: str) -> str:
        """How a failure names ``key``: its expected text(s) and the key itself, so a person
        knows what to look for on the screen and which catalogue line to change."""
        texts = " » or « ".join(self.texts(key))
        return f"« {texts} » ({key})"

    def with_overrides(self, **texts: str) -> Labels:
        """A copy with some texts replaced (a sandbox org with customised labels)."""
        return replace(self, **texts)  # type: ignore[arg-type]


_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
}  # fmt: skip

FRENCH: Final = Labels(
    locale=Locale.FR,
    spinner="Chargement",
    username="Nom d'utilisateur",
    password="Mot de passe",
    sign_in="Se connecter",
    sign_in_error="Votre tentative de connexion a échoué",
    search="Rechercher",
    navigation="Navigation principale",
    nav_tabs=(
        "Accueil",
        "Comptes",
        "Opportunités",
        "Contrats",
        "Rapports",
        "Formation",
        "Ressources",
    ),
    new_opportunity="Nouvelle opportunité",
    sign_out="Se déconnecter",
    opportunities_table="Opportunités",
    accounts_table="Comptes",
    col_account_name="NOM DU COMPTE",
    col_birth_date="DATE DE NAISSANCE",
    col_phone="TÉLÉPHONE",
    col_opportunity_name="NOM DE L'OPPORTUNITÉ",
    col_contract_number="NUMÉRO DE CONTRAT",
    person_account="Compte personnel",
    related_opportunities="Opportunités",
    col_stage="ÉTAPE",
    col_trip_start="Date de début du voyage",
    col_trip_end="Date de fin du voyage",
    client_section="Renseignements personnels du client",
    salutation="Salutation",
    first_name="Prénom",
    last_name="Nom",
    birth_date="Date de naissance",
    email="Adresse courriel",
    phone="Téléphone",
    street="Rue",
    city="Ville",
    province="Région/Province",
    postal_code="Code postal",
    language="Langue",
    languages={"fr": "Français", "en": "Anglais"},
    provinces=_PROVINCES,
    privacy_consent=(
        "Consentement à la collecte, à l'utilisation, à la conservation et à la divulgation "
        "des renseignements personnels"
    ),
    dsr_disclosure="Sommaire du produit et fiche de renseignements",
    next="Suivant",
    q_buyer_travelling="Faites-vous partie du voyage?",
    q_all_canadian_residents="Est-ce que toutes les personnes à assurer sont résidentes du Canada?",
    q_all_provincial_plan=(
        "Est-ce qu'elles sont toutes couvertes par le régime public d'assurance maladie "
        "de leur province de résidence ?"
    ),
    yes="Oui",
    no="Non",
    resident_flow="Vous vous dirigez vers le flux résident",
    non_resident_flow="Vous vous dirigez vers le flux non-résident",
    previous="Précédent",
    start="Démarrer",
    mark_stage_complete="Marquer l'étape comme terminée",
    stage_voyage="Voyage",
    stage_coverage="Couverture",
    stage_sold="Vendue",
    trip_section="Où voyagez-vous ?",
    destination="Destination",
    trip_reason="Raison du Voyage",
    trip_reasons={
        "vacation": "Vacances",
        "business": "Affaires",
        "study": "Études",
        "family": "Visite de la famille",
        "other": "Autre",
    },
    trip_start="Date de début du voyage",
    trip_end="Date de fin du voyage",
    trip_days="Durée du voyage",
    trip_cost="Coût du voyage (par voyageur)",
    q_other_insurer=(
        "Possédez-vous une couverture Soins médicaux d'urgence auprès d'un autre assureur "
        "couvrant les premiers jours de votre voyage? (Si oui, l'Assurance complémentaire "
        "sera proposée)"
    ),
    other_insurer_days="Jours couverts par l'autre assureur",
    other_insurer_type="Type d'assurance couvrant la première partie du voyage",
    legacy_insurance_type="Ancien système voyage QC ON",
    q_health_coverage="Désirez-vous assurer votre santé en voyage?",
    q_cancellation_coverage=(
        "Désirez-vous être couvert en cas d'annulation ou d'interruption de voyage?"
    ),
    contracts_table="Contrats",
    payments_section="Paiements",
    highlights="Faits saillants",
    product="Produit",
    premium="Prime",
    finalise_sale="Finaliser la vente",
    contract_number="Numéro de contrat",
    toast_success="Succès",
    path_options="Options de chemin",
    more_actions="Afficher plus d'actions",
    portal_error="Erreur du serveur",
    alternatives={
        # The standard Path names its button after the status field (SLDS path).
        "mark_stage_complete": ("Marquer le statut comme terminé",),
        # The seed's account header shows its actions in English on a French page.
        "new_opportunity": ("New Opportunity",),
        "toast_success": ("Info",),
        # Lightning's own error screen
        "portal_error": ("Désolé de vous interrompre",),
    },
)

ENGLISH: Final = Labels(
    locale=Locale.EN,
    spinner="Loading",
    username="Username",
    password="Password",
    sign_in="Log In",
    sign_in_error="Your login attempt has failed",
    search="Search",
    navigation="Main navigation",
    nav_tabs=("Home", "Accounts", "Opportunities", "Contracts", "Reports", "Training", "Resources"),
    new_opportunity="New Opportunity",
    sign_out="Log Out",
    opportunities_table="Opportunities",
    accounts_table="Accounts",
    col_account_name="ACCOUNT NAME",
    col_birth_date="BIRTHDATE",
    col_phone="PHONE",
    col_opportunity_name="OPPORTUNITY NAME",
    col_contract_number="CONTRACT NUMBER",
    person_account="Person Account",
    related_opportunities="Opportunities",
    col_stage="STAGE",
    col_trip_start="Trip Start Date",
    col_trip_end="Trip End Date",
    client_section="Client Personal Information",
    salutation="Salutation",
    first_name="First Name",
    last_name="Last Name",
    birth_date="Birthdate",
    email="Email Address",
    phone="Phone",
    street="Street",
    city="City",
    province="State/Province",
    postal_code="Postal Code",
    language="Language",
    languages={"fr": "French", "en": "English"},
    provinces=_PROVINCES,
    privacy_consent=(
        "Consent to the collection, use, retention and disclosure of personal information"
    ),
    dsr_disclosure="Product summary and information sheet",
    next="Next",
    q_buyer_travelling="Are you part of the trip?",
    q_all_canadian_residents="Are all the people to be insured residents of Canada?",
    q_all_provincial_plan=(
        "Are they all covered by the public health insurance plan of their province of residence?"
    ),
    yes="Yes",
    no="No",
    resident_flow="You are being directed to the resident flow",
    non_resident_flow="You are being directed to the non-resident flow",
    previous="Previous",
    start="Start",
    mark_stage_complete="Mark Stage as Complete",
    stage_voyage="Trip",
    stage_coverage="Coverage",
    stage_sold="Sold",
    trip_section="Where are you travelling?",
    destination="Destination",
    trip_reason="Trip Reason",
    trip_reasons={
        "vacation": "Vacation",
        "business": "Business",
        "study": "Studies",
        "family": "Visiting Family",
        "other": "Other",
    },
    trip_start="Trip Start Date",
    trip_end="Trip End Date",
    trip_days="Trip Duration",
    trip_cost="Trip Cost (per traveller)",
    q_other_insurer=(
        "Do you have Emergency Medical Care coverage with another insurer covering the first "
        "days of your trip? (If yes, Top-Up Insurance will be offered)"
    ),
    other_insurer_days="Days Covered by the Other Insurer",
    other_insurer_type="Type of Insurance Covering the First Part of the Trip",
    legacy_insurance_type="Legacy travel system QC ON",
    q_health_coverage="Do you want to insure your health while travelling?",
    q_cancellation_coverage="Do you want to be covered for trip cancellation or interruption?",
    contracts_table="Contracts",
    payments_section="Payments",
    highlights="Highlights",
    product="Product",
    premium="Premium",
    finalise_sale="Finalize Sale",
    contract_number="Contract Number",
    toast_success="Success",
    path_options="Path Options",
    more_actions="Show more actions",
    portal_error="Server Error",
    alternatives={
        "sign_in": ("Log in",),  # sentence case on Experience Cloud login pages
        "mark_stage_complete": ("Mark Status as Complete",),
        "toast_success": ("Info",),
        "portal_error": ("Sorry to interrupt", "An internal server error has occurred"),
    },
)

CATALOGUE: Final[dict[Locale, Labels]] = {Locale.FR: FRENCH, Locale.EN: ENGLISH}


def labels_for(locale: Locale | str) -> Labels:
    """The catalogue of ``locale`` (``fr`` or ``en``)."""
    return CATALOGUE[Locale(locale)]
