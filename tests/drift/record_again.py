"""Record ``tests/drift/recordings/<profile>/`` again from the bundled simulator of each profile.

Run after a deliberate change of the simulator's markup, then read ``git diff`` of the
recordings: it is what a QA engineer comparing with the simulator would see change.

    .venv/bin/python -m tests.drift.record_again [PROFILE …]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from automation.diagnostics.drift import record_portal, save_recording
from automation.runtime.browser import open_browser
from automation.runtime.settings import Locale, Settings
from fixtures.portal.options import SimOptions
from fixtures.portal.run import start_in_thread
from fixtures.portal.variants import PROFILES

RECORDINGS = Path(__file__).parent / "recordings"


def main(profiles: list[str]) -> int:
    """Record each of ``profiles`` (all by default); 1 when a walk failed."""
    failed = 0
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        settings = Settings(
            _env_file=None, locale=Locale.FR, storage_state=Path(scratch) / "state.json"
        )
        browser = open_browser(playwright, settings)
        try:
            for profile in profiles or list(PROFILES):
                options = SimOptions(profile=profile)
                with start_in_thread(options) as simulator:
                    recording, report = record_portal(
                        browser, settings, simulator.url + options.variant.site_prefix
                    )
                if not report.ok:
                    print(f"{profile}: the probe failed, not recorded: {report.failures}")
                    failed = 1
                    continue
                written = save_recording(recording, RECORDINGS / profile)
                print(f"{profile}: {len(written)} files in {RECORDINGS / profile}")
        finally:
            browser.close()
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
