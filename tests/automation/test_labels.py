"""The catalogue reads dates in every style a portal shows and holds several texts per key."""

from __future__ import annotations

from datetime import date

import pytest

from automation.labels import ENGLISH, FRENCH, Labels

DAY = date(1950, 1, 1)


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        (FRENCH, "1950-01-01"),  # short (the seed's Voyage step, the tables)
        (FRENCH, "janv. 1, 1950"),  # Aura's medium (the seed's client form)
        (FRENCH, "1 janv. 1950"),  # Intl's medium (LWR)
        (FRENCH, "JANV 1 1950"),
        (ENGLISH, "Jan 1, 1950"),
        (ENGLISH, "1 Jan 1950"),
    ],
)
def test_a_date_is_read_in_any_style_of_its_locale(labels: Labels, shown: str) -> None:
    assert labels.parse_date(shown) == DAY
    assert labels.shows_date(shown, DAY)
    assert labels.date_pattern(DAY).search(shown)


def test_another_day_or_no_date_is_not_taken_for_it() -> None:
    assert not FRENCH.shows_date("janv. 10, 1950", DAY)
    assert not FRENCH.shows_date("11 janv. 1950", DAY)
    assert FRENCH.parse_date("Jean Bonjour") is None
    assert FRENCH.parse_date("1950-02-30") is None
    row = "Jean Bonjour 11 janv. 1950 (514) 467-3193"
    assert not FRENCH.date_pattern(DAY, whole=False).search(row)
    assert FRENCH.date_pattern(DAY, whole=False).search("Jean Bonjour 1 janv. 1950 (514)")


def test_a_key_may_have_alternative_texts() -> None:
    sign_in = ENGLISH.any_of("sign_in")
    assert sign_in.match("Log In") and sign_in.match("Log in") and not sign_in.match("Log")
    assert FRENCH.any_of("new_opportunity").match("New Opportunity")
    assert FRENCH.texts("mark_stage_complete") == (
        "Marquer l'étape comme terminée",
        "Marquer le statut comme terminé",
    )
    assert FRENCH.shown("sign_in") == "« Se connecter » (sign_in)"
    # A label renamed by an org stays the first text; the alternatives remain.
    renamed = FRENCH.with_overrides(mark_stage_complete="Terminer l'étape")
    assert renamed.texts("mark_stage_complete")[0] == "Terminer l'étape"
