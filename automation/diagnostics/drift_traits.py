"""What each simulator switch looks like on a portal, read from the screens the probe walks.

The simulator imitates a real org's differences with switches (``fixtures/portal/API.md``:
date style per field, toast markup, header case, site prefix, search-box markup, sign-in
wording and form, login URL, Path naming, narrow windows, the account's action language). A
drift recording keeps, beside each screen's snapshot, what the portal showed for each of them
here, in the switches' own names and values, so ``prolong probe --compare`` can say which
simulator options would match it. What a walk that creates nothing cannot see (a toast, an
expired session's notice, the Voyage step's dates) is listed as not seen, never guessed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page

from automation.labels import Labels
from automation.pages import AccountPage, PortalPage, SearchResultsPage
from automation.portal_dates import LANGUAGES, Source, Style, read

__all__ = ["NOT_SEEN_WITHOUT_A_SALE", "DateStyle", "date_style", "observe_screen"]

DateStyle = str
#: Switches no walk that stops before the sale can show.
NOT_SEEN_WITHOUT_A_SALE = ("toast", "toast_ms", "session_notice")
# The org's short style is ISO in fr-CA and en-CA; plain fr and en write theirs otherwise.
_ORG_LOCALES = ("fr_CA", "en_CA")
_HEADER = re.compile(r'- columnheader "([^"]+)"')


def date_style(text: str) -> DateStyle | None:
    """The simulator's name for the style ``text`` shows a date in (None: no date or another
    style): short, Aura's medium (``MMM d, yyyy``: « janv. 1, 1950 ») or Intl's medium
    (« 1 janv. 1950 »; in English Intl's medium and Aura's look the same: read as Aura's)."""
    for language in LANGUAGES:
        shown = read(text, language)
        if shown is None:
            continue
        if shown.style is Style.SHORT and shown.locale in _ORG_LOCALES:
            return "short"
        if shown.style is Style.MEDIUM:
            return "medium" if shown.source is Source.AURA else "lwr-medium"
        return None
    return None


def _site_prefix(url: str) -> str:
    path = urlsplit(url).path
    return path.split("/s/", 1)[0].rstrip("/") if "/s/" in path else ""


def _sign_in(page: Page, labels: Labels) -> dict[str, object]:
    seen: dict[str, object] = {}
    url = page.url
    seen["login_url"] = "salesforce" if "ec=302" in url and "/s/login/" in url else "sim"
    textboxes = page.get_by_role("textbox")
    placeholders = [
        textboxes.nth(i).get_attribute("placeholder") or "" for i in range(textboxes.count())
    ]
    seen["sign_in_form"] = "placeholder" if any(placeholders) else "labelled"
    if labels.locale.value == "en":
        if page.get_by_role("button", name="Log in", exact=True).count():
            seen["sign_in_case"] = "sentence"
        elif page.get_by_role("button", name="Log In", exact=True).count():
            seen["sign_in_case"] = "title"
    return seen


def _home(page: Page) -> dict[str, object]:
    return {
        "site_prefix": _site_prefix(page.url),
        "search": "searchbox" if page.get_by_role("searchbox").count() else "combobox",
    }


def _search_results(screen: SearchResultsPage, snapshot: str) -> dict[str, object]:
    seen: dict[str, object] = {}
    headers = _HEADER.findall(snapshot)
    cased = [h for h in headers if any(ch.isalpha() for ch in h)]
    if cased:
        seen["header_case"] = "markup" if all(h == h.upper() for h in cased) else "css"
    grid = screen.accounts
    if grid.grid.count():
        for row in grid.rows():
            style = date_style(row.get(screen.labels.col_birth_date, ""))
            if style is not None:
                seen["date_style.tables"] = style
                break
    return seen


def _account(screen: AccountPage) -> dict[str, object]:
    labels, page = screen.labels, screen.page
    seen: dict[str, object] = {}
    own = page.get_by_role("button", name=labels.new_opportunity, exact=True)
    visible_own = own.filter(visible=True).count() > 0
    if labels.locale.value == "fr":
        english = page.get_by_role("button", name="New Opportunity", exact=True)
        if english.filter(visible=True).count():
            seen["action_labels"] = "english"
        elif visible_own:
            seen["action_labels"] = "site"
    shown = screen.new_opportunity_button.filter(visible=True).count() > 0
    seen["narrow"] = not shown and screen.more_actions.filter(visible=True).count() > 0
    return seen


def _client_form(page: Page, labels: Labels) -> dict[str, object]:
    box = page.get_by_role("main").get_by_label(labels.any_of("birth_date"))
    if box.count() != 1:
        return {}
    style = date_style(box.input_value())
    if style is None or (style == "medium" and labels.locale.value == "en"):
        # In English Aura's medium and Intl's en-CA medium are one text (« Jan 1, 1950 »).
        return {}
    return {"date_style.birth_date": style}


def _voyage(page: Page, labels: Labels, snapshot: str) -> dict[str, object]:
    standard = re.search(rf'- listbox "{re.escape(labels.path_options)}"', snapshot)
    return {"path_labels": "standard" if standard else "stage"}


def observe_screen(screen: PortalPage, snapshot: str) -> dict[str, object]:
    """The switches ``screen`` (settled, as the probe leaves it) shows, as {switch: value};
    ``date_style.FIELD`` for one field's date style."""
    page, labels = screen.page, screen.labels
    if screen.step == "sign-in":
        return _sign_in(page, labels)
    if screen.step == "home":
        return _home(page)
    if isinstance(screen, SearchResultsPage):
        return _search_results(screen, snapshot)
    if isinstance(screen, AccountPage):
        return _account(screen)
    if screen.step == "client form":
        return _client_form(page, labels)
    if screen.step == "Voyage step":
        return _voyage(page, labels, snapshot)
    return {}
