"""Language detection of short items: Polish with and without diacritics, Ukrainian, English."""

import pytest

from pipeline.nlp.language import detect_language, text_evidence, word_evidence
from pipeline.nlp.text import WORD


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brakuje mieszkań na Woli.", "pl"),
        ("brak opieki nad dziecmi -> mamy nie moga isc do pracy", "pl"),
        ("PUP/UP - mala wiedza o rejestracji osob z UA", "pl"),
        ("UD Wola + UNHCR", "pl"),
        ("Біженки мало знають про місцеві будинки культури.", "uk"),
        ("Urząd Dzielnicy Ursus - рішення щодо класу до 15.07", "uk"),
        ("The district office should hire interpreters.", "en"),
        ("In Praga-Południe, the Grochów community centre hosts weekly dinners.", "en"),
        ("IOM - free legal consultations", "en"),
        ("Нужно больше мест в общежитиях, объявления только на польском.", "ru"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_text_without_letters_is_polish():
    assert detect_language("15.06 — 17:00") == "pl"


def test_text_evidence_is_the_sum_of_its_words():
    text = "Brak miejsc w przedszkolach — Schools need places, школи теж"
    total = text_evidence(text)
    words = [word_evidence(word) for word in WORD.findall(text)]
    assert total == tuple(sum(column) for column in zip(*words, strict=True))
    assert text_evidence("— ! —") is None
