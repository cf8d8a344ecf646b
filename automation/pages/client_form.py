"""« Renseignements personnels du client »: the first screen of a new opportunity (step 4)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from playwright.sync_api import Locator

from automation.lightning import Checkbox, Combobox, DateInput, LightningField, TextInput, activate
from automation.pages.base import PortalPage, ProbePoint
from automation.pages.client_fields import ClientDetails, client_fields
from automation.pages.residency import ResidencyPage

__all__ = ["ClientDetails", "ClientFormPage"]


class ClientFormPage(PortalPage):
    """The client form, prefilled from the account, with the Québec consents."""

    step = "client form"

    @property
    def marker(self) -> Locator:
        """The form's section heading."""
        return self.section

    @property
    def section(self) -> Locator:
        """The form's section heading."""
        return self.page.get_by_role("heading", name=self.labels.client_section)

    def fields(self) -> dict[str, LightningField]:
        """Every field of the form, by name: the mapping a form is filled from."""
        return client_fields(self.page, self.labels)

    @property
    def next_button(self) -> Locator:
        """« Suivant »."""
        return self.page.get_by_role("button", name=self.labels.next, exact=True)

    def probe_points(self) -> list[ProbePoint]:
        """The section, every field (the consents are asked only in some cases) and « Suivant »."""
        optional = {"privacy_consent", "dsr_disclosure"}
        return [
            ProbePoint(f"section « {self.labels.client_section} »", self.section),
            *(
                ProbePoint(f"{name} « {field.label} »", field.control, optional=name in optional)
                for name, field in self.fields().items()
            ),
            ProbePoint(f"next button « {self.labels.next} »", self.next_button),
        ]

    @property
    def privacy_consent(self) -> Checkbox:
        """The Québec-only consent to personal information use."""
        return Checkbox(self.page, self.labels.privacy_consent, key="privacy_consent")

    @property
    def dsr_disclosure(self) -> Checkbox:
        """The DSR disclosure (Distribution sans représentant), for travel agents."""
        return Checkbox(self.page, self.labels.dsr_disclosure, key="dsr_disclosure")

    def fill(self, client: ClientDetails) -> None:
        """Type the given values over the prefilled ones (None = keep the portal's)."""
        fields = self.fields()
        values: Mapping[str, object] = {
            name: value for name, value in vars(client).items() if value is not None
        }
        for name, value in values.items():
            field = fields[name]
            if isinstance(field, DateInput) and isinstance(value, date):
                field.fill(value)
            elif isinstance(field, Combobox):
                field.select(self._option_text(name, str(value)))
            elif isinstance(field, TextInput) and field.value() != str(value):
                field.fill(str(value))

    def _option_text(self, name: str, code: str) -> str:
        table = self.labels.provinces if name == "province" else self.labels.languages
        return table[code.upper() if name == "province" else code]

    def consent_is_asked(self) -> bool:
        """Whether the portal asks for the Québec privacy consent on this client."""
        return self.privacy_consent.control.is_visible()

    def give_consents(self, *, privacy: bool, dsr: bool) -> None:
        """Tick the consents the client gave; never one they did not give."""
        if privacy:
            self.privacy_consent.set(True)
        if dsr and self.dsr_disclosure.control.is_visible():
            self.dsr_disclosure.set(True)

    def next(self) -> ResidencyPage:
        """« Suivant »: return the resident questionnaire; raise ``FormRejected`` with every
        field error if the portal refuses."""
        residency = ResidencyPage(self.page, self.labels)
        activate(self.next_button)
        self.submitted(residency.marker, self.fields())
        return residency.loaded()
