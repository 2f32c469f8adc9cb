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


# Every district in capitals and without diacritics, in a heading and in a sentence.
_ALL_CAPS = {
    "BEMOWO": "bemowo",
    "BIAŁOŁĘKA": "bialoleka",
    "BIALOLEKA": "bialoleka",
    "BIELANY": "bielany",
    "MOKOTÓW": "mokotow",
    "MOKOTOW": "mokotow",
    "OCHOTA": "ochota",
    "PRAGA-POŁUDNIE": "praga_poludnie",
    "PRAGA POLUDNIE": "praga_poludnie",
    "PRAGA-PÓŁNOC": "praga_polnoc",
    "PRAGA POLNOC": "praga_polnoc",
    "REMBERTÓW": "rembertow",
    "REMBERTOW": "rembertow",
    "ŚRÓDMIEŚCIE": "srodmiescie",
    "SRODMIESCIE": "srodmiescie",
    "TARGÓWEK": "targowek",
    "TARGOWEK": "targowek",
    "URSUS": "ursus",
    "URSYNÓW": "ursynow",
    "URSYNOW": "ursynow",
    "WAWER": "wawer",
    "WESOŁA": "wesola",
    "WESOLA": "wesola",
    "WILANÓW": "wilanow",
    "WILANOW": "wilanow",
    "WŁOCHY": "wlochy",
    "WLOCHY": "wlochy",
    "WOLA": "wola",
    "ŻOLIBORZ": "zoliborz",
    "ZOLIBORZ": "zoliborz",
}


@pytest.mark.parametrize(("name", "code"), sorted(_ALL_CAPS.items()))
def test_capitals_and_no_diacritics(name, code):
    assert codes(f"{name} - grupa robocza") == [code]
    assert codes(f"{name} - GRUPA ROBOCZA") == [code]
    assert codes(f"{name}\nbrak tłumaczy") == [code]
    assert codes(f"SPOTKANIE UD {name}") == [code]
    title = name.title()
    assert codes(f"Spotkanie w urzędzie dzielnicy {title}") == [code]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English without diacritics; Włochy only by context.
        ("Wlochy district office", ["wlochy"]),
        ("people from Wlochy district", ["wlochy"]),
        ("a meeting in Wlochy", ["wlochy"]),
        ("in Praga-South and Praga North", ["praga_poludnie", "praga_polnoc"]),
        ("Mokotow district and Zoliborz district", ["mokotow", "zoliborz"]),
        # Headings in capitals or with a separator.
        ("WLOCHY - grupa robocza", ["wlochy"]),
        ("WŁOCHY: spotkanie", ["wlochy"]),
        ("Spotkanie\n- Włochy: brak tłumaczy", ["wlochy"]),
        ("1. WLOCHY - grupa", ["wlochy"]),
        ("Notatka\nWLOCHY\nbrak miejsc", ["wlochy"]),
        ("WOLA - GRUPA ROBOCZA", ["wola"]),
        ("SPOTKANIE NA WOLI", ["wola"]),
        # Ursus the district, not the factory.
        ("w Ursusie", ["ursus"]),
        ("UD Ursus", ["ursus"]),
        ("dzielnica Ursus", ["ursus"]),
        ("Brakuje miejsc w szkołach w Ursusie i we Włochach", ["ursus", "wlochy"]),
        # Ukrainian names.
        ("Прага-Південь", ["praga_poludnie"]),
        ("на Празі-Півдні", ["praga_poludnie"]),
        ("Праги-Півночі", ["praga_polnoc"]),
        ("Бемово", ["bemowo"]),
        ("Білоленка", ["bialoleka"]),
        ("Урсинів", ["ursynow"]),
        ("Вілянув", ["wilanow"]),
        ("Вавер", ["wawer"]),
        ("Жолібож", ["zoliborz"]),
        ("Охота", ["ochota"]),
        ("Мокотів", ["mokotow"]),
        ("Таргувек", ["targowek"]),
        ("Воля", ["wola"]),
        ("Середмістя", ["srodmiescie"]),
        ("Бєляни", ["bielany"]),
        ("Рембертув", ["rembertow"]),
        ("Весола", ["wesola"]),
        ("Урсус", ["ursus"]),
        ("Влохи", ["wlochy"]),
        ("у Влохах", ["wlochy"]),
        ("в районі Влохи", ["wlochy"]),
        # Ukrainian adjectives, in any form.
        ("Бєлянський район", ["bielany"]),
        ("у бєлянському ОПС", ["bielany"]),
        ("Білянська дільниця", ["bielany"]),
        ("бемовська школа", ["bemowo"]),
        ("бялоленцька громада", ["bialoleka"]),
        ("мокотовського району", ["mokotow"]),
        ("Охоцький центр", ["ochota"]),
        ("рембертовська школа", ["rembertow"]),
        ("таргувецький ОПС", ["targowek"]),
        ("урсуська школа", ["ursus"]),
        ("урсинівський ОПС", ["ursynow"]),
        ("ваверська бібліотека", ["wawer"]),
        ("вілянівський палац", ["wilanow"]),
        ("влохівський ОПС", ["wlochy"]),
        ("Вольський район", ["wola"]),
        ("жолібозька школа", ["zoliborz"]),
        # Polish adjectives of the districts whose name is a common word.
        ("wolski OPS pomaga", ["wola"]),
        ("w wolskim urzędzie", ["wola"]),
        ("ochockie szkoły", ["ochota"]),
        ("Wolskie Centrum Kultury", ["wola"]),
        ("Szpital Wolski - koordynatorka ds. pacjentów z Ukrainy", ["wola"]),
        ("Wola district office and IOM", ["wola"]),
    ],
)
def test_district_gaps_found(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Italy.
        "wakacje we Włoszech",
        "We Włoszech jest ciepło",
        "WAKACJE WE WŁOSZECH",
        "część rodzin wyjechała do Wloch",
        "refugees moving on from Italy",
        "Kraje:\nNiemcy\nWłochy\nHiszpania",
        "Wyjazdy: Włochy - 20 osób, Niemcy - 50",
        "WLOCHY I HISZPANIA PRZYJMUJĄ MNIEJ",
        # Common words in capitals.
        "WOLA WSPÓŁPRACY",
        "BRAK WOLI WSPÓŁPRACY",
        "LUDZIE DOBREJ WOLI",
        # The Ursus tractor factory.
        "przy zakładach Ursusa",
        "zakłady Ursus",
        "traktory Ursus",
        "Zakłady Mechaniczne Ursus",
        "stare ciągniki Ursusa",
        "Ursus tractors",
        "завод Урсус",
        "Урсуський завод",
        # Prague, streets and surnames.
        "Празький район",
        "у празькому метро",
        "ul. Wolska",
        "przy Wolskiej 12",
        "Jan Wolski powiedział",
        "rozmawiała z nami Anna Ochocka",
        "pani Wolska",
        "пан Вольський",
        "пан Бєлянський",
    ],
)
def test_district_gaps_no_false_hits(text):
    assert codes(text) == []
