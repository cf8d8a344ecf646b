"""The request in the portal's words (flows/visit.py): what the walk is told to tick."""

from __future__ import annotations

import pytest

from automation.labels import labels_for
from flows.request import parse_extension_request
from flows.visit import visit_for
from tests.flows.test_extension_e2e import JEAN


@pytest.mark.parametrize(
    ("province", "postal_code", "ticked"),
    [("QC", "H3A 2Y1", True), ("ON", "M5V 2T6", False), ("YT", "Y1A 1A1", False)],
)
def test_the_quebec_consent_is_ticked_for_quebec_clients_only(
    province: str, postal_code: str, ticked: bool
) -> None:
    # Found by the generated walks: a file answering « oui » for every row, Ontario included.
    request = parse_extension_request(
        {**JEAN, "province": province, "postal_code": postal_code, "privacy_consent": "oui"}
    )
    assert visit_for(request, labels_for("fr")).privacy_consent is ticked
