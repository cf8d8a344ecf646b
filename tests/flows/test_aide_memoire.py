"""The aide-mémoire as data: one row per cell of the seed's table, French wording verbatim."""
# ruff: noqa: E501, W291 - SEED_TABLE is the seed's table copied verbatim, tabs and long lines kept

from __future__ import annotations

import re

import pytest

from flows.aide_memoire import (
    COLUMN_HEADINGS,
    COVERAGE_LABELS,
    GROUP_HEADINGS,
    ROWS,
    AideMemoireRow,
    CoverageLine,
    ProductGroup,
    Route,
    coverage_line_of,
    find_row,
    product_group_of,
)
from flows.request import AnnualExtension, Coverage, Product, SoldIn

# The table as it stands in the seed (../shared/seed/000_91032ea05ca3ab3d.txt, April 2026),
# copied verbatim so this test needs nothing outside the repository.
SEED_TABLE = """\
Aide-mémoire – Où acheter les prolongations

	Contrats vendus sur le site Info-Partenaires.ca (ex. : LH00000)	Contrat vendu dans Espace partenaire (ex. : AA00000000)
Voyage individuel, Voyage unique, Forfait Plus		
Soins médicaux d'urgence seulement	Avant ou après le départ, créer un contrat Assurance complémentaire sur l'Espace partenaire	Avant ou après le départ, processus standard de prolongation dans l'Espace partenaire
Soins médicaux d'urgence avec Option : Période de stabilité réduite	Avant ou après le départ, prolonger le contrat sur Info-partenaires.ca	
Annulation et interruption de voyage, Bagages, Décès ou mutilations accidentels	Avant ou après le départ, prolonger le contrat sur Info-partenaires.ca	
Nouvelles prolongations pour Annuels multi-voyages		
Soins médicaux d'urgence seulement	Avant ou après le départ, créer un contrat Assurance complémentaire sur l'Espace partenaire	Avant ou après le départ, processus standard de prolongation dans l'Espace partenaire
Annulation et interruption de voyage, Bagages, Décès ou mutilations accidentels	Avant ou après le départ, prolonger le contrat sur Info-partenaires.ca	
Prolongations existantes d'Annuels multi-voyages		
Soins médicaux d'urgence seulement	Avant ou après le départ, créer un contrat Assurance complémentaire sur l'Espace partenaire	Avant le départ, processus standard de prolongation dans l'Espace partenaire Après le départ, contactez-nous pour une prolongation
Annulation et interruption de voyage, Bagages, Décès ou mutilations accidentels	Avant ou après le départ, prolonger le contrat sur Info-partenaires.ca	
Assurance complémentaire		
Soins médicaux d'urgence seulement	Avant ou après le départ, créer un contrat Assurance complémentaire sur l'Espace partenaire	Avant ou après le départ, processus standard de prolongation dans l'Espace partenaire
Visiteurs au Canada		
Soins médicaux d'urgence seulement	Avant ou après l'arrivée, prolonger le contrat sur Info-partenaires.ca	Avant ou après l'arrivée, processus standard de prolongation dans l'Espace partenaire
"""


def _seed_lines() -> list[tuple[str, str, str]]:
    """(group heading, coverage line, [left cell, right cell]) for each coverage line."""
    cells: list[tuple[str, str, str]] = []
    group = ""
    for line in SEED_TABLE.splitlines()[3:]:
        parts = line.split("\t")
        if not parts[1] and not parts[2]:
            group = parts[0]
        else:
            cells.append((group, parts[0], parts[1]))
            cells.append((group, parts[0], parts[2]))
    return cells


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_one_row_per_cell_of_the_seed_table_in_order() -> None:
    seed = _seed_lines()
    assert len(ROWS) == len(seed) == 18
    for row, (group, coverage, cell) in zip(ROWS, seed, strict=True):
        assert GROUP_HEADINGS[row.group][0] == group
        assert COVERAGE_LABELS[row.coverage_line][0] == coverage
        if cell:
            # The seed separates a cell's two sentences by a line break only: the data adds
            # the period that keeps them apart once the break is lost.
            assert _flat(row.text_fr.replace(".\n", "\n")) == cell
            assert not row.merged
        else:
            assert row.merged, f"{row.key} is blank in the seed"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key)
def test_no_cell_runs_two_sentences_together(row: AideMemoireRow) -> None:
    for text in (row.text_fr, row.text_en):
        flat = _flat(text)
        assert not re.search(r"[^.;:!?] (Après|Avant|After|Before) ", flat), flat
        if "\n" in text:
            assert ". " in flat, flat


def test_cells_alternate_info_partenaires_then_espace_partenaire() -> None:
    assert [row.sold_in for row in ROWS] == [SoldIn.INFO_PARTENAIRES, SoldIn.ESPACE_PARTENAIRE] * 9


def test_keys_are_unique() -> None:
    assert len({row.key for row in ROWS}) == len(ROWS)


def test_column_headings_are_the_seed_headings() -> None:
    header = SEED_TABLE.splitlines()[2].split("\t")
    assert [
        COLUMN_HEADINGS[SoldIn.INFO_PARTENAIRES][0],
        COLUMN_HEADINGS[SoldIn.ESPACE_PARTENAIRE][0],
    ] == header[1:]


def test_merged_cells_repeat_the_cell_above_in_their_group() -> None:
    for above, row in zip(ROWS, ROWS[2:], strict=False):
        if row.merged:
            assert row.sold_in is SoldIn.ESPACE_PARTENAIRE
            assert (row.group, row.text_fr, row.after_departure) == (
                above.group,
                above.text_fr,
                above.after_departure,
            )


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key)
def test_every_cell_has_an_english_translation(row: AideMemoireRow) -> None:
    assert row.text_en and row.text_en != row.text_fr
    assert row.label_en and row.label_en != row.label_fr
    assert GROUP_HEADINGS[row.group][1] and COVERAGE_LABELS[row.coverage_line][1]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key)
def test_cell_outcomes_follow_its_wording(row: AideMemoireRow) -> None:
    text = _flat(row.text_fr)
    wording = {
        "créer un contrat Assurance complémentaire": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
        "prolonger le contrat sur Info-partenaires.ca": Route.EXTEND_ON_INFO_PARTENAIRES,
        "processus standard de prolongation": Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
    }
    before = next(outcome for words, outcome in wording.items() if words in text)
    assert row.before_departure is before
    contact_after = "Après le départ, contactez-nous" in text
    assert row.after_departure is (Route.CONTACT_INSURER if contact_after else before)


def test_only_existing_annual_in_espace_partenaire_differs_after_departure() -> None:
    differing = {row.key for row in ROWS if row.before_departure is not row.after_departure}
    assert differing == {
        "annual_existing_extension/emc_only/espace_partenaire",
        "annual_existing_extension/other_coverages/espace_partenaire",
    }


@pytest.mark.parametrize(
    ("product", "extension", "group"),
    [
        (Product.SINGLE_TRIP, None, ProductGroup.SINGLE_TRIP),
        (Product.ANNUAL_MULTI_TRIP, AnnualExtension.NEW, ProductGroup.ANNUAL_NEW),
        (Product.ANNUAL_MULTI_TRIP, AnnualExtension.EXISTING, ProductGroup.ANNUAL_EXISTING),
        (Product.TOP_UP, None, ProductGroup.TOP_UP),
        (Product.VISITORS_TO_CANADA, None, ProductGroup.VISITORS_TO_CANADA),
    ],
)
def test_product_group_of(
    product: Product, extension: AnnualExtension | None, group: ProductGroup
) -> None:
    assert product_group_of(product, extension) is group


@pytest.mark.parametrize(
    ("coverages", "line"),
    [
        ({Coverage.EMC}, CoverageLine.EMC_ONLY),
        ({Coverage.EMC_REDUCED_STABILITY}, CoverageLine.EMC_REDUCED_STABILITY),
        ({Coverage.EMC, Coverage.BAGGAGE}, CoverageLine.OTHER_COVERAGES),
        ({Coverage.EMC_REDUCED_STABILITY, Coverage.BAGGAGE}, CoverageLine.OTHER_COVERAGES),
        ({Coverage.ACCIDENTAL_DEATH_DISMEMBERMENT}, CoverageLine.OTHER_COVERAGES),
        ({Coverage.TRIP_CANCELLATION_INTERRUPTION}, CoverageLine.OTHER_COVERAGES),
    ],
)
def test_coverage_line_of(coverages: set[Coverage], line: CoverageLine) -> None:
    assert coverage_line_of(coverages) is line


def test_find_row_has_no_cell_for_an_annual_with_reduced_stability() -> None:
    assert (
        find_row(
            Product.ANNUAL_MULTI_TRIP,
            AnnualExtension.NEW,
            [Coverage.EMC_REDUCED_STABILITY],
            SoldIn.INFO_PARTENAIRES,
        )
        is None
    )


def test_label_names_group_coverage_and_column() -> None:
    row = find_row(
        Product.ANNUAL_MULTI_TRIP, AnnualExtension.NEW, [Coverage.EMC], SoldIn.INFO_PARTENAIRES
    )
    assert row is not None
    assert row.label_fr == (
        "Annuels multi-voyages, nouvelles prolongations, Soins médicaux d'urgence seulement, "
        "Info-partenaires.ca"
    )
