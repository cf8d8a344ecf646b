"""Drift recordings: the simulator against the recordings kept here, masking, the command.

``recordings/<profile>/`` is ``prolong probe --record`` run on the bundled simulator of that
profile (fr, synthetic shadow). A test fails when the simulator no longer looks like them: a
change to its markup must come with a new recording (see ``record_again`` below), which a
reviewer reads as the diff of what a QA engineer would see change.

To record them again::

    .venv/bin/python -m tests.drift.record_again
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer
from playwright.sync_api import Browser
from typer.testing import CliRunner

from automation.diagnostics.drift import (
    Recording,
    compare_recordings,
    load_recording,
    record_portal,
    save_recording,
)
from automation.diagnostics.drift_mask import PersonalValues, mask_snapshot
from automation.labels import labels_for
from automation.runtime.settings import Locale, Settings
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from fixtures.portal.seed_data import SEED_ACCOUNTS
from fixtures.portal.variant_match import matching_simulator, serve_command
from fixtures.portal.variants import PROFILES, variant_of
from flows.cli.probe import probe

RECORDINGS = Path(__file__).parent / "recordings"


def record_profile(browser: Browser, profile: str, tmp: Path) -> Recording:
    """Record the bundled simulator of ``profile`` as ``recordings/<profile>`` was."""
    options = SimOptions(profile=profile)
    settings = Settings(_env_file=None, locale=Locale.FR, storage_state=tmp / "state.json")
    with start_in_thread(options) as simulator:
        recording, report = record_portal(
            browser, settings, simulator.url + options.variant.site_prefix
        )
    assert report.ok, [r for r in report.failures]
    return recording


def _personal_texts() -> list[str]:
    """Every seeded client's name, birth date, phone, postal code and e-mail address."""
    texts: list[str] = []
    for account in SEED_ACCOUNTS:
        texts += [
            account.first_name,
            account.last_name,
            account.birth_date.isoformat(),
            account.phone,
            *(v for v in (account.postal_code, account.email, account.client_number) if v),
        ]
    return [text for text in texts if len(text) > 3]


def _assert_no_personal_value(text: str, where: str) -> None:
    for value in _personal_texts():
        assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE), (
            f"{value!r} in {where}"
        )


class _Recorded:
    """Each profile's simulator, recorded now, once for the module (a walk is ~10 s)."""

    def __init__(self, browser: Browser, scratch: pytest.TempPathFactory) -> None:
        self.browser, self.scratch = browser, scratch
        self.done: dict[str, Recording] = {}

    def __getitem__(self, profile: str) -> Recording:
        if profile not in self.done:
            self.done[profile] = record_profile(self.browser, profile, self.scratch.mktemp(profile))
        return self.done[profile]


@pytest.fixture(scope="module")
def profiles_now(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> _Recorded:
    """Each profile's simulator, recorded when a test first asks for it."""
    return _Recorded(browser, tmp_path_factory)


# ``default`` is recorded and compared through the command (the last test); every other
# profile here, in every run: a change to any profile's markup needs its new recording.
OTHER_PROFILES = [profile for profile in PROFILES if profile != "default"]


@pytest.mark.e2e
@pytest.mark.parametrize("profile", OTHER_PROFILES)
def test_the_simulator_still_looks_like_its_recording(
    profiles_now: _Recorded, profile: str
) -> None:
    kept = load_recording(RECORDINGS / profile)
    drift = compare_recordings(kept, profiles_now[profile])
    assert drift.equal, (drift.screens, drift.switches)


@pytest.mark.e2e
@pytest.mark.parametrize("profile", OTHER_PROFILES)
def test_a_recording_holds_no_client_data(
    profiles_now: _Recorded, tmp_path: Path, profile: str
) -> None:
    written = save_recording(profiles_now[profile], tmp_path)
    assert {p.name for p in written} >= {"switches.json", "01-sign-in.yaml"}
    for path in written:
        _assert_no_personal_value(path.read_text(encoding="utf-8"), str(path))


def test_the_kept_recordings_hold_no_client_data() -> None:
    files = [path for path in RECORDINGS.rglob("*") if path.is_file()]
    assert len(files) == 4 * 7
    for path in files:
        _assert_no_personal_value(path.read_text(encoding="utf-8"), str(path))


def test_a_recording_equals_itself_and_differs_from_another_profile() -> None:
    lwr, seed, default = (load_recording(RECORDINGS / name) for name in ("lwr", "seed", "default"))
    assert compare_recordings(lwr, load_recording(RECORDINGS / "lwr")).equal
    against_seed = compare_recordings(lwr, seed)
    assert not against_seed.equal
    assert against_seed.switches["header_case"] == ("css", "markup")
    assert "search results" in against_seed.screens  # the headers' accessible names differ
    # seed and default differ only in what the account page's actions say
    assert set(compare_recordings(default, seed).switches) == {"action_labels"}


@pytest.mark.parametrize("profile", PROFILES)
def test_the_switches_seen_name_the_profile_recorded(profile: str) -> None:
    seen = load_recording(RECORDINGS / profile).switches
    assert matching_simulator(seen) == (profile, {}), seen


def test_a_switch_a_profile_lacks_is_named_on_top_of_it() -> None:
    seen = {
        **load_recording(RECORDINGS / "aura").switches,
        "site_prefix": "/partenaires",
        "date_style.birth_date": "short",
    }
    profile, extra = matching_simulator(seen)
    assert (profile, extra) == (
        "aura",
        {"site_prefix": "/partenaires", "date_style.birth_date": "short"},
    )
    assert serve_command(profile, extra) == (
        "prolong portal serve --profile aura --date-style birth_date=short "
        "--site-prefix /partenaires"
    )


def test_masking_keeps_labels_and_hides_every_personal_value() -> None:
    labels = labels_for("fr")
    personal = PersonalValues.of_client(
        "Jean", "Bonjour", date(1950, 1, 1), "(514) 467-3193", "H3A 2Y1", labels
    )
    snapshot = "\n".join(
        [
            '- heading "Jean Bonjour" [level=1]',
            '- button "Nouvelle opportunité"',
            '- textbox "Prénom": Jean',
            '- textbox "Date de naissance": janv. 1, 1950',
            '- columnheader "Nom du compte"',
            '- row "Marie Tremblay 1962-03-14 (418) 555-0142":',
            '  - cell "Marie Tremblay"',
            '  - cell "Voyage"',
            '- row "Paul Roy 1970-01-01 (418) 555-0100":',  # a second record: kept once
            '  - cell "Paul Roy"',
            '  - cell "Voyage"',
            '- link "QUO - Marie Tremblay - 2026-11-30 - 00012":',
            "  - /url: /s/opportunity/006000000000012AAA",
            '- text: "Contrat AA00001234, prime 607,20 $, code G1R 4P5"',
            '- button "Afficher les actions de Jean Bonjour"',
        ]
    )
    masked = mask_snapshot(snapshot, labels, personal)
    assert masked.splitlines() == [
        '- heading "<text>" [level=1]',
        '- button "Nouvelle opportunité"',
        '- textbox "Prénom": <text>',
        '- textbox "Date de naissance": <date>',
        '- columnheader "Nom du compte"',
        '- row "<row>":',
        '  - cell "<text>"',
        '  - cell "Voyage"',
        '- link "<text>":',
        "  - /url: /s/opportunity/<id>",
        "- text: <text>",
        '- button "Afficher les actions de <personal>"',
    ]


@pytest.mark.e2e
def test_record_then_compare_through_the_command(tmp_path: Path) -> None:
    """``--record`` on the bundled simulator, then ``--compare`` with the lwr recording (on the
    bundled simulator although PORTAL_BASE_URL names another portal): exit 1, the switches
    that differ, and the simulator that would match it."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_STORAGE_STATE": str(tmp_path / "state.json"),
        "PORTAL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "PORTAL_LOCALE": "fr",
    }
    probe = [sys.executable, "-m", "flows.cli.probe"]
    recorded = subprocess.run(
        [*probe, "--record", str(tmp_path / "here")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    summary = json.loads((tmp_path / "here" / "switches.json").read_text(encoding="utf-8"))
    assert summary["switches"]["header_case"] == "markup"
    for path in (tmp_path / "here").rglob("*.*"):
        _assert_no_personal_value(path.read_text(encoding="utf-8"), str(path))
    assert compare_recordings(
        load_recording(RECORDINGS / "default"), load_recording(tmp_path / "here")
    ).equal
    # PORTAL_BASE_URL is the org a recording comes from: --compare goes to the simulator.
    compared = subprocess.run(
        [*probe, "--compare", str(RECORDINGS / "lwr")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**env, "PORTAL_BASE_URL": "http://127.0.0.1:9"},
    )
    output = " ".join((compared.stdout + compared.stderr).split())
    assert compared.returncode == 1, output
    assert (
        "switch header_case: recorded 'css', here 'markup'" in output
        or "switch header_case : enregistré 'css', ici 'markup'" in output
    )
    assert "prolong portal serve --profile lwr" in output


def test_compare_with_a_folder_that_is_no_recording_exits_2_naming_the_file(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(probe)
    runner = CliRunner()
    result = runner.invoke(app, ["--compare", str(tmp_path)], env={"PORTAL_LOCALE": "en"})
    assert result.exit_code == 2
    assert f"{tmp_path / 'switches.json'} not found" in " ".join(result.output.split())
    (tmp_path / "switches.json").write_text('{"format": 9}', encoding="utf-8")
    result = runner.invoke(app, ["--compare", str(tmp_path)], env={"PORTAL_LOCALE": "en"})
    assert result.exit_code == 2
    assert "not a drift recording" in result.output
    result = runner.invoke(
        app,
        ["--compare", str(tmp_path), "--record", str(tmp_path / "x")],
        env={"PORTAL_LOCALE": "en"},
    )
    assert result.exit_code == 2
    assert "--record" in result.output and "--compare" in result.output  # fr or en


def test_a_date_input_changed_takes_the_unseen_ones_along() -> None:
    # The default simulator's look with an Intl birth date: a site formats every date input
    # alike, so the suggested simulator must too (it refuses to mix the two formatters).
    seen = {
        **load_recording(RECORDINGS / "default").switches,
        "date_style.birth_date": "lwr-medium",
    }
    profile, extra = matching_simulator(seen)
    assert (profile, extra) == (
        "default",
        dict.fromkeys(
            ("date_style.birth_date", "date_style.trip_start", "date_style.trip_end"), "lwr-medium"
        ),
    )
    styles = {name.split(".")[1]: value for name, value in extra.items()}
    assert variant_of(profile, {"date_style": styles}).intl_dates
