"""« Aide-mémoire – Où acheter les prolongations », as data: one row per cell of the seed's table.

The seed's table (April 2026) has five product groups, one to three coverage lines per group and
two columns (where the contract was sold). Each cell becomes an ``AideMemoireRow`` with the seed's
French wording verbatim, an English translation, and the outcome it means before and after
departure (arrival, for visitors to Canada).

Four cells of the Espace partenaire column are blank in the seed, each under a filled cell of the
same group. They are read as cells merged with the one above (the document's layout), which is also
what FAQ 2 says: contracts sold in Espace partenaire keep the usual process whatever the coverage.
Those rows repeat the text above and carry ``merged=True`` so the table printout shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from flows.request.vocabulary import AnnualExtension, Coverage, Product, SoldIn

__all__ = [
    "COLUMN_HEADINGS",
    "COVERAGE_LABELS",
    "GROUP_HEADINGS",
    "GROUP_NAMES",
    "ROUTE_CODES",
    "ROUTE_WORDS",
    "ROWS",
    "SOLD_IN_NAMES",
    "AideMemoireRow",
    "CoverageLine",
    "ProductGroup",
    "Route",
    "coverage_line_of",
    "find_row",
    "product_group_of",
]


class Route(StrEnum):
    """Where an extension is bought (or who decides)."""

    COMPLEMENTARY_ESPACE_PARTENAIRE = "complementary_espace_partenaire"
    STANDARD_EXTENSION_ESPACE_PARTENAIRE = "standard_extension_espace_partenaire"
    EXTEND_ON_INFO_PARTENAIRES = "extend_on_info_partenaires"
    CONTACT_INSURER = "contact_insurer"


class ProductGroup(StrEnum):
    """A group heading of the table (annuals are split by new/existing extension)."""

    SINGLE_TRIP = "single_trip"
    ANNUAL_NEW = "annual_new_extension"
    ANNUAL_EXISTING = "annual_existing_extension"
    TOP_UP = "top_up"
    VISITORS_TO_CANADA = "visitors_to_canada"


class CoverageLine(StrEnum):
    """A coverage line of the table."""

    EMC_ONLY = "emc_only"
    EMC_REDUCED_STABILITY = "emc_reduced_stability"
    OTHER_COVERAGES = "other_coverages"


#: Group headings, verbatim from the seed.
GROUP_HEADINGS: Final[dict[ProductGroup, tuple[str, str]]] = {
    ProductGroup.SINGLE_TRIP: (
        "Voyage individuel, Voyage unique, Forfait Plus",
        "Single Trip, One Trip, Forfait Plus",
    ),
    ProductGroup.ANNUAL_NEW: (
        "Nouvelles prolongations pour Annuels multi-voyages",
        "New extensions of Annual Multi-Trip plans",
    ),
    ProductGroup.ANNUAL_EXISTING: (
        "Prolongations existantes d'Annuels multi-voyages",
        "Existing extensions of Annual Multi-Trip plans",
    ),
    ProductGroup.TOP_UP: ("Assurance complémentaire", "Top-up Insurance"),
    ProductGroup.VISITORS_TO_CANADA: ("Visiteurs au Canada", "Visitors to Canada"),
}

#: Short group names used in rule names ("Annuels multi-voyages, nouvelles prolongations").
GROUP_NAMES: Final[dict[ProductGroup, tuple[str, str]]] = {
    ProductGroup.SINGLE_TRIP: GROUP_HEADINGS[ProductGroup.SINGLE_TRIP],
    ProductGroup.ANNUAL_NEW: (
        "Annuels multi-voyages, nouvelles prolongations",
        "Annual Multi-Trip, new extensions",
    ),
    ProductGroup.ANNUAL_EXISTING: (
        "Annuels multi-voyages, prolongations existantes",
        "Annual Multi-Trip, existing extensions",
    ),
    ProductGroup.TOP_UP: GROUP_HEADINGS[ProductGroup.TOP_UP],
    ProductGroup.VISITORS_TO_CANADA: GROUP_HEADINGS[ProductGroup.VISITORS_TO_CANADA],
}

#: Coverage lines, verbatim from the seed.
COVERAGE_LABELS: Final[dict[CoverageLine, tuple[str, str]]] = {
    CoverageLine.EMC_ONLY: (
        "Soins médicaux d'urgence seulement",
        "Emergency Medical Care only",
    ),
    CoverageLine.EMC_REDUCED_STABILITY: (
        "Soins médicaux d'urgence avec Option : Période de stabilité réduite",
        "Emergency Medical Care with the option: Reduced Stability Period",
    ),
    CoverageLine.OTHER_COVERAGES: (
        "Annulation et interruption de voyage, Bagages, Décès ou mutilations accidentels",
        "Trip Cancellation and Interruption, Baggage, Accidental Death or Dismemberment",
    ),
}

#: Column headings, verbatim from the seed.
COLUMN_HEADINGS: Final[dict[SoldIn, tuple[str, str]]] = {
    SoldIn.INFO_PARTENAIRES: (
        "Contrats vendus sur le site Info-Partenaires.ca (ex. : LH00000)",
        "Contracts sold on the Info-Partenaires.ca site (e.g. LH00000)",
    ),
    SoldIn.ESPACE_PARTENAIRE: (
        "Contrat vendu dans Espace partenaire (ex. : AA00000000)",
        "Contract sold in Espace partenaire (e.g. AA00000000)",
    ),
}

#: Short column names used in rule names.
SOLD_IN_NAMES: Final[dict[SoldIn, str]] = {
    SoldIn.INFO_PARTENAIRES: "Info-partenaires.ca",
    SoldIn.ESPACE_PARTENAIRE: "Espace partenaire",
}


#: Two letters per route, for tables that must fit 80 columns; a legend spells them out with
#: ``ROUTE_WORDS``. Machine outputs keep the route's code (``Route.value``).
ROUTE_CODES: Final[dict[Route, str]] = {
    Route.COMPLEMENTARY_ESPACE_PARTENAIRE: "AC",
    Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE: "PS",
    Route.EXTEND_ON_INFO_PARTENAIRES: "PI",
    Route.CONTACT_INSURER: "CA",
}

#: What each route means, (French, English), for people.
ROUTE_WORDS: Final[dict[Route, tuple[str, str]]] = {
    Route.COMPLEMENTARY_ESPACE_PARTENAIRE: (
        "contrat Assurance complémentaire dans Espace partenaire (automatisé)",
        "Assurance complémentaire contract in Espace partenaire (automated)",
    ),
    Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE: (
        "processus standard de prolongation dans Espace partenaire",
        "standard extension process in Espace partenaire",
    ),
    Route.EXTEND_ON_INFO_PARTENAIRES: (
        "prolonger le contrat sur Info-partenaires.ca",
        "extend the contract on Info-partenaires.ca",
    ),
    Route.CONTACT_INSURER: ("contacter l'assureur", "contact the insurer"),
}


@dataclass(frozen=True)
class AideMemoireRow:
    """One cell of the table: product group × coverage line × where sold."""

    group: ProductGroup
    coverage_line: CoverageLine
    sold_in: SoldIn
    text_fr: str
    text_en: str
    before_departure: Route
    after_departure: Route
    merged: bool = False  # blank in the seed, read as merged with the cell above

    @property
    def key(self) -> str:
        """Stable identifier, e.g. ``annual_new_extension/emc_only/info_partenaires``."""
        return f"{self.group}/{self.coverage_line}/{self.sold_in}"

    @property
    def label_fr(self) -> str:
        """« Annuels multi-voyages, nouvelles prolongations, Soins médicaux d'urgence seulement,
        Info-partenaires.ca »: how rule names cite the cell."""
        group, coverage = GROUP_NAMES[self.group][0], COVERAGE_LABELS[self.coverage_line][0]
        return f"{group}, {coverage}, {SOLD_IN_NAMES[self.sold_in]}"

    @property
    def label_en(self) -> str:
        """The English counterpart of ``label_fr``."""
        group, coverage = GROUP_NAMES[self.group][1], COVERAGE_LABELS[self.coverage_line][1]
        return f"{group}, {coverage}, {SOLD_IN_NAMES[self.sold_in]}"

    def outcome(self, departed: bool) -> Route:
        """The cell's outcome before or after departure (arrival for visitors)."""
        return self.after_departure if departed else self.before_departure


_COMPLEMENTARY = Route.COMPLEMENTARY_ESPACE_PARTENAIRE
_STANDARD = Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE
_LEGACY_SITE = Route.EXTEND_ON_INFO_PARTENAIRES
_CONTACT = Route.CONTACT_INSURER

# The seed's cell texts, verbatim, and their translations.
_CREATE_TOP_UP = (
    "Avant ou après le départ, créer un contrat Assurance complémentaire sur l'Espace partenaire",
    "Before or after departure, create a Top-up Insurance contract in Espace partenaire",
)
_STANDARD_PROCESS = (
    "Avant ou après le départ, processus standard de prolongation dans l'Espace partenaire",
    "Before or after departure, standard extension process in Espace partenaire",
)
_EXTEND_LEGACY = (
    "Avant ou après le départ, prolonger le contrat sur Info-partenaires.ca",
    "Before or after departure, extend the contract on Info-partenaires.ca",
)
# Two sentences on two lines in the seed's cell: the period keeps them apart wherever the line
# break is lost (a table cell, a CSV, HTML), instead of « …Espace partenaire Après le départ… ».
_STANDARD_THEN_CONTACT = (
    "Avant le départ, processus standard de prolongation dans l'Espace partenaire.\n"
    "Après le départ, contactez-nous pour une prolongation",
    "Before departure, standard extension process in Espace partenaire.\n"
    "After departure, contact us for an extension",
)
_VISITORS_LEGACY = (
    "Avant ou après l'arrivée, prolonger le contrat sur Info-partenaires.ca",
    "Before or after arrival, extend the contract on Info-partenaires.ca",
)
_VISITORS_STANDARD = (
    "Avant ou après l'arrivée, processus standard de prolongation dans l'Espace partenaire",
    "Before or after arrival, standard extension process in Espace partenaire",
)


def _cells(
    group: ProductGroup,
    line: CoverageLine,
    legacy: tuple[str, str],
    legacy_outcomes: tuple[Route, Route],
    espace: tuple[str, str],
    espace_outcomes: tuple[Route, Route],
    *,
    espace_merged: bool = False,
) -> tuple[AideMemoireRow, AideMemoireRow]:
    """The two cells of one line of the table: Info-partenaires.ca, then Espace partenaire."""
    return (
        AideMemoireRow(group, line, SoldIn.INFO_PARTENAIRES, *legacy, *legacy_outcomes),
        AideMemoireRow(
            group, line, SoldIn.ESPACE_PARTENAIRE, *espace, *espace_outcomes, merged=espace_merged
        ),
    )


_ANYTIME_COMPLEMENTARY = (_COMPLEMENTARY, _COMPLEMENTARY)
_ANYTIME_STANDARD = (_STANDARD, _STANDARD)
_ANYTIME_LEGACY_SITE = (_LEGACY_SITE, _LEGACY_SITE)
_STANDARD_BEFORE_CONTACT_AFTER = (_STANDARD, _CONTACT)

_G, _L = ProductGroup, CoverageLine

#: Every cell of the seed's table, in the document's order (line by line, left column first).
ROWS: Final[tuple[AideMemoireRow, ...]] = (
    *_cells(
        _G.SINGLE_TRIP,
        _L.EMC_ONLY,
        _CREATE_TOP_UP,
        _ANYTIME_COMPLEMENTARY,
        _STANDARD_PROCESS,
        _ANYTIME_STANDARD,
    ),
    *_cells(
        _G.SINGLE_TRIP,
        _L.EMC_REDUCED_STABILITY,
        _EXTEND_LEGACY,
        _ANYTIME_LEGACY_SITE,
        _STANDARD_PROCESS,
        _ANYTIME_STANDARD,
        espace_merged=True,
    ),
    *_cells(
        _G.SINGLE_TRIP,
        _L.OTHER_COVERAGES,
        _EXTEND_LEGACY,
        _ANYTIME_LEGACY_SITE,
        _STANDARD_PROCESS,
        _ANYTIME_STANDARD,
        espace_merged=True,
    ),
    *_cells(
        _G.ANNUAL_NEW,
        _L.EMC_ONLY,
        _CREATE_TOP_UP,
        _ANYTIME_COMPLEMENTARY,
        _STANDARD_PROCESS,
        _ANYTIME_STANDARD,
    ),
    *_cells(
        _G.ANNUAL_NEW,
        _L.OTHER_COVERAGES,
        _EXTEND_LEGACY,
        _ANYTIME_LEGACY_SITE,
        _STANDARD_PROCESS,
        _ANYTIME_STANDARD,
        espace_merged=True,
    ),
    *_cells(
        _G.ANNUAL_EXISTING,
        _L.EMC_ONLY,
        _CREATE_TOP_UP,
        _ANYTIME_COMPLEMENTARY,
        _STANDARD_THEN_CONTACT,
        _STANDARD_BEFORE_CONTACT_AFTER,
    ),
    *_cells(
        _G.ANNUAL_EXISTING,
        _L.OTHER_COVERAGES,
        _EXTEND_LEGACY,
        _ANYTIME_LEGACY_SITE,
        _STANDARD_THEN_CONTACT,
        _STANDARD_BEFORE_CONTACT_AFTER,
        espace_merged=True,
    ),
    *_cells(
        _G.TOP_UP,
        _L.EMC_ONLY,
        _CREATE_TOP_UP,
        _ANYTIME_COMPLEMENTARY,
        _STANDARD_PROCESS,
        _ANYTIME_STANDARD,
    ),
    *_cells(
        _G.VISITORS_TO_CANADA,
        _L.EMC_ONLY,
        _VISITORS_LEGACY,
        _ANYTIME_LEGACY_SITE,
        _VISITORS_STANDARD,
        _ANYTIME_STANDARD,
    ),
)

_BY_CELL: Final[dict[tuple[ProductGroup, CoverageLine, SoldIn], AideMemoireRow]] = {
    (row.group, row.coverage_line, row.sold_in): row for row in ROWS
}


def product_group_of(product: Product, annual_extension: AnnualExtension | None) -> ProductGroup:
    """The table's group for a product (annuals split by new or existing extension)."""
    if product is Product.ANNUAL_MULTI_TRIP:
        if annual_extension is AnnualExtension.EXISTING:
            return ProductGroup.ANNUAL_EXISTING
        return ProductGroup.ANNUAL_NEW
    return ProductGroup(product.value)


def coverage_line_of(coverages: Iterable[Coverage]) -> CoverageLine:
    """The table's coverage line: EMC alone, EMC with reduced stability alone, or other coverages.

    Any cancellation/interruption, baggage or AD&D coverage puts the contract on the third line,
    whatever else it has, since that line's answer (the legacy site) holds for any mix.
    """
    chosen = set(coverages)
    if chosen == {Coverage.EMC}:
        return CoverageLine.EMC_ONLY
    if chosen == {Coverage.EMC_REDUCED_STABILITY}:
        return CoverageLine.EMC_REDUCED_STABILITY
    return CoverageLine.OTHER_COVERAGES


def find_row(
    product: Product,
    annual_extension: AnnualExtension | None,
    coverages: Iterable[Coverage],
    sold_in: SoldIn,
) -> AideMemoireRow | None:
    """The cell that applies, or ``None`` where the seed's table has no line for the combination
    (e.g. an annual with reduced stability, visitors with baggage)."""
    group = product_group_of(product, annual_extension)
    return _BY_CELL.get((group, coverage_line_of(coverages), sold_in))
