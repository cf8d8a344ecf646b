"""The catalogue holds several texts per key (dates: tests/automation/test_portal_dates.py)."""

from __future__ import annotations

from automation.labels import ENGLISH, FRENCH


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
