"""Drift recordings: what a portal's screens look like, saved, and compared with another portal.

``prolong probe --record DIR`` walks the probe's screens (``automation.diagnostics.probe``) and
keeps, for each, Playwright's aria snapshot with every personal value masked
(``automation.diagnostics.drift_mask``), plus what each simulator switch looks like there
(``automation.diagnostics.drift_traits``). The folder holds small text files a QA engineer can
attach to a ticket::

    DIR/switches.json           locale, the switches seen ({"header_case": "css", …}), not seen
    DIR/screens/01-sign-in.yaml one masked aria snapshot per screen, in walking order
    …

``prolong probe --compare DIR`` walks the same screens on another portal and compares: each
screen's snapshot line by line, and each switch. The same portal recorded twice compares equal:
ids, dates, generated names and the number of records are masked.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser

from automation.diagnostics.drift_mask import PersonalValues, mask_snapshot
from automation.diagnostics.drift_traits import NOT_SEEN_WITHOUT_A_SALE, observe_screen
from automation.diagnostics.probe import ProbeReport, probe_portal
from automation.labels import labels_for
from automation.pages import PortalPage
from automation.runtime.settings import Settings

__all__ = [
    "Drift",
    "Recording",
    "RecordingError",
    "compare_recordings",
    "load_recording",
    "record_portal",
    "save_recording",
]

_FORMAT = 1
#: Every switch a recording may describe (``date_style.FIELD`` per date field).
SWITCHES_SEEN = (
    "login_url",
    "sign_in_form",
    "sign_in_case",
    "site_prefix",
    "search",
    "header_case",
    "date_style.tables",
    "action_labels",
    "narrow",
    "date_style.birth_date",
    "path_labels",
    "date_style.trip_start",
    "date_style.trip_end",
    *NOT_SEEN_WITHOUT_A_SALE,
)


class RecordingError(ValueError):
    """A folder that is not a readable drift recording; the message names the file."""


@dataclass
class Recording:
    """One portal's screens (masked snapshots, in walking order) and the switches seen."""

    locale: str
    screens: dict[str, str] = field(default_factory=dict)
    switches: dict[str, object] = field(default_factory=dict)
    deep: bool = False

    @property
    def not_seen(self) -> list[str]:
        """The switches this recording could not observe."""
        return [name for name in SWITCHES_SEEN if name not in self.switches]


@dataclass
class Drift:
    """How a portal differs from a recording: per screen, then per switch."""

    screens: dict[str, list[str]] = field(default_factory=dict)  # screen → diff lines
    switches: dict[str, tuple[object, object]] = field(default_factory=dict)  # recorded, now

    @property
    def equal(self) -> bool:
        """Nothing differs."""
        return not self.screens and not self.switches


def record_portal(
    browser: Browser, settings: Settings, base_url: str, *, deep: bool = False
) -> tuple[Recording, ProbeReport]:
    """Walk the probe's screens of ``base_url`` (``deep``: to the Voyage step) and record
    each; return the recording and the probe's report of the same walk."""
    labels = labels_for(settings.locale)
    personal = PersonalValues.of_client(
        settings.test_client_first_name,
        settings.test_client_last_name,
        settings.test_client_birth_date,
        settings.test_client_phone,
        settings.test_client_postal_code,
        labels,
    )
    recording = Recording(locale=settings.locale.value, deep=deep)

    def observe(screen: str, page_object: PortalPage) -> None:
        raw = page_object.page.locator("body").aria_snapshot()
        recording.screens[screen] = mask_snapshot(raw, labels, personal)
        for name, value in observe_screen(page_object, raw).items():
            recording.switches.setdefault(name, value)

    report = probe_portal(browser, settings, base_url, deep=deep, observe=observe)
    return recording, report


def _file_name(index: int, screen: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", screen.casefold()).strip("-")
    return f"{index:02d}-{slug}.yaml"


def save_recording(recording: Recording, folder: Path) -> list[Path]:
    """Write ``recording`` into ``folder`` (created; earlier screens there are replaced)."""
    screens = folder / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    for old in screens.glob("*.yaml"):
        old.unlink()
    written = []
    index: list[dict[str, str]] = []
    for number, (screen, snapshot) in enumerate(recording.screens.items(), start=1):
        path = screens / _file_name(number, screen)
        path.write_text(f"# screen: {screen}\n{snapshot}", encoding="utf-8")
        index.append({"screen": screen, "file": f"screens/{path.name}"})
        written.append(path)
    summary = {
        "format": _FORMAT,
        "locale": recording.locale,
        "deep": recording.deep,
        "switches": dict(sorted(recording.switches.items())),
        "not_seen": recording.not_seen,
        "screens": index,
    }
    switches = folder / "switches.json"
    switches.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [switches, *written]


def load_recording(folder: Path) -> Recording:
    """Read a recording written by ``save_recording``."""
    summary_path = folder / "switches.json"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordingError(
            f"{summary_path} not found: give a folder written by prolong probe --record"
        ) from None
    except json.JSONDecodeError as bad:
        raise RecordingError(f"{summary_path}: not JSON ({bad.msg})") from None
    if not isinstance(summary, dict) or summary.get("format") != _FORMAT:
        raise RecordingError(f"{summary_path}: not a drift recording of format {_FORMAT}")
    recording = Recording(
        locale=str(summary["locale"]),
        deep=bool(summary.get("deep")),
        switches=dict(summary.get("switches", {})),
    )
    for entry in summary.get("screens", []):
        path = folder / entry["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RecordingError(f"{path} not found (listed in {summary_path})") from None
        recording.screens[entry["screen"]] = (
            text.split("\n", 1)[1] if text.startswith("# screen:") else text
        )
    return recording


def compare_recordings(recorded: Recording, current: Recording) -> Drift:
    """How ``current`` differs from ``recorded``: a unified diff per screen, and each switch
    both saw with different values (a switch only one of them saw is not a difference)."""
    drift = Drift()
    for screen in [*recorded.screens, *(s for s in current.screens if s not in recorded.screens)]:
        before = recorded.screens.get(screen)
        after = current.screens.get(screen)
        if before == after:
            continue
        if after is None:
            drift.screens[screen] = ["not reached on this portal"]
        elif before is None:
            drift.screens[screen] = ["not in the recording"]
        else:
            drift.screens[screen] = [
                line.rstrip("\n")
                for line in difflib.unified_diff(
                    before.splitlines(), after.splitlines(), "recorded", "now", lineterm="", n=1
                )
            ]
    for name in SWITCHES_SEEN:
        both = name in recorded.switches and name in current.switches
        if both and recorded.switches[name] != current.switches[name]:
            drift.switches[name] = (recorded.switches[name], current.switches[name])
    return drift
