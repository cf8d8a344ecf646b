"""``prolong probe --deep``: through « Démarrer » to the Voyage step, every field named.

The probe runs as the real command in a child process against simulators whose labels were
renamed the way a Salesforce release would (the simulator's ``--label KEY=TEXT``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from automation.diagnostics.probe import catalogue_key
from automation.labels import labels_for
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread


def _probe(tmp_path: Path, *args: str, **env: str) -> tuple[int, list[dict[str, object]], str]:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_STORAGE_STATE": str(tmp_path / "state.json"),
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_LOCALE": "fr",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli.probe", *args, "--json"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        cwd=tmp_path,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, rows, done.stdout + done.stderr


def test_deep_names_a_renamed_voyage_field_and_one_on_an_earlier_screen(tmp_path: Path) -> None:
    renamed = SimOptions(
        label_overrides={
            "other_insurer_days": "Jours garantis ailleurs",
            "client_postal_code": "Code postal du domicile",
        }
    )
    with start_in_thread(renamed) as simulator:
        contracts = httpx.get(f"{simulator.url}/__sim__/contracts").json()
        code, rows, output = _probe(tmp_path, "--base-url", simulator.url, "--deep")
        contracts_after = httpx.get(f"{simulator.url}/__sim__/contracts").json()
    assert code == 1, output
    failing = [
        (r["screen"], r["element"], r["key"], r["status"]) for r in rows if r["status"] != "found"
    ]
    assert failing == [
        ("client form", "postal_code « Code postal »", "postal_code", "missing"),
        (
            "Voyage step after « Oui »",
            "other_insurer_days « Jours couverts par l'autre assureur »",
            "other_insurer_days",
            "missing",
        ),
    ], output
    flat = " ".join(output.split())
    assert (
        "missing: other_insurer_days « Jours couverts par l'autre assureur » — " in flat
        or "manquant : other_insurer_days « Jours couverts par l'autre assureur » — " in flat
    )
    # Every field of the Voyage step was looked at, and the opportunity was left unsold.
    voyage = {r["key"] for r in rows if str(r["screen"]).startswith("Voyage step")}
    assert {
        "destination",
        "trip_reason",
        "trip_start",
        "trip_end",
        "trip_cost",
        "q_other_insurer",
        "other_insurer_days",
        "other_insurer_type",
        "q_health_coverage",
        "q_cancellation_coverage",
        "trip_days",
    } <= voyage
    left = re.search(r"(?:\(delete it\):|\(à supprimer\) :) (QUO - .+)", flat)
    assert left is not None, output
    assert "Bonjour" not in output  # the test client's name is masked: « QUO - J. B. - … »
    assert contracts_after == contracts  # nothing sold


def test_deep_refuses_a_portal_that_may_be_production_before_any_browser(tmp_path: Path) -> None:
    code, rows, output = _probe(tmp_path, "--base-url", "http://127.0.0.1:9/", "--deep")
    assert code == 2, output
    assert rows == []
    assert "PORTAL_SANDBOX_HOSTS" in output


def test_every_element_the_probe_names_points_at_its_catalogue_key() -> None:
    labels = labels_for("fr")
    assert catalogue_key(labels, "postal_code « Code postal »") == "postal_code"
    assert catalogue_key(labels, "search box « Rechercher »") == labels_key(labels, "Rechercher")
    assert catalogue_key(labels, "navigation tab « Accueil »") == "nav_tabs"
    assert catalogue_key(labels, "mark_stage_complete « x » (mark_stage_complete)") == (
        "mark_stage_complete"
    )
    assert catalogue_key(labels, "account title") == ""


def labels_key(labels: object, text: str) -> str:
    """The one catalogue key whose own text is ``text``."""
    keys = [name for name, value in vars(labels).items() if value == text]
    assert len(keys) == 1, keys
    return keys[0]


def test_deep_names_the_field_that_stopped_the_walk_and_what_it_did_not_reach(
    tmp_path: Path,
) -> None:
    renamed = SimOptions(label_overrides={"q_buyer_travelling": "Voyagez-vous vous-même?"})
    with start_in_thread(renamed) as simulator:
        code, rows, output = _probe(
            tmp_path, "--base-url", simulator.url, "--deep", PORTAL_TIMEOUT_MS="5000"
        )
    assert code == 1, output
    missing = [(r["screen"], r["key"]) for r in rows if r["status"] == "missing"]
    assert missing == [("resident questionnaire", "q_buyer_travelling")], output
    # The walk could not pass the client form (the questionnaire is known by that question):
    # the questionnaire was still checked, and what lies after it says why it was not reached.
    found = {
        r["key"] for r in rows if r["screen"] == "resident questionnaire" and r["status"] == "found"
    }
    assert {"q_all_canadian_residents", "q_all_provincial_plan", "start"} <= found, output
    unreached = [r for r in rows if r["status"] == "not reached"]
    assert {r["screen"] for r in unreached} == {"Voyage step"}, output
    assert unreached[0]["detail"] == (
        "the walk stopped at « resident questionnaire »: "
        "buyer_travelling « Faites-vous partie du voyage? » missing"
    ), output
    assert "(delete it)" not in output and "(à supprimer)" not in output  # nothing created
