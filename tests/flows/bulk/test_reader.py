"""Reading request files: CSV with or without BOM, `,` or `;`, XLSX, French/English headings."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from flows.bulk.headers import ALIASES, load_aliases, map_headers
from flows.bulk.plan import make_plan
from flows.bulk.reader import InputFileError, read_requests
from flows.request import iter_fields
from tests.flows.bulk.conftest import SAMPLE, make_row, write_csv

FRENCH = {
    "contract_number": "Numéro de contrat",
    "product": "Produit",
    "coverages": "Couvertures",
    "departed": "Parti",
    "claim": "Réclamation",
    "first_name": "Prénom",
    "last_name": "Nom",
    "birth_date": "Date de naissance",
    "trip_start": "Début du voyage",
    "trip_end": "Fin du voyage",
    "legacy_days": "Jours couverts",
    "phone": "Téléphone",
}
ENGLISH = {
    "contract_number": "Contract number",
    "first_name": "First name",
    "last_name": "Last name",
    "birth_date": "Date of birth",
    "postal_code": "Postal code",
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_alias_names_a_field_of_the_schema() -> None:
    assert set(ALIASES) <= set(iter_fields())
    with pytest.raises(ValueError, match="not a field"):
        load_aliases('{"contract": ["Contrat"]}')


def test_headings_compare_without_case_accents_or_punctuation() -> None:
    # The shared fold: a BOM, « ° », brackets, apostrophes (straight or typographic) and runs of
    # spaces do not stop a heading from matching.
    headings = [
        "\ufeffN°  de Contrat",
        "Fin de l’ancienne couverture",
        "(Jours) couverts",
        "L'ACHETEUR-VOYAGE",
    ]
    assert map_headers(headings).columns == {
        0: "contract_number",
        1: "legacy_end",
        2: "legacy_days",
        3: "buyer_travelling",
    }
    mapped = map_headers(["Numéro de contrat", "CONTRACT_NUMBER ", "notes"])
    assert mapped.clashes == (("contract_number", ("Numéro de contrat", "CONTRACT_NUMBER")),)
    assert mapped.unknown == ("notes",)


@pytest.mark.parametrize("headers", [FRENCH, ENGLISH], ids=["french", "english"])
def test_french_and_english_headings_read_like_field_names(
    tmp_path: Path, headers: dict[str, str]
) -> None:
    rows = [make_row(1), make_row(2)]
    plain = make_plan(read_requests(write_csv(tmp_path / "plain.csv", rows)))
    named = make_plan(read_requests(write_csv(tmp_path / "named.csv", rows, headers=headers)))
    assert [i.key for i in named.items] == [i.key for i in plain.items]
    assert [i.planned for i in named.items] == ["enter", "enter"]


def test_semicolon_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "excel-fr.csv", [make_row(1, coverages="emc;baggage")], delimiter=";", bom=True
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    source = read_requests(path)
    assert source.delimiter == ";"
    assert source.rows[0].values["contract_number"] == "LH20001"
    assert source.rows[0].values["coverages"] == "emc;baggage"  # quoted by the writer


def test_an_unquoted_separator_in_a_cell_is_a_problem_of_that_row(tmp_path: Path) -> None:
    path = tmp_path / "shifted.csv"
    path.write_text(
        "contract_number;product;coverages;departed;claim\n"
        "LH12345;single_trip;emc;baggage;non;none\n"
        "LH12346;single_trip;emc;non;none\n",
        encoding="utf-8",
    )
    plan = make_plan(read_requests(path))
    first, second = plan.items
    assert first.planned == "invalid" and first.row == 2
    assert "contient le séparateur « ; »" in first.message
    assert second.planned != "invalid" or "separator" not in second.message


def test_the_separator_hint_comes_even_when_the_last_cell_is_blank(tmp_path: Path) -> None:
    path = tmp_path / "shifted.csv"
    path.write_text(
        "contract_number;product;coverages;departed;claim;email\n"
        "LH12345;single_trip;emc;baggage;non;none;\n",
        encoding="utf-8",
    )
    (item,) = make_plan(read_requests(path)).items
    assert item.planned == "invalid"
    # Only the cause: not the echoes of the shifted cells (claim 'none' read as the e-mail…).
    assert [str(p) for p in item.problems] == [
        "row: a 7 cellules mais l’en-tête en a 6 : une cellule contient le séparateur « ; » "
        '(accepté : mettre cette cellule entre guillemets ("emc;baggage") ou utiliser l’autre '
        "séparateur)"
    ]


def test_a_missing_required_column_is_one_error_for_the_file(tmp_path: Path) -> None:
    rows = [{k: v for k, v in make_row(n).items() if k != "claim"} for n in range(1, 6)]
    with pytest.raises(InputFileError) as refused:
        read_requests(write_csv(tmp_path / "no-claim.csv", rows))
    message = str(refused.value)
    assert message.count("aucune colonne pour") == 1 and "aucune colonne pour claim" in message
    assert "(en-têtes acceptés : « claim », « Réclamation », « Claim »)" in message


def test_missing_columns_for_the_entry_are_noted_once(tmp_path: Path) -> None:
    rows = [{k: v for k, v in make_row(n).items() if k != "phone"} for n in range(1, 4)]
    source = read_requests(write_csv(tmp_path / "no-phone.csv", rows))
    assert [note for note in source.notes if "phone" in note] == [
        "aucune colonne pour phone : les lignes à saisir par prolong en ont besoin et seront "
        "invalides (celles à traiter ailleurs restent listées)"
    ]


def test_rows_keep_their_spreadsheet_numbers_across_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    write_csv(path, [make_row(1)])
    with path.open("a", encoding="utf-8") as stream:
        stream.write(",,,\n\n")
    write_csv(tmp_path / "one.csv", [make_row(2)])
    stream_text = (tmp_path / "one.csv").read_text(encoding="utf-8").splitlines()[1]
    with path.open("a", encoding="utf-8") as stream:
        stream.write(stream_text + "\n")
    assert [row.row for row in read_requests(path).rows] == [2, 5]


def test_xlsx_with_typed_cells_and_french_headings(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    row = make_row(1)
    names = list(row)
    sheet.append([FRENCH.get(name, name) for name in names])
    typed: dict[str, object] = dict(row)
    typed.update(
        birth_date=datetime(1970, 1, 1),
        trip_start=datetime(2026, 6, 10),
        trip_end=datetime(2026, 7, 10),
        request_date=datetime(2026, 6, 5),
        legacy_days=10.0,
        phone=4165550100,
    )
    sheet.append([typed[name] or None for name in names])
    sheet.append([None] * len(names))
    sheet.append([row[name] or None for name in names])  # the same request as text: a duplicate
    path = tmp_path / "requests.xlsx"
    workbook.save(path)
    before = _digest(path)
    source = read_requests(path)
    plan = make_plan(source)
    assert source.kind == "xlsx"
    assert [(i.row, i.planned) for i in plan.items] == [(2, "enter"), (4, "duplicate")]
    assert plan.items[1].duplicate_of == 2 and plan.items[1].differs == ()
    assert _digest(path) == before


def test_a_file_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("contract_number,last_name\nLH12345,Bélanger\n".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"la ligne 2 n'est pas en UTF-8.*CSV UTF-8"):
        read_requests(path)


def test_two_columns_for_one_field_make_the_file_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Nom,last_name\nA,B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="garder une seule colonne par champ"):
        read_requests(path)


def test_old_excel_and_headerless_files_are_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 20)
    with pytest.raises(InputFileError, match=r"\.xlsx ou en CSV"):
        read_requests(old)
    headerless = tmp_path / "data.csv"
    headerless.write_text("LH12345,single_trip\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="la ligne 1"):
        read_requests(headerless)


def test_unknown_columns_are_noted_and_ignored(tmp_path: Path) -> None:
    rows = [dict(make_row(1), notes="call back Tuesday")]
    source = read_requests(write_csv(tmp_path / "notes.csv", rows))
    assert source.notes == ("colonnes ignorées (pas des champs de demande) : notes",)
    assert make_plan(source).items[0].planned == "enter"


def test_the_sample_file_is_read_whole_and_left_untouched() -> None:
    before = _digest(SAMPLE)
    source = read_requests(SAMPLE)
    assert len(source.rows) == 31 and source.rows[-1].row == 32
    assert _digest(SAMPLE) == before
