"""Lexicon cues of kinds and themes, and the kind a heading suggests."""

import pytest

from pipeline.nlp.cues import find_cues, kind_of_heading
from pipeline.nlp.lemmas import lemma_pipeline


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("PROBLEMY", "problem"),
        ("Dobre praktyki", "good_practice"),
        ("Partnerstwa / ustalenia", "partnership"),
        ("NASTEPNE KROKI", "task"),
        ("Рекомендації", "recommendation"),
        ("Next steps", "task"),
        ("recommendation", "recommendation"),
        ("Podsumowanie dnia", None),
        (None, None),
    ],
)
def test_kind_of_heading(heading, kind):
    assert kind_of_heading(heading) == kind


def cues(text: str, language: str = "pl") -> dict[str, int]:
    return dict(find_cues(lemma_pipeline(language)(text), language))


def test_polish_cues_match_inflected_and_folded_forms():
    found = cues("brak mieszkan, nalezy zapewnic noclegi")
    assert found["kind:problem"] >= 1
    assert found["kind:recommendation"] >= 2
    assert found["theme:basic_needs"] >= 2


def test_deadline_pattern_is_a_task_cue():
    assert cues("Ola (CWK) - lista pracodawcow do 15.06")["kind:task"] >= 1


def test_ukrainian_and_english_cues():
    assert cues("Потрібно більше психологів для дітей", "uk")["kind:recommendation"] >= 1
    assert cues("Lack of housing for families", "en")["theme:basic_needs"] >= 1
