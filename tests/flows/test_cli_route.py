"""``prolong route``: one request (table or JSON), a JSON-lines stream, the aide-mémoire table."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flows.aide_memoire import ROWS
from flows.cli.route import app, route
from flows.request import FIELD_ACCEPTED
from flows.request.vocabulary import (
    AnnualExtension,
    Claim,
    Coverage,
    Product,
    TripReason,
    labels_of,
)
from tests.flows.in_language import english  # noqa: F401 - a fixture

# The lines quoted here are the English ones; French: test_cli_french.py.
pytestmark = pytest.mark.usefixtures("english")

CASES = Path(__file__).parents[2] / "fixtures" / "data" / "route_cases.jsonl"
WIDE = {"COLUMNS": "240"}  # rich wraps to the terminal width; keep long words whole

runner = CliRunner()

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


def _jsonl(*objects: object) -> str:
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objects) + "\n"


def _valid(number: str = "LH12345", **changes: object) -> dict[str, object]:
    case: dict[str, object] = {
        "contract_number": number,
        "product": "single_trip",
        "coverages": ["emc"],
        "departed": False,
        "claim": "none",
        "request_date": "2026-06-15",
    }
    case.update(changes)
    return case


def test_one_request_prints_the_decision_as_a_table() -> None:
    result = runner.invoke(app, LEGACY_EMC, env=WIDE)
    assert result.exit_code == 0, result.output
    assert "complementary_espace_partenaire" in result.stdout
    assert "R6 / aide-mémoire" in result.stdout
    # One language per run: the English lines only (French ones: test_cli_french.py).
    assert "Reason" in result.stdout and "Raison" not in result.stdout


def test_one_request_as_json() -> None:
    result = runner.invoke(app, [*LEGACY_EMC, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["route"] == "complementary_espace_partenaire"
    assert answer["automated"] is True
    assert answer["reason_fr"] and answer["reason_en"]
    assert answer["rule"].startswith("R6")
    assert set(answer["handoff"]) == {"where_fr", "where_en", "what_fr", "what_en"}


def test_coverages_option_repeats_or_takes_semicolons() -> None:
    base = [a for a in LEGACY_EMC if a not in ("--coverages", "emc")]
    repeated = runner.invoke(app, [*base, "--coverages", "emc", "--coverages", "baggage", "--json"])
    joined = runner.invoke(app, [*base, "--coverages", "emc;baggage", "--json"])
    assert json.loads(repeated.stdout) == json.loads(joined.stdout)
    assert json.loads(joined.stdout)["route"] == "extend_on_info_partenaires"


def test_optional_trip_fields_are_used_for_routing() -> None:
    result = runner.invoke(
        app,
        [
            *LEGACY_EMC,
            "--trip-start",
            "2026-05-01",
            "--trip-end",
            "2026-07-31",
            "--legacy-days",
            "20",
            "--destination",
            "Allemagne",
            "--trip-reason",
            "Études",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rule"].startswith("R3")


def test_invalid_options_exit_2_naming_the_field_and_what_is_accepted() -> None:
    args = [*LEGACY_EMC]
    args[args.index("lh 12345")] = "LH-1"
    args[args.index("non")] = "peut-être"
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--contract-number: 'LH-1' is not a contract number (accepted: AA + 8 digits" in (
        " ".join(result.stderr.split())
    )
    assert "--departed:" in result.stderr and "oui/non" in result.stderr
    assert result.stdout == ""


def test_missing_options_are_all_named() -> None:
    result = runner.invoke(app, ["--product", "annual_multi_trip"])
    assert result.exit_code == 2
    for option in (
        "--contract-number",
        "--coverages",
        "--departed",
        "--claim",
        "--annual-extension",
    ):
        assert f"{option}:" in result.stderr


def test_invalid_trip_option_is_reported() -> None:
    result = runner.invoke(app, [*LEGACY_EMC, "--destination", "Atlantide"])
    assert result.exit_code == 2
    assert "--destination:" in result.stderr


def test_jsonl_routes_every_line_in_order_and_exits_2_on_any_invalid_line() -> None:
    stdin = _jsonl(
        _valid("AA12345678"),
        "",
        "{not json",
        _valid("LH12345"),
        _valid("LH-12"),
        "   ",
        [1, 2],
        _valid("LH12346", claim="filed"),
    )
    result = runner.invoke(app, ["--jsonl"], input=stdin)
    assert result.exit_code == 2
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a.get("route", "error") for a in answers] == [
        "standard_extension_espace_partenaire",
        "error",
        "complementary_espace_partenaire",
        "error",
        "error",
        "contact_insurer",
    ]
    assert answers[1]["error"].startswith("line 3: not valid JSON")
    assert answers[3]["error"].startswith("line 5: contract_number: 'LH-12' is not a contract")
    assert answers[4] == {"error": "line 7: expected a JSON object"}
    assert set(answers[0]) == {"route", "automated", "reason_fr", "reason_en", "rule"}


def test_jsonl_reports_every_problem_of_a_line() -> None:
    result = runner.invoke(
        app,
        ["--jsonl"],
        input=_jsonl(_valid(product="top_up", coverages=["baggage"], departed="maybe")),
    )
    (answer,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert "departed:" in answer["error"] and "coverages:" in answer["error"]


def test_jsonl_exits_0_when_every_line_was_routed() -> None:
    result = runner.invoke(app, ["--jsonl"], input=_jsonl(_valid(), "", _valid("AA12345678")))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2


def test_jsonl_keeps_french_text_readable() -> None:
    result = runner.invoke(app, ["--jsonl"], input=_jsonl(_valid()))
    assert "Soins médicaux d'urgence" in result.stdout


def test_jsonl_on_the_route_cases_fixture() -> None:
    text = CASES.read_text(encoding="utf-8")
    result = runner.invoke(app, ["--jsonl"], input=text)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == sum(1 for line in text.splitlines() if line.strip()) >= 300
    assert result.exit_code == 2
    routes = {answer.get("route", "error") for answer in answers}
    assert routes == {
        "complementary_espace_partenaire",
        "standard_extension_espace_partenaire",
        "extend_on_info_partenaires",
        "contact_insurer",
        "error",
    }


def test_table_prints_every_cell_of_the_aide_memoire() -> None:
    result = runner.invoke(app, ["--table"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "Aide-mémoire – Where to buy extensions" in result.stdout
    for number in range(1, len(ROWS) + 1):
        assert f"│ {number} " in result.stdout
    assert result.stdout.count("merged cell") == sum(row.merged for row in ROWS)
    assert "contact us for an extension" in result.stdout
    assert "contactez-nous" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--jsonl", "--table"],
        ["--table", "--contract-number", "LH12345"],
        ["--jsonl", "--claim", "none"],
    ],
)
def test_modes_do_not_mix(args: list[str]) -> None:
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 2
    assert "accepted" in result.stderr or "choose one" in result.stderr


def test_help_describes_the_command() -> None:
    result = runner.invoke(app, ["--help"], env=WIDE)
    assert result.exit_code == 0
    assert "--jsonl" in result.stdout and "--contract-number" in result.stdout


@pytest.mark.parametrize("how", ["command", "add_typer"])
def test_the_lead_can_register_it_as_prolong_route(how: str) -> None:
    main = typer.Typer()

    @main.command("version")
    def version() -> None:
        """A second command, so ``route`` is a subcommand as in the real app."""

    if how == "command":
        main.command("route")(route)
    else:
        main.add_typer(app, name="route")
    result = runner.invoke(main, ["route", *LEGACY_EMC, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["route"] == "complementary_espace_partenaire"


# --- accepted values come from the schema (issue 10 item 8, issue 13 item 8) ----------------------

ROUTE_FIELDS = [
    "contract_number",
    "product",
    "annual_extension",
    "coverages",
    "departed",
    "claim",
    "request_date",
    "trip_start",
    "trip_end",
    "legacy_days",
    "legacy_end",
    "destination",
    "trip_reason",
]


def test_help_states_what_each_option_accepts_as_the_schema_does() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "1000"})
    assert result.exit_code == 0
    for field in ROUTE_FIELDS:
        assert FIELD_ACCEPTED[field] in result.stdout, field


@pytest.mark.parametrize(
    "enum", [Product, AnnualExtension, Coverage, Claim, TripReason], ids=lambda enum: enum.__name__
)
def test_help_lists_every_code_and_french_name_of_the_enums(enum: type[StrEnum]) -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "1000"})
    for member, label in labels_of(enum).items():
        assert member.value in result.stdout and label.fr in result.stdout


def test_help_shows_no_internal_metavar() -> None:
    result = runner.invoke(app, ["--help"], env=WIDE)
    option_lines = [
        line for line in result.stdout.splitlines() if "--" in line and "--help" not in line
    ]  # --help is typer's own
    assert option_lines
    for line in option_lines:
        assert not re.search(r"<[a-z\[\]]+>|\{\w+\}", line), line


def test_french_values_route_as_the_codes_do() -> None:
    french = [
        "--contract-number",
        "lh 12345",
        "--product",
        "Voyage individuel",
        "--coverages",
        "Soins médicaux d’urgence",
        "--departed",
        "Non",
        "--claim",
        "aucune",
        "--request-date",
        "2026/06/15",
        "--json",
    ]
    codes = runner.invoke(app, [*LEGACY_EMC, "--json"])
    result = runner.invoke(app, french)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(codes.stdout)


def test_an_ambiguous_date_is_refused_quoting_it_and_the_accepted_forms() -> None:
    args = [*LEGACY_EMC]
    args[args.index("2026-06-15")] = "15/06/2026"
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())  # wrapped between words at the terminal's width
    assert "--request-date: '15/06/2026' is ambiguous: it looks like DD/MM/YYYY or MM/DD/YYYY" in (
        said
    )
    assert "YYYY-MM-DD or YYYY/MM/DD" in said
