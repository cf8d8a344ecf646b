"""The client form's fields, shared by the form and by « Démarrer » (which validates them).

The portal checks the client form only when the opportunity is created, on the questionnaire:
both screens must read the same fields' errors, so the mapping lives apart from either page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Page

from automation.labels import Labels
from automation.lightning import Checkbox, Combobox, DateInput, LightningField, TextInput
from automation.portal_dates import day_patterns

__all__ = ["ClientDetails", "client_fields"]


@dataclass(frozen=True)
class ClientDetails:
    """What the form holds about the client; None leaves the portal's (prefilled) value."""

    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    province: str | None = None  # two-letter code
    postal_code: str | None = None
    language: str | None = None  # fr | en


def client_fields(page: Page, labels: Labels) -> dict[str, LightningField]:
    """Every field of the client form, by name: the mapping a form is filled from."""
    return {
        "first_name": TextInput(page, labels.first_name, key="first_name"),
        "last_name": TextInput(page, labels.last_name, key="last_name"),
        # Checked by the day it shows, in any of the locale's styles (Aura or Intl medium).
        "birth_date": DateInput(
            page, labels.birth_date, key="birth_date", shown=day_patterns(labels.locale)
        ),
        "email": TextInput(page, labels.email, key="email"),
        "phone": TextInput(page, labels.phone, key="phone"),
        "street": TextInput(page, labels.street, key="street"),
        "city": TextInput(page, labels.city, key="city"),
        "province": Combobox(page, labels.province, key="province"),
        "postal_code": TextInput(page, labels.postal_code, key="postal_code"),
        "language": Combobox(page, labels.language, key="language"),
        "privacy_consent": Checkbox(page, labels.privacy_consent, key="privacy_consent"),
        "dsr_disclosure": Checkbox(page, labels.dsr_disclosure, key="dsr_disclosure"),
    }
