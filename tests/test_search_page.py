"""The site's search page (db/plugins/search_page.py), where the landing page's box goes."""

from __future__ import annotations

import pytest
from test_datasette import get, site
from test_publish import sample_knowledge_base

from pipeline.publish import write_databases


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search-page")
    public, internal = folder / "rekomendacje.db", folder / "rekomendacje-internal.db"
    write_databases(sample_knowledge_base(), public, internal)
    return site(public, internal)


def search(datasette, words: str, database: str = "rekomendacje", **kwargs) -> dict:
    response = get(datasette, f"/{database}/-/szukaj.json", params={"q": words}, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def ids(found: dict, key: str) -> list[str]:
    return [row["id"] for row in found[key]]


@pytest.mark.parametrize("words", ["mieszkaniach", "mieszkań", "mieszkanie", "MIESZKANIA"])
def test_any_form_of_a_word_finds_every_form(datasette, words):
    found = search(datasette, words)
    # Recommendations most supported first (3 groups, then 1); items in the notes' order.
    assert ids(found, "recommendations") == ["r-housing", "r-grupa-1-a"]
    assert ids(found, "items") == ["grupa-1-a", "grupa-1-b", "grupa-2-a"]
    assert found["items"][2]["fragment"].startswith("Rekomendujemy więcej «mieszkań»")
    assert "«mieszkaniach»" in found["items"][2]["fragment"]
    assert found["items"][0]["grupa"] == "Grupa 1: Potrzeby podstawowe"


def test_ukrainian_words_find_ukrainian_items_in_another_form(datasette):
    found = search(datasette, "житло")
    assert ids(found, "items") == ["grupa-3-a"]
    assert "«житла»" in found["items"][0]["fragment"]
    assert ids(found, "recommendations") == ["r-housing"]


def test_quoted_words_are_an_exact_phrase(datasette):
    assert ids(search(datasette, '"mieszkań interwencyjnych"'), "items") == [
        "grupa-1-b",
        "grupa-2-a",
    ]
    assert ids(search(datasette, '"interwencyjnych mieszkań"'), "items") == []


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ('"', []),
        ("*", []),
        ("OR", []),
        ("NOT", []),
        ("mieszkań*", ["grupa-1-a", "grupa-1-b", "grupa-2-a"]),
        ("mieszkań OR szkołach", []),
        ("szkołach -mieszkań", []),
        ('mieszkań "', ["grupa-1-a", "grupa-1-b", "grupa-2-a"]),
        ("text: mieszkań", []),
        ("NEAR(mieszkań szkoła)", []),
        ("^mieszkań", ["grupa-1-a", "grupa-1-b", "grupa-2-a"]),
        ("'; drop table items; --", []),
    ],
)
def test_fts_syntax_is_searched_as_words(datasette, words, expected):
    # Operators are words here: "OR" must appear in the text, not join two searches.
    assert ids(search(datasette, words), "items") == expected


@pytest.mark.parametrize("words", ["", "   "])
def test_an_empty_search_shows_the_form_and_no_results(datasette, words):
    assert search(datasette, words) == {"q": "", "recommendations": [], "items": []}
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": words})
    assert page.status_code == 200
    assert 'action="/rekomendacje/-/szukaj"' in page.text
    assert "Wpisz słowa w dowolnej formie" in page.text
    assert "<table" not in page.text


def test_the_page_lists_both_kinds_of_results_with_links(datasette):
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": "szkołach"}).text
    assert 'value="szkołach"' in page
    assert '<a href="/rekomendacje/recommendations/r-grupa-2-b">' in page
    assert '<a href="/rekomendacje/items/grupa-2-b">' in page
    assert "…zmienić przepisy o zatrudnianiu asystentów w «szkołach».</a>" in page
    assert "/rekomendacje/wyszukiwanie_wypowiedzi?q=szko%C5%82ach" in page


def test_the_landing_page_search_box_opens_the_search_page(datasette):
    landing = get(datasette, "/").text
    assert '<form class="search" action="/rekomendacje/-/szukaj" method="get">' in landing


def test_text_is_escaped(datasette):
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": "alert"}).text
    assert "&lt;script&gt;«alert»" in page
    assert "<script>alert" not in page
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": '"><b>x'}).text
    assert 'value="&#34;&gt;&lt;b&gt;x"' in page


@pytest.mark.parametrize("words", ["Kowalska", "Anna", "601", "gmail", "Шевченко", "Wiśniewska"])
def test_no_personal_data_is_found_in_the_public_database(datasette, words):
    assert search(datasette, words) == {"q": words, "recommendations": [], "items": []}


def test_redacted_text_is_what_the_public_search_shows(datasette):
    found = search(datasette, "kontakt")
    assert [row["fragment"] for row in found["items"]] == [
        "«Kontakt»: [osoba], tel. [telefon], [e-mail]"
    ]
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": "Wola"}).text
    assert "Katarzyna Wiśniewska" not in page


def test_the_internal_database_search_is_for_the_analyst_only(datasette):
    response = get(datasette, "/rekomendacje-internal/-/szukaj.json", params={"q": "Kowalska"})
    assert response.status_code == 403
    cookie = {"ds_actor": datasette.sign({"a": {"id": "analyst"}}, "actor")}
    found = search(datasette, "Kowalska", database="rekomendacje-internal", cookies=cookie)
    assert ids(found, "items") == ["grupa-1-c"]


def test_an_unknown_database_is_not_found(datasette):
    assert get(datasette, "/nie-ma/-/szukaj.json", params={"q": "x"}).status_code == 404
