"""Actor detection: registry organisations, typed generic actors and codebook rule 6."""

import pytest

from pipeline.nlp.names import find_unknown_names
from pipeline.nlp.pipelines import build_pipeline
from pipeline.nlp.text import WORD


@pytest.fixture(scope="module")
def pipelines():
    return {language: build_pipeline(language) for language in ("pl", "uk", "en")}


def actors(pipelines, text: str, language: str = "pl") -> list[tuple[str, str, str | None, bool]]:
    doc = pipelines[language](text, disable=["kind_theme_classifier"])
    return [(a.name, a.sector, a.organization_id, a.generic) for a in doc._.actors]


def test_registry_and_generic_actors_in_order(pipelines):
    assert actors(
        pipelines, "UD Zoliborz + kawiarnia + Fundacja Ocalenie - staze dla kobiet z UA"
    ) == [
        ("UD Zoliborz", "local_government", "urzad-dzielnicy-zoliborz", False),
        ("kawiarnia", "business", None, True),
        ("Fundacja Ocalenie", "ngo", "fundacja-ocalenie", False),
    ]


def test_inflected_generic_actors(pipelines):
    assert actors(pipelines, "miasto we współpracy z organizacjami pozarządowymi") == [
        ("miasto", "local_government", None, True),
        ("organizacjami pozarządowymi", "ngo", None, True),
    ]


def test_flipchart_abbreviations(pipelines):
    found = actors(pipelines, "siec wolont. + CWK -> wspolny kalendarz dyzurow")
    assert [(name, sector) for name, sector, _, _ in found] == [
        ("siec wolont", "grassroots"),
        ("CWK", "ngo"),
    ]


def test_volunteers_from_ukraine_are_refugee_led(pipelines):
    found = actors(pipelines, "Grupa na Telegramie prowadzona przez wolontariuszki z Ukrainy")
    assert [(name, sector) for name, sector, _, _ in found] == [("wolontariuszki", "refugee_led")]


def test_city_as_a_location_is_not_an_actor(pipelines):
    assert actors(pipelines, "Najwięcej osób mieszka w mieście od marca") == []


def test_generic_word_inside_an_organisation_name_is_not_repeated(pipelines):
    found = actors(pipelines, "SWPS University and Our Choice Foundation", "en")
    assert [sector for _, sector, _, _ in found] == ["academia", "refugee_led"]


def test_english_noun_modifier_is_not_an_actor(pipelines):
    found = actors(pipelines, "UNICEF to fund two additional school psychologists", "en")
    assert [name for name, _, _, _ in found] == ["UNICEF"]


def test_ukrainian_generic_actors(pipelines):
    found = actors(pipelines, "Бібліотека на Охоті проводить розмовний клуб", "uk")
    assert found == [("Бібліотека", "local_government", None, True)]


def test_venue_of_a_meeting_is_marked(pipelines):
    doc = pipelines["pl"](
        "Kolejne spotkanie: sala konferencyjna UD", disable=["kind_theme_classifier"]
    )
    assert doc._.venue_actors == [0]


def test_names_the_registry_lacks_are_unresolved_actors(pipelines):
    assert actors(pipelines, "Parafia św. Zygmunta i PCK rozważą dowóz paczek") == [
        ("Parafia św. Zygmunta", "faith", None, False),
        ("PCK", "ngo", "polski-czerwony-krzyz-pck", False),
    ]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "SP nr 289 na Targówku prowadzi klasę powitalną",
            "pl",
            ("SP nr 289 na Targówku", "local_government"),
        ),
        (
            "z udziałem stowarzyszenia „Ursus Razem” z dzielnicy",
            "pl",
            ("stowarzyszenia „Ursus Razem”", "ngo"),
        ),
        (
            "Bielański Ośrodek Kultury zorganizował piknik",
            "pl",
            ("Bielański Ośrodek Kultury", "local_government"),
        ),
        (
            "Biblioteka Publiczna na Bemowie ma zapisy",
            "pl",
            ("Biblioteka Publiczna na Bemowie", "local_government"),
        ),
        ("Фонд «Схід SOS» допомагає переселенцям", "uk", ("Фонд «Схід SOS»", "ngo")),
        ("The Kosciuszko Foundation offered grants", "en", ("Kosciuszko Foundation", "ngo")),
        ("Firma Nowak sp. z o.o. zatrudni kobiety", "pl", ("Firma Nowak sp. z o.o.", "business")),
    ],
)
def test_organisation_name_patterns(pipelines, text, language, expected):
    found = actors(pipelines, text, language)
    assert (found[0][0], found[0][1], found[0][2]) == (*expected, None)


def test_working_group_names_and_bare_heads_are_not_organisations(pipelines):
    found = actors(
        pipelines, "Ósma grupa „inne” zajmie się Romami; Szkoły w Rembertowie mają miejsca"
    )
    assert [(name, generic) for name, _, _, generic in found] == [("Szkoły", True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fundacja ocalenie pomaga", []),  # a bare lower-case head is a generic actor
        ("Stow. Nowy Dom i SP 12", [("Stow. Nowy Dom", "ngo"), ("SP 12", "local_government")]),
        ("d’Fundacja Nowa Droga pomaga", [("Fundacja Nowa Droga", "ngo")]),
        ("Brak miejsc w SP, LO pelne", []),
        (
            "Spotkanie: Praski  Klub Seniora i Klub Sportowy Wola",
            [("Praski  Klub Seniora", "ngo"), ("Klub Sportowy Wola", "ngo")],
        ),
    ],
)
def test_unknown_names_by_their_first_word(text, expected):
    found = find_unknown_names(text, [])
    assert [(actor.name, actor.sector) for _, actor in found] == expected
    assert find_unknown_names(text, [], WORD.findall(text)) == found
