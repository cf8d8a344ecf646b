"""Page objects: one per portal screen, speaking the user's vocabulary.

They compose the Lightning component objects and take every text from the label catalogue;
they never decide business rules (that is ``flows``).
"""

from automation.pages.account import AccountPage
from automation.pages.base import PortalPage, ProbePoint
from automation.pages.client_fields import ClientDetails
from automation.pages.client_form import ClientFormPage
from automation.pages.home import HomePage
from automation.pages.opportunity import OpportunityPage, TripDetails, TripForm
from automation.pages.residency import ResidencyPage
from automation.pages.search_results import SearchResultsPage
from automation.pages.sign_in import SignInPage

__all__ = [
    "AccountPage",
    "ClientDetails",
    "ClientFormPage",
    "HomePage",
    "OpportunityPage",
    "PortalPage",
    "ProbePoint",
    "ResidencyPage",
    "SearchResultsPage",
    "SignInPage",
    "TripDetails",
    "TripForm",
]
