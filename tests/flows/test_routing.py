"""Routing: every cell of the aide-mémoire, each FAQ answer, each rule and its order."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.aide_memoire import ROWS, AideMemoireRow, CoverageLine, ProductGroup, Route
from flows.errors import RequestInvalid
from flows.request import (
    AnnualExtension,
    Claim,
    Coverage,
    Product,
    RoutingFacts,
    SoldIn,
    parse_extension_request,
    parse_routing_facts,
)
from flows.routing import NEW_PROCESS_START, RULES, Decision, route, route_mapping

SAMPLES = Path(__file__).parents[2] / "fixtures" / "data" / "sample_requests.csv"


def decide(**changes: object) -> Decision:
    """Route a legacy single-trip EMC request of 2026-06-15, with ``changes``."""
    row: dict[str, object] = {
        "contract_number": "LH12345",
        "product": "single_trip",
        "coverages": "emc",
        "departed": "non",
        "claim": "none",
        "request_date": "2026-06-15",
    }
    row.update(changes)
    return route_mapping({key: value for key, value in row.items() if value is not None})


# --- every cell of the aide-mémoire ---------------------------------------------------------------

_GROUP_INPUT: dict[ProductGroup, tuple[str, str | None]] = {
    ProductGroup.SINGLE_TRIP: ("single_trip", None),
    ProductGroup.ANNUAL_NEW: ("annual_multi_trip", "new"),
    ProductGroup.ANNUAL_EXISTING: ("annual_multi_trip", "existing"),
    ProductGroup.TOP_UP: ("top_up", None),
    ProductGroup.VISITORS_TO_CANADA: ("visitors_to_canada", None),
}
_LINE_INPUT: dict[CoverageLine, list[str]] = {
    CoverageLine.EMC_ONLY: ["emc"],
    CoverageLine.EMC_REDUCED_STABILITY: ["emc_reduced_stability"],
    CoverageLine.OTHER_COVERAGES: [
        "emc",
        "trip_cancellation_interruption",
        "baggage",
        "accidental_death_dismemberment",
    ],
}


def _cell_request(row: AideMemoireRow, departed: bool) -> Decision:
    product, extension = _GROUP_INPUT[row.group]
    number = "AA12345678" if row.sold_in is SoldIn.ESPACE_PARTENAIRE else "LH12345"
    return decide(
        contract_number=number,
        product=product,
        annual_extension=extension,
        coverages=_LINE_INPUT[row.coverage_line],
        departed=departed,
    )


@pytest.mark.parametrize("departed", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key)
def test_every_cell_of_the_aide_memoire(row: AideMemoireRow, departed: bool) -> None:
    decision = _cell_request(row, departed)
    assert decision.outcome is row.outcome(departed)
    assert decision.row == row
    assert decision.rule.endswith(f"aide-mémoire: {row.label_fr}")
    assert " ".join(row.text_fr.split()) in decision.reason_fr


@pytest.mark.parametrize(
    "row",
    [row for row in ROWS if row.coverage_line is CoverageLine.OTHER_COVERAGES],
    ids=lambda row: row.key,
)
def test_other_coverage_cells_hold_for_any_mix_of_their_line(row: AideMemoireRow) -> None:
    product, extension = _GROUP_INPUT[row.group]
    number = "AA12345678" if row.sold_in is SoldIn.ESPACE_PARTENAIRE else "LH12345"
    for coverages in (
        ["baggage"],
        ["trip_cancellation_interruption", "emc"],
        ["accidental_death_dismemberment", "emc_reduced_stability"],
    ):
        decision = decide(
            contract_number=number, product=product, annual_extension=extension, coverages=coverages
        )
        assert decision.outcome is row.before_departure, coverages


def test_the_rule_name_cites_rule_and_cell() -> None:
    decision = decide(product="annual_multi_trip", annual_extension="new")
    assert decision.rule == (
        "R6 / aide-mémoire: Annuels multi-voyages, nouvelles prolongations, "
        "Soins médicaux d'urgence seulement, Info-partenaires.ca"
    )


# --- FAQ ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("departed", ["non", "oui"])
def test_faq1_second_extension_of_an_emc_annual_is_sold_in_espace_partenaire(
    departed: str,
) -> None:
    decision = decide(product="annual_multi_trip", annual_extension="existing", departed=departed)
    assert decision.outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE
    assert decision.automated
    assert decision.rule.startswith("R6 / FAQ 1 /")
    assert "FAQ 1" in decision.reason_fr and "FAQ 1" in decision.reason_en


@pytest.mark.parametrize(
    ("product", "coverages"),
    [
        ("single_trip", "emc"),
        ("single_trip", "emc;baggage"),
        ("single_trip", "baggage"),
        ("single_trip", "emc_reduced_stability"),
        ("top_up", "emc"),
        ("visitors_to_canada", "emc"),
        ("visitors_to_canada", "emc;baggage"),
    ],
)
def test_faq2_contracts_sold_in_espace_partenaire_keep_the_usual_process(
    product: str, coverages: str
) -> None:
    decision = decide(
        contract_number="AA12345678", product=product, coverages=coverages, departed="oui"
    )
    assert decision.outcome is Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE
    assert "FAQ 2" in decision.rule
    assert not decision.automated


def test_faq2_holds_before_the_new_process_starts() -> None:
    decision = decide(contract_number="AA12345678", request_date="2026-04-15")
    assert decision.outcome is Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE


def test_faq3_legacy_numbers_are_not_searchable_so_the_handoff_says_search_by_name() -> None:
    decision = decide()
    assert "nom ou téléphone" in decision.handoff.where_fr
    assert "legacy numbers are not searchable" in decision.handoff.where_en


def test_faq4_the_complementary_contract_is_a_new_contract_in_espace_partenaire() -> None:
    # The client will see the top-up in Espace client, not the legacy contract: the sale is a
    # new Assurance complémentaire opportunity, never an edit of the legacy contract.
    decision = decide()
    assert "Nouvelle opportunité" in decision.handoff.where_fr
    assert "Ancien système voyage QC ON" in decision.handoff.what_fr


# --- rules R1..R7 and their order -----------------------------------------------------------------


@pytest.mark.parametrize("claim", ["filed", "expected"])
@pytest.mark.parametrize("number", ["LH12345", "AA12345678"])
def test_r1_a_claim_sends_to_the_insurer(claim: str, number: str) -> None:
    decision = decide(claim=claim, contract_number=number)
    assert decision.outcome is Route.CONTACT_INSURER
    assert decision.rule.startswith("R1")


def test_r1_wins_even_before_the_new_process() -> None:
    assert decide(claim="filed", request_date="2026-05-01").rule.startswith("R1")


def test_no_claim_is_routed_by_the_table() -> None:
    assert decide(claim="none").outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE


def test_r2_existing_annual_sold_in_espace_partenaire_after_departure() -> None:
    before = decide(
        contract_number="AA12345678",
        product="annual_multi_trip",
        annual_extension="existing",
        departed="non",
    )
    after = decide(
        contract_number="AA12345678",
        product="annual_multi_trip",
        annual_extension="existing",
        departed="oui",
    )
    assert before.outcome is Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE
    assert after.outcome is Route.CONTACT_INSURER
    assert after.rule.startswith("R2")


def test_r2_ignores_the_legacy_dates_of_an_espace_partenaire_contract() -> None:
    decision = decide(
        contract_number="AA12345678", trip_start="2026-05-01", legacy_end="2026-05-10"
    )
    assert decision.outcome is Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE


def test_r3_legacy_coverage_already_over() -> None:
    decision = decide(trip_start="2026-05-01", trip_end="2026-07-31", legacy_end="2026-06-14")
    assert decision.outcome is Route.CONTACT_INSURER
    assert decision.rule.startswith("R3")


def test_r3_coverage_ending_on_the_request_date_is_still_running() -> None:
    decision = decide(trip_start="2026-05-01", trip_end="2026-07-31", legacy_end="2026-06-15")
    assert decision.outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE


def test_r3_uses_legacy_days_too() -> None:
    # 2026-05-01 + 45 days (inclusive) = 2026-06-14, before the request of 2026-06-15.
    decision = decide(trip_start="2026-05-01", trip_end="2026-07-31", legacy_days="45")
    assert decision.rule.startswith("R3")


def test_r3_comes_before_r4() -> None:
    decision = decide(request_date="2026-05-20", trip_start="2026-05-01", legacy_end="2026-05-10")
    assert decision.rule.startswith("R3")


def test_r4_the_day_before_the_new_process() -> None:
    decision = decide(request_date="2026-05-31")
    assert decision.outcome is Route.EXTEND_ON_INFO_PARTENAIRES
    assert decision.rule.startswith("R4")


def test_r4_the_new_process_starts_on_1_june_2026() -> None:
    assert date(2026, 6, 1) == NEW_PROCESS_START
    decision = decide(request_date="2026-06-01")
    assert decision.outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE
    assert decision.automated


def test_the_seed_example_of_may_2026_goes_to_info_partenaires() -> None:
    # The seed's Voyage step: 2026-05-01..2026-06-30, 15 days covered; asked in May.
    decision = decide(
        request_date="2026-05-01", trip_start="2026-05-01", trip_end="2026-06-30", legacy_days="15"
    )
    assert decision.rule.startswith("R4")


@pytest.mark.parametrize("departed", ["non", "oui"])
def test_r5_legacy_visitors_to_canada_before_or_after_arrival(departed: str) -> None:
    decision = decide(product="visitors_to_canada", departed=departed)
    assert decision.outcome is Route.EXTEND_ON_INFO_PARTENAIRES
    assert decision.rule.startswith("R5")
    assert "arrivée" in decision.reason_fr and "arrival" in decision.reason_en


def test_r5_visitors_with_a_coverage_outside_the_table() -> None:
    decision = decide(product="visitors_to_canada", coverages="baggage")
    assert decision.outcome is Route.EXTEND_ON_INFO_PARTENAIRES
    assert decision.row is None


@pytest.mark.parametrize("product", ["single_trip", "top_up"])
@pytest.mark.parametrize("departed", ["non", "oui"])
def test_r6_emc_only_becomes_a_complementary_contract(product: str, departed: str) -> None:
    decision = decide(product=product, departed=departed)
    assert decision.outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE
    assert decision.rule.startswith("R6")


def test_r6_handoff_carries_the_legacy_days_when_known() -> None:
    decision = decide(trip_start="2026-06-01", trip_end="2026-08-01", legacy_days="15")
    assert "= 15 ;" in decision.handoff.what_fr
    assert "= 15;" in decision.handoff.what_en


@pytest.mark.parametrize(
    "coverages",
    [
        "emc_reduced_stability",
        "baggage",
        "emc;trip_cancellation_interruption",
        "accidental_death_dismemberment",
    ],
)
def test_r7_other_coverages_extend_on_info_partenaires(coverages: str) -> None:
    decision = decide(coverages=coverages)
    assert decision.outcome is Route.EXTEND_ON_INFO_PARTENAIRES
    assert decision.rule.startswith("R7")


def test_r7_annual_with_reduced_stability_has_no_cell_and_says_so() -> None:
    decision = decide(
        product="annual_multi_trip", annual_extension="new", coverages="emc_reduced_stability"
    )
    assert decision.outcome is Route.EXTEND_ON_INFO_PARTENAIRES
    assert decision.row is None
    assert "aucune ligne" in decision.rule


def test_rules_are_listed_in_order() -> None:
    assert [rule.__name__[:3] for rule in RULES] == [f"_r{n}" for n in range(1, 8)]


# --- decisions ------------------------------------------------------------------------------------


def test_only_the_complementary_outcome_is_automated() -> None:
    assert decide().automated
    for changes in (
        {"claim": "filed"},
        {"contract_number": "AA12345678"},
        {"request_date": "2026-05-31"},
        {"coverages": "baggage"},
    ):
        assert not decide(**changes).automated


def test_as_json_has_the_documented_keys() -> None:
    assert set(decide().as_json()) == {"route", "automated", "reason_fr", "reason_en", "rule"}
    handoff = decide().as_json(handoff=True)["handoff"]
    assert isinstance(handoff, dict)
    assert set(handoff) == {"where_fr", "where_en", "what_fr", "what_en"}


def test_route_mapping_raises_request_invalid() -> None:
    with pytest.raises(RequestInvalid):
        decide(contract_number="12")


_SAMPLE_OUTCOMES = {
    "LH10001": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10002": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10003": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10004": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10005": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10006": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10007": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10008": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "LH10009": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
    "AA10000010": Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
    "AA10000011": Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
    "AA10000012": Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
    "AA10000013": Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE,
    "AA10000014": Route.CONTACT_INSURER,
    "LH10015": Route.CONTACT_INSURER,
    "LH10016": Route.CONTACT_INSURER,
    "LH10017": Route.CONTACT_INSURER,
    "LH10018": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LV10019": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LH10020": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LH10021": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LH10022": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LH10023": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LH10024": Route.EXTEND_ON_INFO_PARTENAIRES,
    "LH10025": Route.COMPLEMENTARY_ESPACE_PARTENAIRE,
}
_SAMPLE_INVALID = {
    "LH-1234": ["contract_number"],
    "LH10027": ["coverages"],
    "LH10028": ["legacy_days"],
    "LH10029": ["claim"],
    "LH10030": ["annual_extension"],
    "LH10031": ["departed", "request_date", "destination"],
}


def test_sample_requests_route_as_expected() -> None:
    with SAMPLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["contract_number"] for row in rows} == set(_SAMPLE_OUTCOMES) | set(_SAMPLE_INVALID)
    for row in rows:
        number = row["contract_number"]
        if number in _SAMPLE_INVALID:
            with pytest.raises(RequestInvalid) as caught:
                parse_extension_request(row)
            assert caught.value.fields == _SAMPLE_INVALID[number]
        else:
            assert route(parse_extension_request(row)).outcome is _SAMPLE_OUTCOMES[number], number


def test_sample_requests_cover_every_outcome() -> None:
    assert set(_SAMPLE_OUTCOMES.values()) == set(Route)


def test_automatable_quebec_samples_carry_privacy_consent() -> None:
    with SAMPLES.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["contract_number"] in _SAMPLE_OUTCOMES]
    requests = [parse_extension_request(row) for row in rows]
    automatable = [r for r in requests if route(r).automated and r.province == "QC"]
    missing = [r.contract_number for r in automatable if r.needs_privacy_consent]
    # One Québec row deliberately lacks consent, so the flow's stop-and-ask path has a case.
    assert missing == ["LH10009"]


# --- property: every valid request gets exactly one outcome ---------------------------------------


@st.composite
def routing_rows(draw: st.DrawFn) -> dict[str, object]:
    """A valid request in CSV form (strings), any product, coverage, date and legacy dates."""
    if draw(st.booleans()):
        number = "AA" + draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    else:
        prefix = draw(st.sampled_from(["LH", "lh", "LV", "QC", "XY", "ab"]))
        number = prefix + draw(st.from_regex(r"[0-9]{5,8}", fullmatch=True))
    product = draw(st.sampled_from(list(Product)))
    row: dict[str, object] = {
        "contract_number": number,
        "product": product.value,
        "departed": draw(st.sampled_from(["oui", "non", "yes", "no", "true", "false", "1", "0"])),
        "claim": draw(st.sampled_from(list(Claim))).value,
    }
    if product is Product.ANNUAL_MULTI_TRIP:
        row["annual_extension"] = draw(st.sampled_from(list(AnnualExtension))).value
    if product is Product.TOP_UP:
        coverages = {Coverage.EMC}
    else:
        coverages = draw(
            st.sets(st.sampled_from(list(Coverage)), min_size=1).filter(
                lambda chosen: not {Coverage.EMC, Coverage.EMC_REDUCED_STABILITY} <= chosen
            )
        )
    row["coverages"] = ";".join(coverage.value for coverage in coverages)
    asked = draw(st.dates(date(2026, 1, 1), date(2027, 12, 31)))
    row["request_date"] = asked.isoformat()
    if draw(st.booleans()):
        start = asked + timedelta(days=draw(st.integers(-120, 120)))
        trip_days = draw(st.integers(2, 365))
        legacy_days = draw(st.integers(1, trip_days - 1))
        row["trip_start"] = start.isoformat()
        row["trip_end"] = (start + timedelta(days=trip_days - 1)).isoformat()
        if draw(st.booleans()):
            row["legacy_days"] = str(legacy_days)
        else:
            row["legacy_end"] = (start + timedelta(days=legacy_days - 1)).isoformat()
    return row


def _oracle(facts: RoutingFacts) -> Route:
    """The rules of flows/routing.py's docstring restated independently of its code."""
    if facts.claim is not Claim.NONE:
        return Route.CONTACT_INSURER
    if facts.contract_number.startswith("AA"):
        existing = facts.annual_extension is AnnualExtension.EXISTING
        return (
            Route.CONTACT_INSURER
            if existing and facts.departed
            else (Route.STANDARD_EXTENSION_ESPACE_PARTENAIRE)
        )
    if facts.legacy_end is not None and facts.legacy_end < facts.request_date:
        return Route.CONTACT_INSURER
    if facts.request_date < date(2026, 6, 1) or facts.product is Product.VISITORS_TO_CANADA:
        return Route.EXTEND_ON_INFO_PARTENAIRES
    if set(facts.coverages) == {Coverage.EMC}:
        return Route.COMPLEMENTARY_ESPACE_PARTENAIRE
    return Route.EXTEND_ON_INFO_PARTENAIRES


@settings(deadline=None)  # no timing in tests: a slow CI machine must not fail them
@given(routing_rows())
def test_every_valid_request_gets_exactly_one_outcome_with_reasons_in_both_languages(
    row: dict[str, object],
) -> None:
    facts = parse_routing_facts(row)
    decisions = [decision for rule in RULES if (decision := rule(facts)) is not None]
    assert decisions, "R7 always decides"
    decision = route(facts)
    assert decision == decisions[0]
    assert decision.outcome in set(Route)
    assert decision.outcome is _oracle(facts)
    assert decision.reason_fr.strip() and decision.reason_en.strip()
    assert decision.reason_fr != decision.reason_en
    assert decision.rule.startswith("R")
    assert decision.automated is (decision.outcome is Route.COMPLEMENTARY_ESPACE_PARTENAIRE)
    assert decision.handoff.where_fr and decision.handoff.what_en


@settings(deadline=None)
@given(routing_rows())
def test_json_and_csv_forms_of_a_request_route_alike(row: dict[str, object]) -> None:
    as_json = dict(row)
    as_json["coverages"] = str(row["coverages"]).split(";")
    as_json["departed"] = str(row["departed"]) in {"oui", "yes", "true", "1"}
    assert parse_routing_facts(as_json) == parse_routing_facts(row)
    assert route_mapping(as_json) == route_mapping(row)
