"""The Voyage step as ``prolong probe --deep`` checks it: every field, by its catalogue label.

The Voyage step only exists once « Démarrer » has created an opportunity, so the plain probe
never sees it. ``VoyageScreen`` lists what the walk relies on there (the Path, « Marquer l'étape
comme terminée », the section and each field of ``OpportunityPage.trip_form``), each named by
its catalogue key and expected label, as the client form's fields are.

Two fields (the days the other insurer covers and its type) show only after « Oui » to the
question about another insurer: ``reveal()`` gives that answer (what the procedure always
answers), and ``revealed_points()`` lists them.
"""

from __future__ import annotations

from playwright.sync_api import Locator

from automation.lightning import TextInput
from automation.pages import OpportunityPage, ProbePoint

__all__ = ["REVEALED", "VoyageScreen"]

#: The fields shown only after « Oui » to ``q_other_insurer``.
REVEALED = ("other_insurer_days", "other_insurer_type")


class VoyageScreen(OpportunityPage):
    """The opportunity at its Voyage step, for the deep probe."""

    step = "Voyage step"

    def _point(self, key: str, locator: Locator, *, optional: bool = False) -> ProbePoint:
        return ProbePoint(f"{key} « {self.labels.texts(key)[0]} »", locator, optional=optional)

    def probe_points(self) -> list[ProbePoint]:
        """The Path, its « mark complete » button, the section and every field but the two
        that « Oui » reveals."""
        labels, form = self.labels, self.trip_form
        points = [
            ProbePoint(
                f"path_options « {labels.path_options} » (or a stage listbox)", self.path.listbox
            ),
            ProbePoint(
                f"mark_stage_complete {labels.shown('mark_stage_complete')}",
                self.path.mark_complete_button,
            ),
            self._point("trip_section", self.trip_section),
            self._point("trip_days", TextInput(self.page, labels.trip_days).control),
        ]
        for key, field in form.by_name().items():
            if key in REVEALED:
                continue
            points.append(ProbePoint(f"{field.key} « {field.label} »", field.control))
        return points

    def revealed_points(self) -> list[ProbePoint]:
        """The fields « Oui » to the other-insurer question shows."""
        fields = self.trip_form.by_name()
        return [
            ProbePoint(f"{fields[key].key} « {fields[key].label} »", fields[key].control)
            for key in REVEALED
        ]

    def can_reveal(self) -> bool:
        """Whether the other-insurer question is there to answer."""
        return self.trip_form.other_insurer.control.count() == 1

    def reveal(self) -> None:
        """Answer « Oui » to the other-insurer question (nothing is saved by it)."""
        self.trip_form.other_insurer.choose(self.labels.yes)
