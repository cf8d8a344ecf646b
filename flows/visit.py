"""A request in the portal's words: the ``Visit`` the walk enters for it.

The walk (``automation.runtime.walk``) knows nothing of requests; this is where a request's codes
become what the portal shows — the destination's name in the portal's language, the trip reason's
label, « Ancien système voyage QC ON », the phone as the portal writes it — and where the search
terms are chosen.
"""

from __future__ import annotations

from automation.labels import Labels
from automation.pages import ClientDetails, TripDetails
from automation.runtime.walk import Residency, Visit
from flows.request import DESTINATIONS, ExtensionRequest, Province

__all__ = ["search_terms", "trip_details", "visit_for"]


def visit_for(request: ExtensionRequest, labels: Labels) -> Visit:
    """What the walk enters for ``request`` on a portal speaking ``labels``."""
    return Visit(
        account_name=f"{request.first_name} {request.last_name}",
        birth_date=request.birth_date,
        search_terms=search_terms(request),
        client=ClientDetails(
            first_name=request.first_name,
            last_name=request.last_name,
            birth_date=request.birth_date,
            email=request.email,
            phone=_display_phone(request.phone),
            province=request.province.value,
            postal_code=request.postal_code,
            language=request.language.value,
        ),
        # Québec's consent: the portal asks it of Québec clients only, and the walk would look
        # for a field that is not there if a file answered it for another province (found by
        # tests/flows/test_generated_walks.py: an Ontario row with privacy_consent « oui »).
        privacy_consent=request.privacy_consent is True and request.province is Province.QC,
        dsr_disclosure=request.dsr_disclosure is True,
        residency=Residency(
            buyer_travelling=request.buyer_travelling,
            all_canadian_residents=request.all_canadian_residents,
            all_provincial_plan=request.all_provincial_plan,
        ),
        trip=trip_details(request, labels),
        trip_days=request.trip_days,
    )


def search_terms(request: ExtensionRequest) -> tuple[str, ...]:
    """Most precise first: a client number is unique, a phone is shared by few, a name by many."""
    terms = (request.client_number, request.phone, f"{request.first_name} {request.last_name}")
    return tuple(term for term in terms if term)


def trip_details(request: ExtensionRequest, labels: Labels) -> TripDetails:
    """The Voyage step's answers in the portal's words for ``request``."""
    names = DESTINATIONS.get(request.destination)
    french, english = (names[0], names[1]) if names else (request.destination,) * 2
    if request.legacy_days is None:  # a validated legacy request always has them
        raise ValueError("a request entered in the portal needs legacy_days")
    return TripDetails(
        destination=french if labels.locale == "fr" else english,
        trip_reason=labels.trip_reasons[request.trip_reason.value],
        trip_start=request.trip_start,
        trip_end=request.trip_end,
        other_insurer_days=request.legacy_days,
        other_insurer_type=labels.legacy_insurance_type,
    )


def _display_phone(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
