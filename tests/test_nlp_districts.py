"""Districts: inflected forms, adjectives, no diacritics, Ukrainian, English, false hits."""

import pytest
import spacy

from pipeline.nlp.districts import DistrictDetector, find_districts


def codes(text: str) -> list[str]:
    return [mention.code for mention in find_districts(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brakuje mieszkań na Woli.", ["wola"]),
        ("UD Wola + UNHCR -> wspólna baza", ["wola"]),
        ("Wola: brak tłumaczy w OPS", ["wola"]),
        ("na Pradze Poludnie i na Żoliborzu", ["praga_poludnie", "zoliborz"]),
        ("Pradze Płd. brakuje lokali", ["praga_poludnie"]),
        ("Bialoleka i Wawer - daleko do pracy", ["bialoleka", "wawer"]),
        ("mokotowski OPS i bielańskiego urzędu", ["mokotow", "bielany"]),
        ("we Włochach i w Ursusie", ["wlochy", "ursus"]),
        ("Urząd Dzielnicy Włochy", ["wlochy"]),
        ("OPS Włochy", ["wlochy"]),
        ("Bemowo, Włochy i Ursus", ["bemowo", "wlochy", "ursus"]),
        ("na Ochocie", ["ochota"]),
        ("na Wesołej", ["wesola"]),
        ("Wilanów Pomaga zbiera dary", ["wilanow"]),
        ("wzorem Mokotowa", ["mokotow"]),
        ("Centrum Wielokulturowe на Празі-Північ", ["praga_polnoc"]),
        ("Люди живуть на Білоленці, у Бемово чи на Таргувку.", ["bialoleka", "bemowo", "targowek"]),
        ("Воля", ["wola"]),
        ("Мокотів і Урсус", ["mokotow", "ursus"]),
        ("Praga-Poludnie and Ursynow need more places", ["praga_poludnie", "ursynow"]),
    ],
)
def test_districts_found(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ludzie dobrej woli pomagają",
        "Wola współpracy jest duża",
        "wola współpracy po obu stronach",
        "Praga",
        "wyjazd do Pragi czeskiej",
        "rodzina wyjechała do Włoch",
        "część osób wróciła z Włoch",
        "Włochy i Hiszpania przyjmują mniej osób",
        "pomagamy z ochotą",
        "Z ochotą pomagamy",
        "bardzo wesoła atmosfera",
        "Grochów, Jelonki, Anin, ul. Targowa",
    ],
)
def test_no_false_hits(text):
    assert codes(text) == []


def test_mentions_give_character_spans():
    text = "targi pracy na Mokotowie"
    [mention] = find_districts(text)
    assert text[mention.start : mention.end] == "Mokotowie"


@pytest.mark.parametrize(
    "text",
    [
        "z dobrej woli i z ochota, jak we Wloszech",
        "Praga to stolica Czech",
        "brak tlumaczy w szkolach",
        "Ludzie mieszkaja na Woli i na Pradze Pln",
    ],
)
def test_the_component_finds_what_find_districts_finds(text):
    doc = spacy.blank("pl")(text)
    doc = DistrictDetector(None, "district_detector")(doc)
    assert doc._.districts == sorted(set(codes(text)))
    assert doc._.district_mentions == find_districts(text)
