"""The command line in one language per run, readable at 80 columns, routing first (issue 13).

Runs in process through typer's ``CliRunner`` on the real ``prolong`` app; nothing here drives a
browser: ``extend`` stops before the portal (hand-off, invalid request).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from flows.aide_memoire import ROUTE_CODES, ROWS, Route
from flows.cli.app import app
from flows.cli.bulk import EXIT_TO_FIX
from flows.cli.extend import REQUEST_PANELS, ExitCode
from flows.request import iter_fields

runner = CliRunner()
NARROW = {"COLUMNS": "80"}

# Only what routing reads: a legacy contract with a claim filed goes to the insurer.
ROUTING_ONLY = [
    "--contract-number",
    "LH77001",
    "--product",
    "top_up",
    "--coverages",
    "emc",
    "--departed",
    "oui",
    "--claim",
    "Déposée",
    "--request-date",
    "2026-11-20",
]
# The same contract without a claim: automated (Assurance complémentaire), so the portal's
# fields are needed too.
AUTOMATED = [
    *ROUTING_ONLY[:-4],
    "--claim",
    "aucune",
    "--request-date",
    "2026-11-20",
    "--trip-start",
    "2026-11-10",
    "--trip-end",
    "2026-12-20",
    "--legacy-end",
    "2026-11-24",
]
PORTAL_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "postal_code",
    "province",
    "language",
    "destination",
    "trip_reason",
    "buyer_travelling",
    "all_canadian_residents",
    "all_provincial_plan",
]
LEGACY_EMC = [
    "--contract-number",
    "lh 12345",
    "--product",
    "single_trip",
    "--coverages",
    "emc",
    "--departed",
    "non",
    "--claim",
    "none",
    "--request-date",
    "2026-06-15",
]

# Words that only the English lines use, and only the French ones.
ENGLISH = re.compile(r"\b(Reason|Where|What|invalid request|accepted|error|is not|required)\b")
FRENCH = re.compile(
    r"\b(Raison|Où aller|Quoi saisir|demande invalide|accepté|erreur|n’est pas|"
    r"obligatoire)\b"
)


@pytest.fixture(autouse=True)
def _no_developer_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env: French by default, as the seed
    monkeypatch.delenv("PORTAL_LOCALE", raising=False)
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env={**NARROW, **(env or {})})


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'.-]+", text)


def _assert_no_word_cut(output: str, texts: list[str]) -> None:
    """Every word of ``texts`` is whole in ``output`` (a word cut at a line end would be two
    pieces, neither of them the word) and no line is wider than 80 columns."""
    shown = set(_words(output))
    for text in texts:
        for word in _words(text):
            assert word in shown, f"{word!r} is cut or missing"
    assert max(len(line) for line in output.splitlines()) <= 80


# --- one language per run ---------------------------------------------------------------------


def test_french_by_default_and_never_a_line_in_both_languages() -> None:
    result = _invoke("route", *LEGACY_EMC)
    assert result.exit_code == 0, result.output
    assert "Raison" in result.stdout and "Où aller" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout


def test_lang_en_gives_english_only() -> None:
    result = _invoke("--lang", "en", "route", *LEGACY_EMC)
    assert result.exit_code == 0, result.output
    assert "Reason" in result.stdout and "Where to go" in result.stdout
    assert not FRENCH.search(result.stdout), result.stdout
    assert "Raison" not in result.stdout


def test_portal_locale_chooses_the_language_and_lang_overrides_it() -> None:
    english = _invoke("route", *LEGACY_EMC, env={"PORTAL_LOCALE": "en"})
    assert "Reason" in english.stdout and "Raison" not in english.stdout
    french = _invoke("--lang", "fr", "route", *LEGACY_EMC, env={"PORTAL_LOCALE": "en"})
    assert "Raison" in french.stdout and "Reason" not in french.stdout


def test_machine_output_keeps_codes_whatever_the_language() -> None:
    french = json.loads(_invoke("route", *LEGACY_EMC, "--json").stdout)
    english = json.loads(_invoke("--lang", "en", "route", *LEGACY_EMC, "--json").stdout)
    assert french == english
    assert french["route"] == "complementary_espace_partenaire"


def test_an_invalid_route_request_is_refused_in_french_only() -> None:
    args = [*LEGACY_EMC]
    args[args.index("2026-06-15")] = "01/06/2027"
    result = _invoke("route", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "demande invalide :"
    said = " ".join(result.stderr.split())
    assert "--request-date: '01/06/2027' est ambiguë : elle peut se lire JJ/MM/AAAA" in said
    assert "(accepté : une date AAAA-MM-JJ ou AAAA/MM/JJ" in said
    assert not ENGLISH.search(result.stderr), result.stderr


def test_jsonl_errors_in_the_run_language() -> None:
    result = runner.invoke(app, ["route", "--jsonl"], input='{"contract_number": "LH-1"}\n')
    [answer] = [json.loads(line) for line in result.stdout.splitlines()]
    assert answer["error"].startswith("ligne 1 : contract_number: 'LH-1' n’est pas un numéro")


# --- routing first ------------------------------------------------------------------------------


def test_extend_hands_off_with_only_the_routing_fields_saying_where_to_go() -> None:
    result = _invoke("extend", *ROUTING_ONLY)
    assert result.exit_code == ExitCode.HANDED_OFF, result.output
    said = " ".join(result.stdout.split())
    assert said.startswith("transmis — ")
    assert "Où aller : L’assureur" in said or "Où aller : L'assureur" in said
    assert not ENGLISH.search(result.stdout), result.stdout


def test_extend_hand_off_as_json_keeps_the_codes() -> None:
    result = _invoke("--lang", "en", "extend", *ROUTING_ONLY, "--json")
    assert result.exit_code == ExitCode.HANDED_OFF, result.output
    answer = json.loads(result.stdout)
    assert (answer["status"], answer["route"]) == ("handed_off", "contact_insurer")
    assert answer["premium"] is None


def test_an_automated_request_lists_every_missing_portal_field_together() -> None:
    result = _invoke("--lang", "en", "extend", *AUTOMATED)
    assert result.exit_code == ExitCode.INVALID, result.output
    lines = result.stderr.splitlines()
    heading = " ".join(" ".join(lines).split())
    assert heading.startswith("incomplete request: it goes to Assurance complémentaire")
    said = " ".join(result.stderr.split())
    for field in PORTAL_FIELDS:
        assert f"{field}: is required (accepted: " in said, field
    # One error, every field: not one run per missing field.
    assert said.count("incomplete request") == 1


def test_the_missing_portal_fields_in_french() -> None:
    result = _invoke("extend", *AUTOMATED, "--phone", "123")
    assert result.exit_code == ExitCode.INVALID, result.output
    said = " ".join(result.stderr.split())
    assert said.startswith("demande incomplète : elle va à l’Assurance complémentaire")
    assert "phone: n’est pas un numéro de téléphone nord-américain à 10 chiffres" in said
    assert "postal_code: est obligatoire (accepté : un code postal canadien" in said
    assert not ENGLISH.search(result.stderr), result.stderr


def test_error_lines_wrap_between_words_at_80_columns() -> None:
    result = _invoke("extend", *AUTOMATED)
    assert result.exit_code == ExitCode.INVALID
    lines = result.stderr.splitlines()
    assert len(lines) > len(PORTAL_FIELDS) + 1  # long problems took two lines, not 120 columns
    _assert_no_word_cut(
        result.stderr,
        [
            "l’Assurance complémentaire (saisie automatisée dans Espace partenaire",
            "Colombie-Britannique Info-partenaires.ca",
        ],
    )
    # A continuation is indented under its problem, so each problem still starts a line.
    starts = [
        line.split(":")[0].strip()
        for line in lines
        if line.startswith("  ") and not line.startswith("    ")
    ]
    assert set(PORTAL_FIELDS) <= set(starts)


def test_an_unknown_option_is_refused_in_french_without_click_s_english_box() -> None:
    result = _invoke("extend", "--colour", "bleu")
    assert result.exit_code == 2
    assert result.stderr.startswith("erreur : '--colour' n’est pas un champ de la demande")
    assert "--contract-number" in result.stderr
    assert "Invalid value" not in result.stderr and "Usage" not in result.stderr


def test_a_bad_portal_field_does_not_stop_a_hand_off() -> None:
    # Routing first: the phone is not used when the request is entered elsewhere.
    result = _invoke("extend", *ROUTING_ONLY, "--phone", "123")
    assert result.exit_code == ExitCode.HANDED_OFF, result.output


def test_an_unknown_field_is_refused_even_on_a_hand_off(tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"phon": "514 555 0100"}), encoding="utf-8")
    result = _invoke("extend", "--request", str(request), *ROUTING_ONLY)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "phon: n’est pas un champ de la demande" in result.stderr


def test_a_bad_routing_field_is_refused_before_anything_else() -> None:
    result = _invoke("extend", *ROUTING_ONLY, "--contract-number", "XYZ")
    assert result.exit_code == ExitCode.INVALID
    assert result.stderr.startswith("demande invalide :")
    assert "contract_number: 'XYZ' n’est pas un numéro de contrat" in result.stderr


# --- 80 columns -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_route_table_fits_80_columns_with_a_legend_and_no_word_cut(lang: str) -> None:
    result = _invoke("--lang", lang, "route", "--table")
    assert result.exit_code == 0, result.output
    texts = [row.text_fr if lang == "fr" else row.text_en for row in ROWS]
    _assert_no_word_cut(result.stdout, texts)
    for route in Route:  # each code is spelled out under the table
        assert f"{ROUTE_CODES[route]} {route.value}: " in result.stdout


def test_bulk_plan_tables_fit_80_columns(tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "fixtures" / "data" / "sample_requests.csv"
    result = _invoke("bulk", "plan", str(sample), "--out", str(tmp_path / "out"))
    assert result.exit_code == EXIT_TO_FIX, result.output  # the sample has 7 invalid rows
    table = result.stdout.split("Plan :")[0]
    _assert_no_word_cut(
        table,
        [
            "complementary_espace_partenaire",
            "standard_extension_espace_partenaire",
            "l’ancienne couverture va jusqu’à la fin du voyage",
        ],
    )
    assert not ENGLISH.search(table), table


# Every command's --help at 80 columns: tests/flows/test_cli_help.py.


def test_extend_help_groups_the_request_options_by_panel() -> None:
    result = _invoke("extend", "--help", env={"COLUMNS": "200"})
    panels = [panel for panel, _ in REQUEST_PANELS]
    assert panels == ["Contract (routing)", "Client", "Trip", "Answers"]
    starts = [result.stdout.index(f"─ {panel} ─") for panel in panels]
    assert starts == sorted(starts)
    for (_, fields), start, end in zip(REQUEST_PANELS, starts, [*starts[1:], None], strict=True):
        box = result.stdout[start:end]
        for field, _, _ in fields:
            assert f"--{field.replace('_', '-')} " in box, field
    assert {field for _, fields in REQUEST_PANELS for field, _, _ in fields} == set(iter_fields())


def test_extend_help_wraps_its_text_at_80_columns_without_breaking_sentences() -> None:
    result = _invoke("extend", "--help")
    said = " ".join(result.stdout.split())
    # A docstring's source line breaks are gone: the sentence reads through.
    assert "Routing first: the contract's fields alone decide" in said
    for line in result.stdout.splitlines():
        assert len(line) <= 80
