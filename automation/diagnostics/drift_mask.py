"""Masking an aria snapshot so it holds no personal value and reads the same twice.

A drift recording (``automation.diagnostics.drift``) keeps, screen by screen, Playwright's aria
snapshot (``locator.aria_snapshot()``, YAML of roles, names and values). Before it is written, each
line goes through ``mask_snapshot``:

- **names a screen's structure is made of are kept**: buttons, column headers, field labels,
  tabs, regions, options, radios: they are the portal's labels, what drift is about;
- **what a record or a person holds is masked**: the values of fields, the texts of cells,
  rows, links, headings and free text become ``<date>``, ``<phone>``, ``<postal-code>``,
  ``<email>``, ``<contract>``, ``<amount>``, ``<number>`` or ``<text>``, unless the text is one
  of the label catalogue's (a stage, a province, « Oui »);
- **every known personal value** (the test client's names, birth date in every style, phone,
  postal code) is masked wherever it shows, in kept names too, and so are dates, phone numbers,
  postal codes, e-mail addresses and contract numbers anywhere;
- **links** keep the shape of their URL (``/s/account/<id>``), not its ids or query;
- **repeated rows** (a list of opportunities, of search results) are kept once: how many
  records a client has is data, not drift; a text that only repeats the name of the control
  beside it (a field's visible label) is dropped: the shadow mode decides whether it shows.

So the same portal twice gives the same text, and a recording can be attached to a ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from automation.labels import Labels
from automation.portal_dates import LANGUAGES, any_date, forms

__all__ = ["PersonalValues", "catalogue_texts", "mask_snapshot", "mask_text"]

# Roles whose name is a label of the portal (kept); their value, if any, is data (masked).
_LABEL_ROLES = frozenset(
    {
        "button",
        "columnheader",
        "textbox",
        "combobox",
        "searchbox",
        "spinbutton",
        "checkbox",
        "radio",
        "radiogroup",
        "switch",
        "tab",
        "tablist",
        "navigation",
        "region",
        "listbox",
        "option",
        "menuitem",
        "menu",
        "menubar",
        "group",
        "dialog",
        "alertdialog",
        "alert",
        "status",
        "banner",
        "main",
        "search",
        "form",
        "img",
        "progressbar",
        "separator",
        "table",
        "grid",
        "list",
        "contentinfo",
        "complementary",
        "toolbar",
        "tabpanel",
        "treegrid",
    }
)
_LINE = re.compile(
    r'^(?P<indent>\s*)- (?P<role>[a-z/]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?'
    r"(?P<attrs>(?: \[[^\]]*\])*)(?P<colon>:)?(?: (?P<value>.*))?$"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("<email>", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("<contract>", re.compile(r"\b(?:AA\d{8}|LH\d{3,})\b")),
    ("<date>", re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b")),
    ("<date>", re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")),
    # Every named style, Aura's and Intl's, from CLDR (« janv. 1, 1950 », « 31 juill. 2027 »)
    ("<date>", any_date()),
    ("<phone>", re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b")),
    ("<postal-code>", re.compile(r"\b[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d\b")),
    ("<amount>", re.compile(r"(?:\$\s?)?\d[\d\s\u202f\xa0.,]*\d?\s?\$|\$\s?\d[\d.,]*")),
    ("<number>", re.compile(r"\b\d+(?:[.,]\d+)?\b")),
)
_PLACEHOLDER = re.compile(r"<[a-z-]+>")


@dataclass(frozen=True)
class PersonalValues:
    """The personal values a walk may show: masked wherever they appear."""

    texts: tuple[str, ...] = ()

    @classmethod
    def of_client(
        cls,
        first_name: str,
        last_name: str,
        birth_date: date,
        phone: str,
        postal_code: str,
        labels: Labels,
    ) -> PersonalValues:
        """The test client's values, the birth date in every style the portal may show."""
        digits = re.sub(r"\D", "", phone)
        values = [
            f"{first_name} {last_name}",
            f"{last_name}, {first_name}",
            first_name,
            last_name,
            phone,
            digits,
            postal_code,
            postal_code.replace(" ", ""),
            *(text for language in LANGUAGES for text in forms(birth_date, language)),
        ]
        # Longest first: the full name goes before its parts.
        return cls(tuple(sorted({v for v in values if len(v) > 1}, key=len, reverse=True)))

    def mask(self, text: str) -> str:
        """``text`` with each of these values (any case) replaced by ``<personal>``."""
        for value in self.texts:
            text = re.sub(re.escape(value), "<personal>", text, flags=re.IGNORECASE)
        return text


def catalogue_texts(labels: Labels) -> frozenset[str]:
    """Every text of the label catalogue (alternatives, option tables and tabs included):
    what a cell or a heading may show without being data."""
    texts: set[str] = set()
    for name, value in vars(labels).items():
        if name == "locale":
            continue
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, tuple):
            texts.update(value)
        elif isinstance(value, dict):
            for item in value.values():
                texts.update(item if isinstance(item, tuple) else (item,))
    return frozenset(text.strip() for text in texts if text.strip())


def mask_text(text: str, known: frozenset[str]) -> str:
    """A data text: kept when it is a catalogue text, else each personal pattern masked, and
    ``<text>`` when words remain (a name, an opportunity's name)."""
    stripped = text.strip()
    if not stripped or stripped in known:
        return text
    masked = _patterns(stripped)
    rest = _PLACEHOLDER.sub("", masked)
    if re.search(r"[^\W\d_]", rest) and rest.strip() not in known:
        return "<text>"
    return masked


def _patterns(text: str) -> str:
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def _mask_url(url: str, personal: PersonalValues) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    scheme_host = re.match(r"^[a-z]+://[^/]+", path)
    if scheme_host:  # another site's address: the host only
        return f"{scheme_host.group(0)}/<path>"
    # A route's words (s, account, recordlist, Account, Default) are kept; ids, encoded
    # search terms and anything personal are not.
    segments = [
        segment
        if not segment
        or (re.fullmatch(r"[A-Za-z][A-Za-z-]*", segment) and "<" not in personal.mask(segment))
        else "<id>"
        for segment in path.split("/")
    ]
    return "/".join(segments) + ("?<query>" if "?" in url else "")


def _mask_line(line: str, known: frozenset[str], personal: PersonalValues) -> str:
    found = _LINE.match(line)
    if found is None:
        return personal.mask(_patterns(line))
    indent, role = found["indent"], found["role"]
    name, value = found["name"], found["value"]
    attrs = found["attrs"] or ""
    if role == "/url" and value is not None:
        return f"{indent}- /url: {_mask_url(value, personal)}"
    if role in {"/placeholder"} and value is not None:
        return f"{indent}- {role}: {personal.mask(_patterns(value))}"
    out = f"{indent}- {role}"
    if name is not None:
        if role == "row":
            kept = "<row>"
        elif role in _LABEL_ROLES:
            kept = personal.mask(_patterns(name)) if name.strip() not in known else name
        else:
            kept = personal.mask(mask_text(name, known))
        out += f' "{kept}"'
    # An attribute can hold a generated value (aria-level is kept, a ref is not).
    out += re.sub(r" \[ref=[^\]]*\]", "", attrs)
    if found["colon"]:
        out += ":"
        if value:
            out += " " + personal.mask(mask_text(value.strip('"'), known))
    return out


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip())


def _name(line: str) -> str | None:
    found = _LINE.match(line)
    return found["name"] if found else None


def _drop_label_texts(lines: list[str]) -> list[str]:
    """Drop a text that only repeats the name of the control beside it or around it (a
    field's visible label, a header's own text): whether the tree shows it depends on the
    shadow mode (synthetic or native), not on the portal."""
    kept = []
    for index, line in enumerate(lines):
        found = _LINE.match(line)
        if found is None or found["role"] != "text" or not found["value"]:
            kept.append(line)
            continue
        text, depth = found["value"].strip('"'), _depth(line)
        near = [
            lines[i]
            for i in (index - 1, index + 1)
            if 0 <= i < len(lines) and _depth(lines[i]) == depth
        ]
        parent = next(
            (lines[i] for i in range(index - 1, -1, -1) if _depth(lines[i]) < depth), None
        )
        if any(_name(other) == text for other in near) or (
            parent is not None and _name(parent) == text
        ):
            continue
        kept.append(line)
    return kept


def _drop_repeats(lines: list[str]) -> list[str]:
    """Keep one of each run of identical sibling blocks (rows, list items)."""
    blocks: list[list[str]] = []
    for line in lines:
        depth = len(line) - len(line.lstrip())
        if blocks and len(blocks[-1][0]) - len(blocks[-1][0].lstrip()) < depth:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    out: list[str] = []
    previous: list[str] | None = None
    for block in blocks:
        head, children = block[0], _drop_repeats(block[1:]) if len(block) > 1 else []
        whole = [head, *children]
        if whole != previous:
            out.extend(whole)
        previous = whole
    return out


def mask_snapshot(
    snapshot: str, labels: Labels, personal: PersonalValues, extra_known: Iterable[str] = ()
) -> str:
    """``snapshot`` with every personal value masked and repeated rows kept once."""
    known = catalogue_texts(labels) | frozenset(extra_known)
    raw = _drop_label_texts([line.rstrip() for line in snapshot.splitlines() if line.strip()])
    lines = [_mask_line(line, known, personal) for line in raw]
    return "\n".join(_drop_repeats(lines)) + "\n"
