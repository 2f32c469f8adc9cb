"""Actor detection: registry organisations, typed generic actors and codebook rule 6."""

import pytest

from pipeline.nlp.pipelines import build_pipeline


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
